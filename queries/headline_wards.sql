-- name: headline_wards
-- returns: headline's four counts for each ward of the area alone, one row per ward and measure
--   (zero counts included), wards by name (then code), measures in headline's order ('crimes',
--   'calls', 'asb_calls', 'missing_episodes'): ward_code, measure, count (in [$start, $end)),
--   previous_count (in [$prev_start, $prev_end)). A district's table of wards reads this once
--   instead of headline once a ward. Events with no ward belong to no ward.
--   Events dated in a month the source lacks are not counted (ward_days holds covered events
--   only: see snapshot_derived).
-- reads: events
-- params: $wards, $start, $end, $prev_start, $prev_end
-- Counts as headline.sql does, grouped by ward as well: change the two together
-- (tests/test_analytics_compare.py checks each ward's rows against headline for that ward alone).
WITH chosen AS (
    SELECT ward_code, source, events, asb_events,
           day >= CAST($start AS DATE) AND day < CAST($end AS DATE) AS in_current,
           day >= CAST($prev_start AS DATE) AND day < CAST($prev_end AS DATE) AS in_previous
    FROM ward_days
    WHERE in_area(ward_code, $wards, false)
      AND day >= least(CAST($start AS DATE), CAST($prev_start AS DATE))
      AND day < greatest(CAST($end AS DATE), CAST($prev_end AS DATE))
),
counts AS (
    SELECT ward_code, source AS measure, sum(events) FILTER (WHERE in_current) AS count,
           sum(events) FILTER (WHERE in_previous) AS previous_count
    FROM chosen GROUP BY ward_code, source
    UNION ALL
    SELECT ward_code, 'asb_calls', sum(asb_events) FILTER (WHERE in_current),
           sum(asb_events) FILTER (WHERE in_previous)
    FROM chosen WHERE source = 'calls' GROUP BY ward_code
)
SELECT w.ward_code, m.measure, CAST(coalesce(c.count, 0) AS BIGINT) AS count,
       CAST(coalesce(c.previous_count, 0) AS BIGINT) AS previous_count
FROM wards w
CROSS JOIN (VALUES (1, 'crimes'), (2, 'calls'), (3, 'asb_calls'), (4, 'missing_episodes')) AS m(position, measure)
LEFT JOIN counts c ON c.ward_code = w.ward_code AND c.measure = m.measure
WHERE in_area(w.ward_code, $wards, false)
ORDER BY w.ward_name, w.ward_code, m.position;
