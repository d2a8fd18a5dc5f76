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
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $uncovered, $limit
WITH totals AS (
    -- no DISTINCT: incident_id is the key of calls, so each row is one call
    SELECT caller_id AS person_id, count(*) AS count, min(received_at) AS first_at, max(received_at) AS last_at
    FROM calls c
    WHERE caller_id IS NOT NULL
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND received_at >= $start AND received_at < $end
      AND ($category IS NULL OR incident_type = $category)
      AND NOT $weapon_only
      AND (NOT $domestic_only OR coalesce(domestic, false))
      AND in_months_held(received_at, $uncovered)
    GROUP BY caller_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, last_at DESC, person_id
    LIMIT $limit
),
previous AS (
    SELECT caller_id AS person_id, count(*) AS previous_count
    FROM calls c
    WHERE caller_id IN (SELECT person_id FROM totals)
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND received_at >= $prev_start AND received_at < $prev_end
      AND NOT (received_at >= $start AND received_at < $end)
      AND ($category IS NULL OR incident_type = $category)
      AND NOT $weapon_only
      AND (NOT $domestic_only OR coalesce(domestic, false))
      AND in_months_held(received_at, $uncovered)
    GROUP BY caller_id
)
SELECT t.person_id AS id, t.count, coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at,
       0.0 AS harm
FROM totals t
LEFT JOIN previous pr USING (person_id)
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
