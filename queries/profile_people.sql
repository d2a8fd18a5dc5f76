-- name: profile_people
-- returns: the other people on the crimes of person $person_id in the area, busiest first
--   (events desc, last_at desc, person_id): person_id, name, roles (their roles on those crimes,
--   '; '), events (distinct crimes shared), last_at. A range read of person_events, which is
--   sorted by person and carries the people on each crime (with their names), so nothing else
--   is read. queries/profile_location_people.sql is the same for a location.
-- reads: events, persons
-- params: $person_id, $wards, $include_unwarded
WITH links AS (
    -- unnested in the select list, not laterally: a lateral unnest keeps DuckDB from pushing
    -- the person filter into the scan, which then reads every row of person_events
    SELECT e.event_id, e."at", unnest(e.people) AS p
    FROM person_events e
    WHERE e.person_id = $person_id AND e.source = 'crime'
      AND in_area(e.ward_code, $wards, $include_unwarded)
)
SELECT p.person_id, p.name, string_agg(DISTINCT p.role, '; ' ORDER BY p.role) AS roles,
       count(DISTINCT event_id) AS events, max("at") AS last_at
FROM links
WHERE p.person_id <> $person_id
GROUP BY p.person_id, p.name
ORDER BY events DESC, last_at DESC, p.person_id;
