-- name: coverage_months
-- returns: one row per source (table_name: calls, crimes, missing_episodes) and calendar month
--   (month: its first day) that the coverage table marks covered. A month with no such row is
--   one the source lacks (never zero).
-- reads: reference
-- params: (none)
SELECT DISTINCT table_name, CAST(date_trunc('month', month) AS DATE) AS month
FROM coverage
WHERE covered
ORDER BY table_name, month;
