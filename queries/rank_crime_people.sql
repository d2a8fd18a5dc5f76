-- name: rank_crime_people
-- returns: one row per person linked with a role in $roles to at least $min_count distinct
--   crimes recorded in [$start, $end) in the area, best first (count, harm, last_at desc, id):
--   id, name, birth_year, count, previous_count (distinct crimes in [$prev_start, $prev_end)),
--   first_at, last_at, harm (sum of the crimes' weights from $harm), main_categories (top 3
--   categories as "Burglary (3), Robbery (1)"). Optional filters: $category (NULL = any),
--   $weapon_only, $domestic_only. At most $limit rows (NULL = all).
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $roles, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $harm, $limit
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
linked AS (
    -- DISTINCT: a person linked twice to one crime, or as suspect and offender, counts once.
    SELECT DISTINCT p.person_id, c.crime_id, c.recorded_at, c.category, c.offence,
           c.recorded_at >= $start AND c.recorded_at < $end AS in_current
    FROM crime_people p
    JOIN crimes c USING (crime_id)
    WHERE list_contains($roles, p.role)
      AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
      AND ((c.recorded_at >= $start AND c.recorded_at < $end)
           OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
      AND ($category IS NULL OR c.category = $category)
      AND (NOT $weapon_only OR coalesce(c.weapon, false))
      AND (NOT $domestic_only OR coalesce(c.domestic, false))
      AND in_covered_month('crimes', c.recorded_at)
),
current_crimes AS (
    SELECT l.*, coalesce(exact.weight, fallback.weight, 0) AS harm
    FROM linked l
    LEFT JOIN weights exact ON exact.category = l.category AND exact.offence = l.offence
    LEFT JOIN weights fallback ON fallback.category = l.category AND fallback.offence IS NULL
    WHERE l.in_current
),
totals AS (
    SELECT person_id, count(*) AS count, min(recorded_at) AS first_at, max(recorded_at) AS last_at,
           sum(harm) AS harm
    FROM current_crimes
    GROUP BY person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, harm DESC, last_at DESC, person_id
    LIMIT $limit
),
previous AS (
    SELECT person_id, count(*) AS previous_count FROM linked
    WHERE NOT in_current AND person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id
),
by_category AS (
    SELECT person_id, coalesce(category, '(no category)') AS category, count(*) AS n,
           row_number() OVER (PARTITION BY person_id ORDER BY count(*) DESC, coalesce(category, '')) AS position
    FROM current_crimes
    WHERE person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id, category
),
categories AS (
    SELECT person_id, string_agg(category || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_category
    WHERE position <= 3
    GROUP BY person_id
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, coalesce(pr.previous_count, 0) AS previous_count,
       t.first_at, t.last_at, t.harm, ca.main_categories
FROM totals t
LEFT JOIN persons pe USING (person_id)
LEFT JOIN previous pr USING (person_id)
LEFT JOIN categories ca USING (person_id)
ORDER BY t.count DESC, t.harm DESC, t.last_at DESC, t.person_id;
