-- name: weekly_counts
-- returns: one row per week (its Monday) from $first_week to the week holding $as_of and per
--   source ('crimes', 'calls', 'missing_episodes'): week, source, count of events in the area
--   up to the end of $as_of. count is NULL, not 0, when a day of the week (up to $as_of)
--   falls in a month the coverage table does not mark covered for that source.
-- reads: events
-- params: $wards, $include_unwarded, $first_week, $as_of
WITH weeks AS (
    SELECT CAST(g.w AS DATE) AS week
    FROM generate_series(CAST($first_week AS TIMESTAMP), CAST(date_trunc('week', CAST($as_of AS DATE)) AS TIMESTAMP),
                         INTERVAL 7 DAY) AS g(w)
),
grid AS (
    SELECT w.week, s.source, s.position,
           least(w.week + 6, CAST($as_of AS DATE)) AS last_day
    FROM weeks w,
         (VALUES (1, 'crimes'), (2, 'calls'), (3, 'missing_episodes')) AS s(position, source)
),
counts AS (
    -- ward_days holds covered events only; a week touching a month the source lacks is NULL
    -- below whatever it holds, so the weeks shown count the same events as the sources do
    SELECT source, CAST(date_trunc('week', day) AS DATE) AS week, CAST(sum(events) AS BIGINT) AS n
    FROM ward_days
    WHERE day >= CAST($first_week AS DATE) AND day <= CAST($as_of AS DATE)
      AND in_area(ward_code, $wards, $include_unwarded)
    GROUP BY ALL
),
covered AS (
    SELECT table_name AS source, date_trunc('month', month) AS month FROM coverage WHERE covered
)
SELECT g.week, g.source,
       CASE WHEN EXISTS (SELECT 1 FROM covered c WHERE c.source = g.source AND c.month = date_trunc('month', g.week))
             AND EXISTS (SELECT 1 FROM covered c WHERE c.source = g.source AND c.month = date_trunc('month', g.last_day))
            THEN coalesce(n.n, 0) END AS count
FROM grid g
LEFT JOIN counts n USING (source, week)
ORDER BY g.week, g.position;
