-- name: dash_person
-- returns: the person's row when they have an event (a call made, a crime linked in any role,
--   a missing episode) in the area, else no row: person_id, name, birth_year, gender, events
--   (their events in the area), events_elsewhere (their events outside it: counted, never
--   shown)
-- reads: events, persons
-- params: $person_id, $wards, $include_unwarded
WITH theirs AS (
    SELECT 'call' AS source, incident_id AS event_id, ward_code FROM calls WHERE caller_id = $person_id
    UNION
    SELECT 'crime', c.crime_id, c.ward_code
    FROM crime_people p JOIN crimes c USING (crime_id)
    WHERE p.person_id = $person_id
    UNION
    SELECT 'missing', episode_id, ward_code FROM missing_episodes WHERE person_id = $person_id
),
counted AS (
    SELECT count(*) FILTER (WHERE coalesce(list_contains($wards, ward_code), false)
                                  OR (ward_code IS NULL AND $include_unwarded)) AS events,
           count(*) AS all_events
    FROM theirs
)
SELECT p.person_id, p.name, p.birth_year, p.gender, c.events, c.all_events - c.events AS events_elsewhere
FROM persons p, counted c
WHERE p.person_id = $person_id AND c.events > 0;
