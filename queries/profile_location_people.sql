-- name: profile_location_people
-- returns: the people linked to the events at location $location_id in the area (the callers
--   of its calls, the people on its crimes, the missing persons reported from it), busiest first
--   (events desc, last_at desc, person_id): person_id, name, roles (their roles on those events,
--   '; '), events (distinct events shared), last_at. A range read of location_events, which is
--   sorted by place and carries the people on each event (with their names), so nothing else
--   is read.
-- reads: events, persons
-- params: $location_id, $wards, $include_unwarded
WITH links AS (
    -- unnested in the select list, not laterally, so the place filter stays a range read
    SELECT e.source, e.event_id, e."at", unnest(e.people) AS p
    FROM location_events e
    WHERE e.location_id = $location_id
      AND in_area(e.ward_code, $wards, $include_unwarded)
)
SELECT p.person_id, p.name, string_agg(DISTINCT p.role, '; ' ORDER BY p.role) AS roles,
       count(DISTINCT (source, event_id)) AS events, max("at") AS last_at
FROM links
GROUP BY p.person_id, p.name
ORDER BY events DESC, last_at DESC, p.person_id;
