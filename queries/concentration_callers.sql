-- name: concentration_callers
-- returns: one row per caller of a call received in [$start, $end) in the area: count
--   (calls), as rank_callers counts them.
--   The reference itself is left out: the shares need only the counts, and at force scale it
--   would bring up to a million strings into pandas for nothing. Grouped by the integer
--   caller_key of caller_calls.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT count(*) AS count
FROM caller_calls c
WHERE in_area(c.ward_code, $wards, $include_unwarded)
  AND received_at >= $start AND received_at < $end
GROUP BY caller_key;
