-- name: dash_person
-- returns: the person's row when they have an event (a call made, a crime linked in any role,
--   a missing episode) in the area, else no row: person_id, name, birth_year, gender, events
--   (their events in the area), events_elsewhere (their events outside it: counted, never
--   shown)
-- reads: events, persons
-- params: $person_id, $wards, $include_unwarded
WITH counted AS (
    -- person_events holds each of a person's events once, sorted by person
    SELECT count(*) FILTER (WHERE in_area(ward_code, $wards, $include_unwarded)) AS events,
           count(*) AS all_events
    FROM person_events
    WHERE person_id = $person_id
)
SELECT p.person_id, p.name, p.birth_year, p.gender, c.events, c.all_events - c.events AS events_elsewhere
FROM persons p, counted c
WHERE p.person_id = $person_id AND c.events > 0;
