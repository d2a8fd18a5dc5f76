-- name: rank_callers
-- returns: one row per caller of at least $min_count distinct calls received in
--   [$start, $end) in the area, best first (count, last_at desc, id): id, name, birth_year,
--   count, previous_count (calls in [$prev_start, $prev_end)), first_at, last_at, harm (0:
--   calls carry no crime harm), main_categories (top 3 incident types as "Mental health (3)"),
--   mental_health_calls, mental_health, domestic, weapon, high_risk (any event of theirs in the
--   window in the area, in any role, so flagged), care_home (a missing episode of theirs in the
--   window reported from a care home). Optional filters: $category (an incident
--   type; NULL = any), $domestic_only; $weapon_only leaves no calls (calls carry no weapon
--   flag). At most $limit rows (NULL = all). Name, birth year, categories, mental health calls
--   and flags are worked out only for the $page_rows rows after the first $offset (NULL =
--   every row); other rows have them NULL.
--   Calls dated in a month the call source lacks ($uncovered: those months' first days, from
--   the coverage table) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $uncovered, $limit, $offset, $page_rows
WITH chosen AS (
    -- no DISTINCT: incident_id is the key of calls, so each row is one call
    SELECT caller_id AS person_id, received_at,
           received_at >= $start AND received_at < $end AS in_current
    FROM calls c
    WHERE caller_id IS NOT NULL
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND received_at >= least($start, $prev_start) AND received_at < greatest($end, $prev_end)
      AND ((received_at >= $start AND received_at < $end)
           OR (received_at >= $prev_start AND received_at < $prev_end))
      AND ($category IS NULL OR incident_type = $category)
      AND NOT $weapon_only
      AND (NOT $domestic_only OR coalesce(domestic, false))
      AND (len($uncovered) = 0 OR NOT list_contains($uncovered, CAST(date_trunc('month', received_at) AS DATE)))
),
totals AS (
    SELECT person_id, count(*) AS count, min(received_at) AS first_at, max(received_at) AS last_at
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
    -- the calls the ranking counted (category holds a call's incident type)
    SELECT person_id, category AS incident_type, mental_health
    FROM theirs
    WHERE source = 'call'
      AND ($category IS NULL OR category = $category)
      AND NOT $weapon_only
      AND (NOT $domestic_only OR domestic)
      AND (len($uncovered) = 0 OR NOT list_contains($uncovered, CAST(date_trunc('month', "at") AS DATE)))
),
mental_health AS (
    SELECT person_id, count(*) FILTER (WHERE mental_health) AS mental_health_calls FROM counted GROUP BY person_id
),
by_type AS (
    SELECT person_id, coalesce(incident_type, '(no type)') AS incident_type, count(*) AS n,
           row_number() OVER (PARTITION BY person_id ORDER BY count(*) DESC, coalesce(incident_type, '')) AS position
    FROM counted
    GROUP BY person_id, incident_type
),
types AS (
    SELECT person_id, string_agg(incident_type || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_type
    WHERE position <= 3
    GROUP BY person_id
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, coalesce(pr.previous_count, 0) AS previous_count,
       t.first_at, t.last_at, 0.0 AS harm, ty.main_categories, m.mental_health_calls,
       f.mental_health, f.domestic, f.weapon, f.high_risk, f.care_home
FROM totals t
LEFT JOIN previous pr USING (person_id)
LEFT JOIN named pe USING (person_id)
LEFT JOIN types ty USING (person_id)
LEFT JOIN mental_health m USING (person_id)
LEFT JOIN flags f USING (person_id)
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
