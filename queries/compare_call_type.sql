-- name: compare_call_type
-- returns: one row per incident type with a call in either window in the area: group,
--   count (calls received in [$start, $end)), previous_count (in [$prev_start, $prev_end))
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end
SELECT coalesce(incident_type, '(no type)') AS "group",
       count(DISTINCT incident_id) FILTER (WHERE received_at >= $start AND received_at < $end) AS count,
       count(DISTINCT incident_id) FILTER (WHERE received_at >= $prev_start AND received_at < $prev_end) AS previous_count
FROM calls c
WHERE (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
  AND ((received_at >= $start AND received_at < $end) OR (received_at >= $prev_start AND received_at < $prev_end))
  AND in_covered_month('calls', received_at)
GROUP BY 1
ORDER BY 1;
