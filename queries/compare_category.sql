-- name: compare_category
-- returns: one row per crime category with a crime in either window in the area: group,
--   count (crimes recorded in [$start, $end)), previous_count (in [$prev_start, $prev_end))
--   Crimes dated in a month the crime source lacks ($uncovered: those months' first days, from
--   the coverage table) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $uncovered
-- crime_id is the key of crimes (the build refuses a repeat), so count(*) counts distinct crimes
SELECT coalesce(category, '(no category)') AS "group",
       count(*) FILTER (WHERE recorded_at >= $start AND recorded_at < $end) AS count,
       count(*) FILTER (WHERE recorded_at >= $prev_start AND recorded_at < $prev_end) AS previous_count
FROM crimes c
WHERE in_area(c.ward_code, $wards, $include_unwarded)
  AND recorded_at >= least($start, $prev_start) AND recorded_at < greatest($end, $prev_end)
  AND ((recorded_at >= $start AND recorded_at < $end) OR (recorded_at >= $prev_start AND recorded_at < $prev_end))
  AND in_months_held(recorded_at, $uncovered)
GROUP BY 1
ORDER BY 1;
