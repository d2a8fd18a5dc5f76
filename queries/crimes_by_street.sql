-- name: crimes_by_street
-- returns: one row per ward and street with a crime in [$start, $end) or [$prev_start,
--   $prev_end) in the area (the crime's ward decides): ward_code, ward_name, street (NULL when
--   the crime has no location or its location no street), count, previous_count, harm and
--   previous_harm (sums of the crimes' weights from $harm), places (distinct locations with a
--   crime now), main_categories (top 3 categories now, as "Burglary (3)"). $category (NULL for
--   all) keeps one crime category. Crimes dated in a month the source lacks are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $harm, $category
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
chosen AS (
    SELECT c.crime_id, c.ward_code, l.street, c.location_id, c.category,
           coalesce(exact.weight, fallback.weight, 0) AS weight,
           c.recorded_at >= $start AND c.recorded_at < $end AS in_current
    FROM crimes c
    LEFT JOIN locations l USING (location_id)
    LEFT JOIN weights exact ON exact.category = c.category AND exact.offence = c.offence
    LEFT JOIN weights fallback ON fallback.category = c.category AND fallback.offence IS NULL
    WHERE (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
      AND ((c.recorded_at >= $start AND c.recorded_at < $end)
           OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
      AND ($category IS NULL OR c.category = $category)
      AND in_covered_month('crimes', c.recorded_at)
),
totals AS (
    SELECT ward_code, street,
           count(DISTINCT crime_id) FILTER (WHERE in_current) AS count,
           count(DISTINCT crime_id) FILTER (WHERE NOT in_current) AS previous_count,
           coalesce(sum(weight) FILTER (WHERE in_current), 0) AS harm,
           coalesce(sum(weight) FILTER (WHERE NOT in_current), 0) AS previous_harm,
           count(DISTINCT location_id) FILTER (WHERE in_current) AS places
    FROM chosen
    GROUP BY ward_code, street
),
by_category AS (
    SELECT ward_code, street, category, count(DISTINCT crime_id) AS n,
           row_number() OVER (PARTITION BY ward_code, street ORDER BY count(DISTINCT crime_id) DESC, category)
               AS position
    FROM chosen
    WHERE in_current
    GROUP BY ward_code, street, category
),
categories AS (
    SELECT ward_code, street, string_agg(category || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_category
    WHERE position <= 3
    GROUP BY ward_code, street
)
SELECT t.ward_code, w.ward_name, t.street, t.count, t.previous_count, t.harm, t.previous_harm, t.places,
       c.main_categories
FROM totals t
LEFT JOIN wards w USING (ward_code)
LEFT JOIN categories c ON c.ward_code IS NOT DISTINCT FROM t.ward_code AND c.street IS NOT DISTINCT FROM t.street
ORDER BY t.count DESC, t.harm DESC, w.ward_name, t.street;
