-- name: compare_category
-- returns: one row per crime category with a crime in either window in the area: group,
--   count (crimes recorded in [$start, $end)), previous_count (in [$prev_start, $prev_end))
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end
SELECT coalesce(category, '(no category)') AS "group",
       count(DISTINCT crime_id) FILTER (WHERE recorded_at >= $start AND recorded_at < $end) AS count,
       count(DISTINCT crime_id) FILTER (WHERE recorded_at >= $prev_start AND recorded_at < $prev_end) AS previous_count
FROM crimes c
WHERE (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
  AND ((recorded_at >= $start AND recorded_at < $end) OR (recorded_at >= $prev_start AND recorded_at < $prev_end))
  AND in_covered_month('crimes', recorded_at)
GROUP BY 1
ORDER BY 1;
