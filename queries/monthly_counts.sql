-- name: monthly_counts
-- returns: one row per calendar month from $first_month to the month holding $as_of and per
--   source ('crimes', 'calls', 'missing_episodes'): month, source, count of events in the area
--   up to the end of $as_of. count is NULL, not 0, for a month the coverage table does not
--   mark covered for that source. For data dated by month (data.police.uk).
-- reads: events
-- params: $wards, $include_unwarded, $first_month, $as_of
WITH grid AS (
    SELECT CAST(g.m AS DATE) AS month, s.source, s.position
    FROM generate_series(CAST($first_month AS TIMESTAMP), CAST(date_trunc('month', CAST($as_of AS DATE)) AS TIMESTAMP),
                         INTERVAL 1 MONTH) AS g(m),
         (VALUES (1, 'crimes'), (2, 'calls'), (3, 'missing_episodes')) AS s(position, source)
),
counts AS (
    -- ward_days holds covered events only; a month the source lacks is NULL below
    SELECT source, CAST(date_trunc('month', day) AS DATE) AS month, CAST(sum(events) AS BIGINT) AS n
    FROM ward_days
    WHERE day >= CAST($first_month AS DATE) AND day <= CAST($as_of AS DATE)
      AND in_area(ward_code, $wards, $include_unwarded)
    GROUP BY ALL
)
SELECT g.month, g.source,
       CASE WHEN EXISTS (SELECT 1 FROM coverage c WHERE c.table_name = g.source AND c.covered
                         AND date_trunc('month', c.month) = g.month)
            THEN coalesce(n.n, 0) END AS count
FROM grid g
LEFT JOIN counts n USING (source, month)
ORDER BY g.month, g.position;
