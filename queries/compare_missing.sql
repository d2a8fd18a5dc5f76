-- name: compare_missing
-- returns: four rows about missing episodes reported in the area, in this order: group
--   ('episodes', 'people' (distinct persons missing), 'high-risk episodes', 'from care homes'),
--   count (in [$start, $end)), previous_count (in [$prev_start, $prev_end))
--   Episodes dated in a month the source lacks ($uncovered: those months' first days, from the
--   coverage table) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $uncovered
WITH chosen AS (
    SELECT m.episode_id, m.person_id, m.risk, l.location_type,
           m.reported_at >= $start AND m.reported_at < $end AS in_current,
           m.reported_at >= $prev_start AND m.reported_at < $prev_end AS in_previous
    FROM missing_episodes m
    LEFT JOIN locations l ON l.location_id = m.from_location_id
    WHERE in_area(m.ward_code, $wards, $include_unwarded)
      AND m.reported_at >= least($start, $prev_start) AND m.reported_at < greatest($end, $prev_end)
      AND in_months_held(m.reported_at, $uncovered)
)
SELECT "group", count, previous_count
FROM (
    SELECT 1 AS position, 'episodes' AS "group",
           count(DISTINCT episode_id) FILTER (WHERE in_current) AS count,
           count(DISTINCT episode_id) FILTER (WHERE in_previous) AS previous_count
    FROM chosen
    UNION ALL
    SELECT 2, 'people', count(DISTINCT person_id) FILTER (WHERE in_current),
           count(DISTINCT person_id) FILTER (WHERE in_previous)
    FROM chosen
    UNION ALL
    SELECT 3, 'high-risk episodes', count(DISTINCT episode_id) FILTER (WHERE in_current AND risk = 'high'),
           count(DISTINCT episode_id) FILTER (WHERE in_previous AND risk = 'high')
    FROM chosen
    UNION ALL
    SELECT 4, 'from care homes', count(DISTINCT episode_id) FILTER (WHERE in_current AND location_type = 'care home'),
           count(DISTINCT episode_id) FILTER (WHERE in_previous AND location_type = 'care home')
    FROM chosen
)
ORDER BY position;
