-- name: compare_ward_category
-- returns: one row per ward of $wards and crime category with a crime in either window:
--   ward_code, ward_name, category, count (crimes recorded in [$start, $end)),
--   previous_count (in [$prev_start, $prev_end)); ordered by ward name, category
--   Crimes dated in a month the crime source lacks ($uncovered: those months' first days, from
--   the coverage table) are not counted.
-- reads: events
-- params: $wards, $start, $end, $prev_start, $prev_end, $uncovered
-- crime_id is the key of crimes (the build refuses a repeat), so count(*) counts distinct crimes
SELECT c.ward_code, w.ward_name, coalesce(c.category, '(no category)') AS category,
       count(*) FILTER (WHERE c.recorded_at >= $start AND c.recorded_at < $end) AS count,
       count(*) FILTER (WHERE c.recorded_at >= $prev_start AND c.recorded_at < $prev_end) AS previous_count
FROM crimes c
JOIN wards w USING (ward_code)
WHERE in_area(c.ward_code, $wards, false)
  AND c.recorded_at >= least($start, $prev_start) AND c.recorded_at < greatest($end, $prev_end)
  AND ((c.recorded_at >= $start AND c.recorded_at < $end) OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
  AND in_months_held(c.recorded_at, $uncovered)
GROUP BY c.ward_code, w.ward_name, 3
ORDER BY w.ward_name, c.ward_code, 3;
