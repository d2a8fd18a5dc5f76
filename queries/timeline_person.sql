-- name: timeline_person
-- returns: every event of person $person_id in the area, in time order: at, source ('call' |
--   'crime' | 'missing'), event_id, what, role ('caller', the crime roles joined by '; ' when
--   linked in more than one, or 'missing'), ward_code, location_id, address, linked (the other
--   people on a crime, as "offender: P12 Jane Smith; victim: P3 ..."; NULL for calls and
--   missing episodes, which record no other person)
-- reads: events, persons
-- params: $person_id, $wards, $include_unwarded
WITH own AS (
    SELECT received_at AS "at", 'call' AS source, incident_id AS event_id, incident_type AS what,
           'caller' AS role, ward_code, location_id
    FROM calls
    WHERE caller_id = $person_id
    UNION ALL
    SELECT c.recorded_at, 'crime', c.crime_id, c.category,
           string_agg(DISTINCT p.role, '; ' ORDER BY p.role), c.ward_code, c.location_id
    FROM crime_people p
    JOIN crimes c USING (crime_id)
    WHERE p.person_id = $person_id
    GROUP BY c.recorded_at, c.crime_id, c.category, c.ward_code, c.location_id
    UNION ALL
    SELECT reported_at, 'missing', episode_id, 'Missing person (' || coalesce(risk, 'not graded') || ' risk)',
           'missing', ward_code, from_location_id
    FROM missing_episodes
    WHERE person_id = $person_id
),
others AS (
    SELECT crime_id AS event_id,
           string_agg(role || ': ' || person_id || coalesce(' ' || name, ''), '; ' ORDER BY role, person_id) AS linked
    FROM (SELECT DISTINCT p.crime_id, p.role, p.person_id, pe.name
          FROM crime_people p
          LEFT JOIN persons pe USING (person_id)
          WHERE p.crime_id IN (SELECT event_id FROM own WHERE source = 'crime')
            AND p.person_id <> $person_id)
    GROUP BY crime_id
)
SELECT o.at, o.source, o.event_id, o.what, o.role, o.ward_code, o.location_id, l.address, x.linked
FROM own o
LEFT JOIN locations l USING (location_id)
LEFT JOIN others x ON x.event_id = o.event_id AND o.source = 'crime'
WHERE list_contains($wards, o.ward_code) OR (o.ward_code IS NULL AND $include_unwarded)
ORDER BY o.at, o.source, o.event_id;
