-- name: compare_ward
-- returns: one row per ward in $wards (zero counts included), ordered by ward name: group
--   (the ward code), ward_name, count (events of $source in [$start, $end)), previous_count
--   (in [$prev_start, $prev_end)), population (residents, an estimate; NULL when unknown).
--   $source is 'crimes', 'calls' or 'missing_episodes'.
--   Events dated in a month the source lacks are not counted (ward_days holds covered
--   events only: see snapshot_derived).
-- reads: events
-- params: $wards, $source, $start, $end, $prev_start, $prev_end
WITH counts AS (
    SELECT ward_code,
           sum(events) FILTER (WHERE day >= CAST($start AS DATE) AND day < CAST($end AS DATE)) AS count,
           sum(events) FILTER (WHERE day >= CAST($prev_start AS DATE) AND day < CAST($prev_end AS DATE)) AS previous_count
    FROM ward_days
    WHERE source = $source
      AND in_area(ward_code, $wards, false)
      AND day >= least(CAST($start AS DATE), CAST($prev_start AS DATE))
      AND day < greatest(CAST($end AS DATE), CAST($prev_end AS DATE))
    GROUP BY ward_code
)
SELECT w.ward_code AS "group", w.ward_name, CAST(coalesce(c.count, 0) AS BIGINT) AS count,
       CAST(coalesce(c.previous_count, 0) AS BIGINT) AS previous_count, w.population
FROM wards w
LEFT JOIN counts c USING (ward_code)
WHERE in_area(w.ward_code, $wards, false)
ORDER BY w.ward_name, w.ward_code;
