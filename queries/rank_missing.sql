-- name: rank_missing
-- returns: one row per person with at least $min_count missing episodes reported in [$start,
--   $end) in the area, best first (count, last_at desc, id): id, name, birth_year,
--   count, previous_count (episodes in [$prev_start, $prev_end)), first_at, last_at, harm (0),
--   main_categories (risk gradings as "high (2), medium (1)"), high_risk_episodes,
--   mental_health, domestic, weapon, high_risk (any event of theirs in the window in the area,
--   in any role, so flagged), care_home (an episode of theirs in the window reported from a care
--   home). $category other than NULL or 'Missing person', $weapon_only or
--   $domestic_only leave none. At most $limit rows (NULL = all). Name, birth year, risk
--   gradings, high-risk episodes and flags are worked out only for the $page_rows rows after
--   the first $offset (NULL = every row); other rows have them NULL.
--   Episodes dated in a month the source lacks ($uncovered: those months' first days, from the
--   coverage table) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $uncovered, $limit, $offset, $page_rows
WITH chosen AS (
    -- no DISTINCT: episode_id is the key of missing_episodes, so each row is one episode
    SELECT person_id, reported_at,
           reported_at >= $start AND reported_at < $end AS in_current
    FROM missing_episodes m
    WHERE in_area(m.ward_code, $wards, $include_unwarded)
      AND reported_at >= least($start, $prev_start) AND reported_at < greatest($end, $prev_end)
      AND ((reported_at >= $start AND reported_at < $end)
           OR (reported_at >= $prev_start AND reported_at < $prev_end))
      AND ($category IS NULL OR $category = 'Missing person')
      AND NOT $weapon_only
      AND NOT $domestic_only
      AND (len($uncovered) = 0 OR NOT list_contains($uncovered, CAST(date_trunc('month', reported_at) AS DATE)))
),
totals AS (
    SELECT person_id, count(*) AS count, min(reported_at) AS first_at, max(reported_at) AS last_at
    FROM chosen
    WHERE in_current
    GROUP BY person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, last_at DESC, person_id
    LIMIT $limit
),
page AS (
    SELECT person_id FROM totals
    ORDER BY count DESC, last_at DESC, person_id
    LIMIT $page_rows OFFSET $offset
),
previous AS (
    SELECT person_id, count(*) AS previous_count FROM chosen
    WHERE NOT in_current AND person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id
),
named AS (
    -- the page's people's names (a lookup by the persons index, not a join with every person)
    SELECT pg.person_id, p.name, p.birth_year FROM page pg JOIN persons p USING (person_id)
),
theirs AS (
    -- the page's people's events in the window and the area (person_events is sorted by person)
    SELECT * FROM person_events e
    WHERE person_id IN (SELECT person_id FROM page)
      AND "at" >= $start AND "at" < $end
      AND in_area(e.ward_code, $wards, $include_unwarded)
),
flags AS (
    SELECT person_id, bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
           bool_or(weapon) AS weapon, coalesce(bool_or(high_risk), false) AS high_risk,
           bool_or(care_home) AS care_home
    FROM theirs
    GROUP BY person_id
),
counted AS (
    -- the episodes the ranking counted
    SELECT person_id, risk
    FROM theirs
    WHERE source = 'missing'
      AND ($category IS NULL OR $category = 'Missing person')
      AND NOT $weapon_only
      AND NOT $domestic_only
      AND (len($uncovered) = 0 OR NOT list_contains($uncovered, CAST(date_trunc('month', "at") AS DATE)))
),
high_risk AS (
    SELECT person_id, count(*) FILTER (WHERE risk = 'high') AS high_risk_episodes FROM counted GROUP BY person_id
),
by_risk AS (
    SELECT person_id, coalesce(risk, 'not graded') AS risk, count(*) AS n,
           row_number() OVER (PARTITION BY person_id ORDER BY count(*) DESC, coalesce(risk, '')) AS position
    FROM counted
    GROUP BY person_id, risk
),
risks AS (
    SELECT person_id, string_agg(risk || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_risk
    WHERE position <= 3
    GROUP BY person_id
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, coalesce(pr.previous_count, 0) AS previous_count,
       t.first_at, t.last_at, 0.0 AS harm, r.main_categories, h.high_risk_episodes,
       f.mental_health, f.domestic, f.weapon, f.high_risk, f.care_home
FROM totals t
LEFT JOIN previous pr USING (person_id)
LEFT JOIN named pe USING (person_id)
LEFT JOIN risks r USING (person_id)
LEFT JOIN high_risk h USING (person_id)
LEFT JOIN flags f USING (person_id)
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
