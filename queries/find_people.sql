-- name: find_people
-- returns: people whose name contains $text (any case) or whose reference is $text, who have
--   an event (a call made, a crime linked in any role, a missing episode) in the area, best
--   match first (reference, then name starting with the text, then events desc): person_id,
--   name, birth_year, events (their events in the area), last_at. At most $limit rows.
-- reads: events, persons
-- params: $text, $wards, $include_unwarded, $limit
WITH named AS MATERIALIZED (  -- matched once, not once for each use below: a scan of every name
    SELECT person_id, name, birth_year FROM persons
    WHERE person_id = $text OR contains(lower(name), lower($text))
),
theirs AS (
    SELECT caller_id AS person_id, 'call' AS source, incident_id AS event_id, received_at AS "at", ward_code
    FROM calls WHERE caller_id IN (SELECT person_id FROM named)
    UNION
    SELECT p.person_id, 'crime', c.crime_id, c.recorded_at, c.ward_code
    FROM crime_people p JOIN crimes c USING (crime_id)
    WHERE p.person_id IN (SELECT person_id FROM named)
    UNION
    SELECT person_id, 'missing', episode_id, reported_at, ward_code
    FROM missing_episodes WHERE person_id IN (SELECT person_id FROM named)
),
inside AS (
    SELECT person_id, count(*) AS events, max("at") AS last_at
    FROM theirs t
    WHERE in_area(t.ward_code, $wards, $include_unwarded)
    GROUP BY person_id
)
SELECT n.person_id, n.name, n.birth_year, i.events, i.last_at
FROM named n JOIN inside i USING (person_id)
ORDER BY n.person_id = $text DESC, starts_with(lower(n.name), lower($text)) DESC, i.events DESC, n.name,
         n.person_id
LIMIT $limit;
