-- name: concentration_callers
-- returns: one row per caller of a call received in [$start, $end) in the area: count
--   (calls), as rank_callers counts them
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT caller_id AS person_id, count(*) AS count
FROM calls c
WHERE caller_id IS NOT NULL
  AND in_area(c.ward_code, $wards, $include_unwarded)
  AND received_at >= $start AND received_at < $end
GROUP BY caller_id;
