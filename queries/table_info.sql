-- name: table_info
-- returns: one row per contract table, in contract order: table_name, row_count, first_at,
--   last_at (the first and last event time; NULL for tables that hold no events)
-- params: (none)
SELECT table_name, row_count, first_at, last_at
FROM (
    SELECT 1 AS position, 'wards' AS table_name, count(*) AS row_count,
           NULL::TIMESTAMP AS first_at, NULL::TIMESTAMP AS last_at FROM wards
    UNION ALL SELECT 2, 'locations', count(*), NULL, NULL FROM locations
    UNION ALL SELECT 3, 'persons', count(*), NULL, NULL FROM persons
    UNION ALL SELECT 4, 'calls', count(*), min(received_at), max(received_at) FROM calls
    UNION ALL SELECT 5, 'crimes', count(*), min(recorded_at), max(recorded_at) FROM crimes
    UNION ALL SELECT 6, 'crime_people', count(*), NULL, NULL FROM crime_people
    UNION ALL SELECT 7, 'missing_episodes', count(*), min(reported_at), max(reported_at) FROM missing_episodes
    UNION ALL SELECT 8, 'coverage', count(*), min(month), max(month) FROM coverage
)
ORDER BY position;
