-- name: derive_coverage
-- returns: nothing; creates the table coverage (table_name, month, covered) marking every
--   month from each event table's first to its last event as covered. Used by the snapshot
--   build when the extracts carry no coverage table.
-- reads: build
-- params: (none)
CREATE TABLE coverage AS
WITH spans AS (
    SELECT 'calls' AS table_name, min(received_at) AS first_at, max(received_at) AS last_at FROM calls
    UNION ALL
    SELECT 'crimes', min(recorded_at), max(recorded_at) FROM crimes
    UNION ALL
    SELECT 'missing_episodes', min(reported_at), max(reported_at) FROM missing_episodes
)
SELECT
    table_name,
    CAST(unnest(generate_series(date_trunc('month', first_at), date_trunc('month', last_at), INTERVAL 1 MONTH)) AS DATE) AS month,
    true AS covered
FROM spans
WHERE first_at IS NOT NULL;
