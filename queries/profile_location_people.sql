-- name: profile_location_people
-- returns: the people linked to the events at location $location_id in the area (the callers
--   of its calls, the people on its crimes, the missing persons reported from it), busiest first
--   (events desc, last_at desc, person_id): person_id, name, roles (their roles on those events,
--   '; '), events (distinct events shared), last_at. person_events holds each person's link to
--   an event once, with the event's place, ward and the person's roles on it; read for one
--   place it skips the row groups whose places cannot match, then names only the people found.
-- reads: events, persons
-- params: $location_id, $wards, $include_unwarded
WITH links AS (
    SELECT e.source, e.event_id, e."at", e.person_id, unnest(e.roles) AS role
    FROM person_events e
    WHERE e.location_id = $location_id
      AND in_area(e.ward_code, $wards, $include_unwarded)
),
theirs AS (
    SELECT person_id, string_agg(DISTINCT role, '; ' ORDER BY role) AS roles,
           count(DISTINCT (source, event_id)) AS events, max("at") AS last_at
    FROM links
    GROUP BY person_id
)
SELECT t.person_id, pe.name, t.roles, t.events, t.last_at
FROM theirs t
LEFT JOIN persons pe USING (person_id)
ORDER BY t.events DESC, t.last_at DESC, t.person_id;
