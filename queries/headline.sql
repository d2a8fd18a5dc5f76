-- name: headline
-- returns: four rows in this order: measure ('crimes', 'calls', 'asb_calls' (calls with the
--   ASB qualifier), 'missing_episodes'), count (in [$start, $end)), previous_count (in
--   [$prev_start, $prev_end)), for events in the area
--   Events dated in a month the source lacks are not counted (ward_days holds covered events
--   only: see snapshot_derived).
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end
-- headline_wards.sql counts the same way for each ward of an area: change the two together.
WITH chosen AS (
    SELECT source, events, asb_events,
           day >= CAST($start AS DATE) AND day < CAST($end AS DATE) AS in_current,
           day >= CAST($prev_start AS DATE) AND day < CAST($prev_end AS DATE) AS in_previous
    FROM ward_days
    WHERE in_area(ward_code, $wards, $include_unwarded)
      AND day >= least(CAST($start AS DATE), CAST($prev_start AS DATE))
      AND day < greatest(CAST($end AS DATE), CAST($prev_end AS DATE))
),
counts AS (
    SELECT source AS measure, sum(events) FILTER (WHERE in_current) AS count,
           sum(events) FILTER (WHERE in_previous) AS previous_count
    FROM chosen GROUP BY source
    UNION ALL
    SELECT 'asb_calls', sum(asb_events) FILTER (WHERE in_current), sum(asb_events) FILTER (WHERE in_previous)
    FROM chosen WHERE source = 'calls'
)
SELECT m.measure, CAST(coalesce(c.count, 0) AS BIGINT) AS count,
       CAST(coalesce(c.previous_count, 0) AS BIGINT) AS previous_count
FROM (VALUES (1, 'crimes'), (2, 'calls'), (3, 'asb_calls'), (4, 'missing_episodes')) AS m(position, measure)
LEFT JOIN counts c USING (measure)
ORDER BY m.position;
