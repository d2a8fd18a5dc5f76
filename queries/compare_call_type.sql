-- name: compare_call_type
-- returns: one row per incident type with a call in either window in the area: group,
--   count (calls received in [$start, $end)), previous_count (in [$prev_start, $prev_end))
--   Calls dated in a month the call source lacks ($uncovered: those months' first days, from
--   the coverage table) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $uncovered
-- incident_id is the key of calls (the build refuses a repeat), so count(*) counts distinct calls
SELECT coalesce(incident_type, '(no type)') AS "group",
       count(*) FILTER (WHERE received_at >= $start AND received_at < $end) AS count,
       count(*) FILTER (WHERE received_at >= $prev_start AND received_at < $prev_end) AS previous_count
FROM calls c
WHERE in_area(c.ward_code, $wards, $include_unwarded)
  AND received_at >= least($start, $prev_start) AND received_at < greatest($end, $prev_end)
  AND ((received_at >= $start AND received_at < $end) OR (received_at >= $prev_start AND received_at < $prev_end))
  AND in_months_held(received_at, $uncovered)
GROUP BY 1
ORDER BY 1;
