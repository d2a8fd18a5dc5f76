-- name: profile_people
-- returns: the people linked to a profile's events in the area, busiest first (events desc,
--   last_at desc, person_id): person_id, name, roles (their roles on those events, '; '),
--   events (distinct events shared), last_at. For person $person_id (then $location_id is NULL):
--   the other people on their crimes. For location $location_id (then $person_id is NULL): the
--   callers of its calls, the people on its crimes and the missing persons reported from it.
-- reads: events, persons
-- params: $person_id, $location_id, $wards, $include_unwarded
WITH theirs AS (
    -- the profile's events in the area
    SELECT 'crime' AS source, c.crime_id AS event_id, c.recorded_at AS "at", c.ward_code
    FROM crime_people p JOIN crimes c USING (crime_id)
    WHERE $person_id IS NOT NULL AND p.person_id = $person_id
    UNION
    SELECT 'crime', crime_id, recorded_at, ward_code FROM crimes
    WHERE $location_id IS NOT NULL AND location_id = $location_id
    UNION
    SELECT 'call', incident_id, received_at, ward_code FROM calls
    WHERE $location_id IS NOT NULL AND location_id = $location_id
    UNION
    SELECT 'missing', episode_id, reported_at, ward_code FROM missing_episodes
    WHERE $location_id IS NOT NULL AND from_location_id = $location_id
),
inside AS (
    SELECT * FROM theirs t
    WHERE list_contains($wards, t.ward_code) OR (t.ward_code IS NULL AND $include_unwarded)
),
links AS (
    SELECT i.source, i.event_id, i."at", p.person_id, p.role
    FROM inside i JOIN crime_people p ON i.source = 'crime' AND p.crime_id = i.event_id
    UNION
    SELECT i.source, i.event_id, i."at", c.caller_id, 'caller'
    FROM inside i JOIN calls c ON i.source = 'call' AND c.incident_id = i.event_id
    WHERE c.caller_id IS NOT NULL
    UNION
    SELECT i.source, i.event_id, i."at", m.person_id, 'missing'
    FROM inside i JOIN missing_episodes m ON i.source = 'missing' AND m.episode_id = i.event_id
)
SELECT l.person_id, pe.name, string_agg(DISTINCT l.role, '; ' ORDER BY l.role) AS roles,
       count(DISTINCT (l.source, l.event_id)) AS events, max(l."at") AS last_at
FROM links l
LEFT JOIN persons pe USING (person_id)
WHERE $person_id IS NULL OR l.person_id <> $person_id
GROUP BY l.person_id, pe.name
ORDER BY events DESC, last_at DESC, l.person_id;
