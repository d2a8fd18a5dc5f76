-- name: power_counts
-- returns: one row per ward (NULL: no ward, for the whole force only) and power used in the area
--   in either window: ward_code, power, count (uses in [$start, $end)), previous_count (in
--   [$prev_start, $prev_end)), last_at (the latest use in [$start, $end), NULL when none)
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end
SELECT ward_code, power,
       count(*) FILTER (WHERE used_at >= $start AND used_at < $end) AS count,
       count(*) FILTER (WHERE used_at >= $prev_start AND used_at < $prev_end) AS previous_count,
       max(used_at) FILTER (WHERE used_at >= $start AND used_at < $end) AS last_at
FROM powers
WHERE (list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded))
  AND ((used_at >= $start AND used_at < $end) OR (used_at >= $prev_start AND used_at < $prev_end))
GROUP BY ward_code, power
ORDER BY ward_code, power;
