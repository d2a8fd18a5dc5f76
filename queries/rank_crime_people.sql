-- name: rank_crime_people
-- returns: one row per person linked in role group $role_group ('victim'; 'offender': suspect or
--   offender) to at least $min_count distinct crimes recorded in [$start, $end) in the area,
--   best first (count, harm, last_at desc, id): id, count, previous_count (distinct crimes in
--   [$prev_start, $prev_end) outside [$start, $end)), first_at, last_at, harm (sum of the
--   crimes' weights from $harm). Optional filters: $category (NULL = any), $weapon_only,
--   $domestic_only. At most $limit rows (NULL = all). Names, categories and flags are read for
--   the rows shown by rank_person_details.
--   Crimes dated in a month the crime source lacks ($uncovered: those months' first days,
--   from the coverage table) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $role_group, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $harm, $uncovered, $limit
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
totals AS (
    -- crime_links holds each person and crime once per role group, sorted by role group and
    -- time, so a window is a range read and nothing needs DISTINCT
    SELECT l.person_id, count(*) AS count, min(l.recorded_at) AS first_at, max(l.recorded_at) AS last_at,
           sum(coalesce(exact.weight, fallback.weight, 0)) AS harm
    FROM crime_links l
    LEFT JOIN weights exact ON exact.category = l.category AND exact.offence = l.offence
    LEFT JOIN weights fallback ON fallback.category = l.category AND fallback.offence IS NULL
    WHERE l.role_group = $role_group
      AND in_area(l.ward_code, $wards, $include_unwarded)
      AND l.recorded_at >= $start AND l.recorded_at < $end
      AND passes_filters(l.category, l.weapon, l.domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held(l.recorded_at, $uncovered)
    GROUP BY l.person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, harm DESC, last_at DESC, l.person_id
    LIMIT $limit
),
previous AS (
    SELECT l.person_id, count(*) AS previous_count
    FROM crime_links l
    WHERE l.role_group = $role_group
      AND l.person_id IN (SELECT person_id FROM totals)
      AND in_area(l.ward_code, $wards, $include_unwarded)
      AND l.recorded_at >= $prev_start AND l.recorded_at < $prev_end
      AND NOT (l.recorded_at >= $start AND l.recorded_at < $end)
      AND passes_filters(l.category, l.weapon, l.domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held(l.recorded_at, $uncovered)
    GROUP BY l.person_id
)
SELECT t.person_id AS id, t.count, coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at, t.harm
FROM totals t
LEFT JOIN previous pr USING (person_id)
ORDER BY t.count DESC, t.harm DESC, t.last_at DESC, t.person_id;
