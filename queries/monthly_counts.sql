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
chosen AS (
    SELECT 'crimes' AS source, recorded_at AS "at", ward_code FROM crimes
    UNION ALL
    SELECT 'calls', received_at, ward_code FROM calls
    UNION ALL
    SELECT 'missing_episodes', reported_at, ward_code FROM missing_episodes
),
counts AS (
    SELECT source, CAST(date_trunc('month', "at") AS DATE) AS month, count(*) AS n
    FROM chosen
    WHERE "at" >= CAST($first_month AS TIMESTAMP) AND "at" < CAST($as_of AS DATE) + INTERVAL 1 DAY
      AND (list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded))
    GROUP BY ALL
)
SELECT g.month, g.source,
       CASE WHEN EXISTS (SELECT 1 FROM coverage c WHERE c.table_name = g.source AND c.covered
                         AND date_trunc('month', c.month) = g.month)
            THEN coalesce(n.n, 0) END AS count
FROM grid g
LEFT JOIN counts n USING (source, month)
ORDER BY g.month, g.position;
