-- name: compare_ward_category
-- returns: one row per ward of $wards and crime category with a crime in either window:
--   ward_code, ward_name, category, count (crimes recorded in [$start, $end)),
--   previous_count (in [$prev_start, $prev_end)); ordered by ward name, category
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $start, $end, $prev_start, $prev_end
SELECT c.ward_code, w.ward_name, coalesce(c.category, '(no category)') AS category,
       count(DISTINCT c.crime_id) FILTER (WHERE c.recorded_at >= $start AND c.recorded_at < $end) AS count,
       count(DISTINCT c.crime_id) FILTER (WHERE c.recorded_at >= $prev_start AND c.recorded_at < $prev_end) AS previous_count
FROM crimes c
JOIN wards w USING (ward_code)
WHERE list_contains($wards, c.ward_code)
  AND ((c.recorded_at >= $start AND c.recorded_at < $end) OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
  AND in_covered_month('crimes', c.recorded_at)
GROUP BY c.ward_code, w.ward_name, 3
ORDER BY w.ward_name, c.ward_code, 3;
