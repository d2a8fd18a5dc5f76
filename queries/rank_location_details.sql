-- name: rank_location_details
-- returns: one row per location in $ids, in that order (the rows of a location ranking shown):
--   id, name (the address, else the id), address, location_type, ward_code, lat, lon,
--   precision, main_categories (the top 3 of what the ranking counted, by crime category,
--   incident type or 'Missing person', as "Burglary (3), Robbery (1)"), the flags
--   mental_health, domestic, weapon, high_risk (any such event counted) and care_home (the
--   place is a care home). What the ranking counted: the place's events in [$start, $end) in
--   the area (the event's ward decides) with the ranking's filters ($category, $weapon_only,
--   $domestic_only), not dated in a month their source lacks ($uncovered_calls,
--   $uncovered_crimes, $uncovered_missing).
-- reads: events
-- params: $wards, $include_unwarded, $ids, $start, $end, $category, $weapon_only, $domestic_only, $uncovered_calls, $uncovered_crimes, $uncovered_missing
WITH wanted AS (
    SELECT unnest($ids) AS location_id, unnest(range(len($ids))) AS position
),
whats AS (
    -- the places' events that the ranking counted (location_events is sorted by place), by
    -- place and what they were, grouped once
    SELECT e.location_id, e.what, count(*) AS n, bool_or(e.mental_health) AS mental_health,
           bool_or(e.domestic) AS domestic, bool_or(e.weapon) AS weapon, bool_or(e.high_risk) AS high_risk
    FROM location_events e
    WHERE e.location_id IN (SELECT location_id FROM wanted)
      AND e."at" >= $start AND e."at" < $end
      AND in_area(e.ward_code, $wards, $include_unwarded)
      AND passes_filters(e.what, e.weapon, e.domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held(e."at", CASE e.source WHEN 'crime' THEN $uncovered_crimes WHEN 'call' THEN $uncovered_calls
                                              ELSE $uncovered_missing END)
    GROUP BY e.location_id, e.what
),
theirs AS (
    SELECT location_id, bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
           bool_or(weapon) AS weapon, bool_or(high_risk) AS high_risk,
           array_to_string(list(coalesce(what, '(unknown)') || ' (' || n || ')' ORDER BY n DESC, coalesce(what, ''))[1:3],
                           ', ') AS main_categories
    FROM whats
    GROUP BY location_id
)
SELECT w.location_id AS id, coalesce(l.address, w.location_id) AS name, l.address, l.location_type,
       l.ward_code, l.lat, l.lon, l.precision, t.main_categories,
       t.mental_health, t.domestic, t.weapon, t.high_risk,
       coalesce(l.location_type = 'care home', false) AS care_home
FROM wanted w
LEFT JOIN locations l ON l.location_id = w.location_id
LEFT JOIN theirs t ON t.location_id = w.location_id
ORDER BY w.position;
