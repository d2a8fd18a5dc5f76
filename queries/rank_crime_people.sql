-- name: rank_crime_people
-- returns: one row per person linked with a role in $roles to at least $min_count distinct
--   crimes recorded in [$start, $end) in the area, best first (count, harm, last_at desc, id):
--   id, name, birth_year, count, previous_count (distinct crimes in [$prev_start, $prev_end)),
--   first_at, last_at, harm (sum of the crimes' weights from $harm), main_categories (top 3
--   categories as "Burglary (3), Robbery (1)"), mental_health, domestic, weapon, high_risk (any
--   event of theirs in the window in the area, in any role, so flagged), care_home (a missing
--   episode of theirs in the window reported from a care home). Optional filters:
--   $category (NULL = any), $weapon_only, $domestic_only. At most $limit rows (NULL = all).
--   Name, birth year, categories and flags are worked out only for the $page_rows rows after
--   the first $offset (NULL = every row); other rows have them NULL.
--   Crimes dated in a month the crime source lacks ($uncovered: those months' first days,
--   from the coverage table) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $roles, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $harm, $uncovered, $limit, $offset, $page_rows
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
linked AS (
    -- DISTINCT: a person linked twice to one crime, or as suspect and offender, counts once.
    SELECT DISTINCT person_id, crime_id, recorded_at, category, offence,
           recorded_at >= $start AND recorded_at < $end AS in_current
    FROM crime_links c
    WHERE list_contains($roles, role)
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND recorded_at >= least($start, $prev_start) AND recorded_at < greatest($end, $prev_end)
      AND ((recorded_at >= $start AND recorded_at < $end)
           OR (recorded_at >= $prev_start AND recorded_at < $prev_end))
      AND ($category IS NULL OR category = $category)
      AND (NOT $weapon_only OR weapon)
      AND (NOT $domestic_only OR domestic)
      AND (len($uncovered) = 0 OR NOT list_contains($uncovered, CAST(date_trunc('month', recorded_at) AS DATE)))
),
totals AS (
    SELECT person_id, count(*) AS count, min(recorded_at) AS first_at, max(recorded_at) AS last_at,
           sum(coalesce(exact.weight, fallback.weight, 0)) AS harm
    FROM linked l
    LEFT JOIN weights exact ON exact.category = l.category AND exact.offence = l.offence
    LEFT JOIN weights fallback ON fallback.category = l.category AND fallback.offence IS NULL
    WHERE l.in_current
    GROUP BY person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, harm DESC, last_at DESC, person_id
    LIMIT $limit
),
page AS (
    SELECT person_id FROM totals
    ORDER BY count DESC, harm DESC, last_at DESC, person_id
    LIMIT $page_rows OFFSET $offset
),
previous AS (
    SELECT person_id, count(*) AS previous_count FROM linked
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
by_category AS (
    -- the crimes the ranking counted, by category
    SELECT person_id, coalesce(category, '(no category)') AS category, count(*) AS n,
           row_number() OVER (PARTITION BY person_id ORDER BY count(*) DESC, coalesce(category, '')) AS position
    FROM theirs
    WHERE source = 'crime' AND list_has_any(roles, $roles)
      AND ($category IS NULL OR category = $category)
      AND (NOT $weapon_only OR weapon)
      AND (NOT $domestic_only OR domestic)
      AND (len($uncovered) = 0 OR NOT list_contains($uncovered, CAST(date_trunc('month', "at") AS DATE)))
    GROUP BY person_id, category
),
categories AS (
    SELECT person_id, string_agg(category || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_category
    WHERE position <= 3
    GROUP BY person_id
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, coalesce(pr.previous_count, 0) AS previous_count,
       t.first_at, t.last_at, t.harm, ca.main_categories,
       f.mental_health, f.domestic, f.weapon, f.high_risk, f.care_home
FROM totals t
LEFT JOIN previous pr USING (person_id)
LEFT JOIN named pe USING (person_id)
LEFT JOIN categories ca USING (person_id)
LEFT JOIN flags f USING (person_id)
ORDER BY t.count DESC, t.harm DESC, t.last_at DESC, t.person_id;
