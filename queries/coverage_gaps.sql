-- name: coverage_gaps
-- returns: one row per source (calls, crimes, missing_episodes) and calendar month that
--   shares a day with the dates $start to $end (inclusive) but that the coverage table does
--   not mark covered: table_name, month. A month with no coverage row counts as lacking.
-- reads: reference
-- params: $start, $end
WITH months AS (
    SELECT s.table_name, CAST(g.m AS DATE) AS month
    FROM (VALUES ('calls'), ('crimes'), ('missing_episodes')) AS s(table_name),
         generate_series(date_trunc('month', CAST($start AS DATE)),
                         date_trunc('month', CAST($end AS DATE)), INTERVAL 1 MONTH) AS g(m)
)
SELECT table_name, month
FROM months
WHERE NOT EXISTS (
    SELECT 1 FROM coverage c
    WHERE c.table_name = months.table_name
      AND date_trunc('month', c.month) = months.month
      AND c.covered
)
ORDER BY table_name, month;
