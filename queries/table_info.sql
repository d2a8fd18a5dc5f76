-- name: table_info
-- returns: one row per contract table, in contract order, counting what lies in the area:
--   table_name, row_count, first_at, last_at (the first and last event time; NULL for tables
--   that hold no events). wards: the area's wards; locations: those in its wards; persons:
--   people linked to its events; crime_people: links of its crimes; coverage: every month row;
--   powers and wanted: those in its wards (row_count NULL when the extracts do not hold the table)
-- reads: events, persons
-- params: $wards, $include_unwarded
WITH in_calls AS (
    SELECT * FROM calls WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)
),
in_crimes AS (
    SELECT * FROM crimes WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)
),
in_missing AS (
    SELECT * FROM missing_episodes
    WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)
),
in_links AS (
    SELECT p.* FROM crime_people p WHERE p.crime_id IN (SELECT crime_id FROM in_crimes)
),
in_persons AS (
    SELECT caller_id AS person_id FROM in_calls WHERE caller_id IS NOT NULL
    UNION SELECT person_id FROM in_links
    UNION SELECT person_id FROM in_missing
)
SELECT table_name, CASE WHEN h.held OR table_name NOT IN ('powers', 'wanted') THEN row_count END AS row_count,
       first_at, last_at
FROM (
    SELECT 1 AS position, 'wards' AS table_name, count(*) AS row_count,
           NULL::TIMESTAMP AS first_at, NULL::TIMESTAMP AS last_at
    FROM wards WHERE list_contains($wards, ward_code)
    UNION ALL SELECT 2, 'locations', count(*), NULL, NULL FROM locations
        WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)
    UNION ALL SELECT 3, 'persons', count(*), NULL, NULL FROM in_persons
    UNION ALL SELECT 4, 'calls', count(*), min(received_at), max(received_at) FROM in_calls
    UNION ALL SELECT 5, 'crimes', count(*), min(recorded_at), max(recorded_at) FROM in_crimes
    UNION ALL SELECT 6, 'crime_people', count(*), NULL, NULL FROM in_links
    UNION ALL SELECT 7, 'missing_episodes', count(*), min(reported_at), max(reported_at) FROM in_missing
    UNION ALL SELECT 8, 'coverage', count(*), min(month), max(month) FROM coverage
    UNION ALL SELECT 9, 'powers', count(*), min(used_at), max(used_at) FROM powers
        WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)
    UNION ALL SELECT 10, 'wanted', count(*), min(since), max(since) FROM wanted
        WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)
)
LEFT JOIN held_tables h USING (table_name)
ORDER BY position;
