-- name: timeline_location
-- returns: every event at location $location_id in the area (calls and crimes at it, missing
--   episodes reported from it), in time order: at, source, event_id, what, role ('at location'),
--   ward_code, location_id, address, linked (the people on the event: "caller: P1 Ann Lee",
--   "victim: P3 ...", "missing: P9 ...")
-- reads: events, persons
-- params: $location_id, $wards, $include_unwarded
WITH here AS (
    -- person_id: the caller or the missing person (crimes take theirs from crime_people)
    SELECT received_at AS "at", 'call' AS source, incident_id AS event_id, incident_type AS what,
           ward_code, location_id, caller_id AS person_id
    FROM calls WHERE location_id = $location_id
    UNION ALL
    SELECT recorded_at, 'crime', crime_id, category, ward_code, location_id, NULL
    FROM crimes WHERE location_id = $location_id
    UNION ALL
    SELECT reported_at, 'missing', episode_id, 'Missing person (' || coalesce(risk, 'not graded') || ' risk)',
           ward_code, from_location_id, person_id
    FROM missing_episodes WHERE from_location_id = $location_id
),
people AS (
    -- calls and episodes are keyed by their ids, so only crime links need DISTINCT
    SELECT source, event_id, 'caller' AS role, person_id
    FROM here WHERE source = 'call' AND person_id IS NOT NULL
    UNION ALL
    SELECT source, event_id, 'missing', person_id
    FROM here WHERE source = 'missing'
    UNION ALL
    SELECT DISTINCT 'crime', p.crime_id, p.role, p.person_id
    FROM crime_people p WHERE p.crime_id IN (SELECT event_id FROM here WHERE source = 'crime')
),
linked AS (
    SELECT p.source, p.event_id,
           string_agg(p.role || ': ' || p.person_id || coalesce(' ' || pe.name, ''), '; '
                      ORDER BY p.role, p.person_id) AS linked
    FROM people p
    LEFT JOIN persons pe USING (person_id)
    GROUP BY p.source, p.event_id
)
SELECT h.at, h.source, h.event_id, h.what, 'at location' AS role, h.ward_code, h.location_id,
       l.address, k.linked
FROM here h
LEFT JOIN locations l USING (location_id)
LEFT JOIN linked k ON k.source = h.source AND k.event_id = h.event_id
WHERE list_contains($wards, h.ward_code) OR (h.ward_code IS NULL AND $include_unwarded)
ORDER BY h.at, h.source, h.event_id;
