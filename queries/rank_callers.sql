-- name: rank_callers
-- returns: one row per caller of at least $min_count distinct calls received in
--   [$start, $end) in the area, best first (count, last_at desc, id): id, name, birth_year,
--   count, previous_count (calls in [$prev_start, $prev_end)), first_at, last_at, harm (0:
--   calls carry no crime harm), main_categories (top 3 incident types as "Mental health (3)"),
--   mental_health_calls. Optional filters: $category (an incident type; NULL = any),
--   $domestic_only; $weapon_only leaves no calls (calls carry no weapon flag). At most $limit
--   rows (NULL = all).
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $limit
WITH chosen AS (
    -- no DISTINCT: incident_id is the key of calls, so each row is one call
    SELECT caller_id AS person_id, incident_id, received_at, incident_type,
           coalesce(mental_health, false) AS mental_health,
           received_at >= $start AND received_at < $end AS in_current
    FROM calls c
    WHERE caller_id IS NOT NULL
      AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
      AND ((received_at >= $start AND received_at < $end)
           OR (received_at >= $prev_start AND received_at < $prev_end))
      AND ($category IS NULL OR incident_type = $category)
      AND NOT $weapon_only
      AND (NOT $domestic_only OR coalesce(domestic, false))
      AND in_covered_month('calls', received_at)
),
totals AS (
    SELECT person_id, count(*) AS count, min(received_at) AS first_at, max(received_at) AS last_at,
           count(*) FILTER (WHERE mental_health) AS mental_health_calls
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
by_type AS (
    SELECT person_id, coalesce(incident_type, '(no type)') AS incident_type, count(*) AS n,
           row_number() OVER (PARTITION BY person_id ORDER BY count(*) DESC, coalesce(incident_type, '')) AS position
    FROM chosen
    WHERE in_current AND person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id, incident_type
),
types AS (
    SELECT person_id, string_agg(incident_type || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_type
    WHERE position <= 3
    GROUP BY person_id
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, coalesce(pr.previous_count, 0) AS previous_count,
       t.first_at, t.last_at, 0.0 AS harm, ty.main_categories, t.mental_health_calls
FROM totals t
LEFT JOIN persons pe USING (person_id)
LEFT JOIN previous pr USING (person_id)
LEFT JOIN types ty USING (person_id)
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
