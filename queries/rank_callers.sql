-- name: rank_callers
-- returns: one row per caller of at least $min_count distinct calls received in
--   [$start, $end) in the area, best first (count, last_at desc, id): id, count,
--   previous_count (calls in [$prev_start, $prev_end) outside [$start, $end)), first_at,
--   last_at, harm (0: calls carry no crime harm). Optional filters: $category (an incident
--   type; NULL = any), $domestic_only; $weapon_only leaves no calls (calls carry no weapon
--   flag). At most $limit rows (NULL = all). Names, incident types, mental health calls and
--   flags are read for the rows shown by rank_person_details.
--   Calls dated in a month the call source lacks ($uncovered: those months' first days, from
--   the coverage table) are not counted.
--   Reads caller_calls and groups by the integer caller_key, mapping back to the text
--   reference for the rows returned only (the key's order is the reference's, so ties fall the
--   same way). A count of 2 or more needs a caller who called more than once in the whole
--   data (repeat_caller, the first sort key of caller_calls), so the people who called once
--   are never grouped unless $min_count is 1.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $uncovered, $limit
WITH totals AS (
    SELECT caller_key, count(*) AS count, min(received_at) AS first_at, max(received_at) AS last_at
    FROM caller_calls c
    WHERE (repeat_caller OR $min_count < 2)
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND received_at >= $start AND received_at < $end
      AND passes_filters(incident_type, false, domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held(received_at, $uncovered)
    GROUP BY caller_key
    HAVING count(*) >= $min_count
    ORDER BY count DESC, last_at DESC, caller_key
    LIMIT $limit
),
previous AS (
    SELECT caller_key, count(*) AS previous_count
    FROM caller_calls c
    WHERE caller_key IN (SELECT caller_key FROM totals)
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND received_at >= $prev_start AND received_at < $prev_end
      AND NOT (received_at >= $start AND received_at < $end)
      AND passes_filters(incident_type, false, domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held(received_at, $uncovered)
    GROUP BY caller_key
)
SELECT k.caller_id AS id, t.count, coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at,
       0.0 AS harm
FROM totals t
JOIN caller_keys k USING (caller_key)
LEFT JOIN previous pr USING (caller_key)
ORDER BY t.count DESC, t.last_at DESC, t.caller_key;
