-- name: rank_missing
-- returns: one row per person with at least $min_count missing episodes reported in [$start,
--   $end) in the area, best first (count, last_at desc, id): id, count, previous_count
--   (episodes in [$prev_start, $prev_end) outside [$start, $end)), first_at, last_at, harm (0).
--   $category other than NULL or 'Missing person', $weapon_only or $domestic_only leave none.
--   At most $limit rows (NULL = all). Names, risk gradings, high-risk episodes and flags are
--   read for the rows shown by rank_person_details.
--   Episodes dated in a month the source lacks ($uncovered: those months' first days, from the
--   coverage table) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $uncovered, $limit
WITH totals AS (
    -- no DISTINCT: episode_id is the key of missing_episodes, so each row is one episode
    SELECT person_id, count(*) AS count, min(reported_at) AS first_at, max(reported_at) AS last_at
    FROM missing_episodes m
    WHERE in_area(m.ward_code, $wards, $include_unwarded)
      AND reported_at >= $start AND reported_at < $end
      AND passes_filters('Missing person', false, false, $category, $weapon_only, $domestic_only)
      AND in_months_held(reported_at, $uncovered)
    GROUP BY person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, last_at DESC, person_id
    LIMIT $limit
),
previous AS (
    SELECT person_id, count(*) AS previous_count
    FROM missing_episodes m
    WHERE person_id IN (SELECT person_id FROM totals)
      AND in_area(m.ward_code, $wards, $include_unwarded)
      AND reported_at >= $prev_start AND reported_at < $prev_end
      AND NOT (reported_at >= $start AND reported_at < $end)
      AND passes_filters('Missing person', false, false, $category, $weapon_only, $domestic_only)
      AND in_months_held(reported_at, $uncovered)
    GROUP BY person_id
)
SELECT t.person_id AS id, t.count, coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at,
       0.0 AS harm
FROM totals t
LEFT JOIN previous pr USING (person_id)
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
