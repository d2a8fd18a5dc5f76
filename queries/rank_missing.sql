-- name: rank_missing
-- returns: one row per person with at least $min_count missing episodes reported in
--   [$start, $end) in the area, best first (count, last_at desc, id): id, name, birth_year,
--   count, previous_count (episodes in [$prev_start, $prev_end)), first_at, last_at, harm (0),
--   main_categories (risk gradings as "high (2), medium (1)"), high_risk_episodes.
--   $category other than NULL or 'Missing person', $weapon_only or $domestic_only leave none.
--   At most $limit rows (NULL = all).
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $limit
WITH chosen AS (
    -- no DISTINCT: episode_id is the key of missing_episodes, so each row is one episode
    SELECT person_id, episode_id, reported_at, risk,
           reported_at >= $start AND reported_at < $end AS in_current
    FROM missing_episodes m
    WHERE (list_contains($wards, m.ward_code) OR (m.ward_code IS NULL AND $include_unwarded))
      AND ((reported_at >= $start AND reported_at < $end)
           OR (reported_at >= $prev_start AND reported_at < $prev_end))
      AND ($category IS NULL OR $category = 'Missing person')
      AND NOT $weapon_only
      AND NOT $domestic_only
      AND in_covered_month('missing_episodes', reported_at)
),
totals AS (
    SELECT person_id, count(*) AS count, min(reported_at) AS first_at, max(reported_at) AS last_at,
           count(*) FILTER (WHERE risk = 'high') AS high_risk_episodes
    FROM chosen
    WHERE in_current
    GROUP BY person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, last_at DESC, person_id
    LIMIT $limit
),
previous AS (
    SELECT person_id, count(*) AS previous_count FROM chosen
    WHERE NOT in_current AND person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id
),
by_risk AS (
    SELECT person_id, coalesce(risk, 'not graded') AS risk, count(*) AS n,
           row_number() OVER (PARTITION BY person_id ORDER BY count(*) DESC, coalesce(risk, '')) AS position
    FROM chosen
    WHERE in_current AND person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id, risk
),
risks AS (
    SELECT person_id, string_agg(risk || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_risk
    WHERE position <= 3
    GROUP BY person_id
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, coalesce(pr.previous_count, 0) AS previous_count,
       t.first_at, t.last_at, 0.0 AS harm, r.main_categories, t.high_risk_episodes
FROM totals t
LEFT JOIN persons pe USING (person_id)
LEFT JOIN previous pr USING (person_id)
LEFT JOIN risks r USING (person_id)
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
