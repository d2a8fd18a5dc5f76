-- name: rank_locations
-- returns: one row per location with at least $min_count distinct events (crimes, calls and
--   missing episodes reported from it) in [$start, $end) in the area (the event's ward decides),
--   best first (count, harm, last_at desc, id): id, name (the address), address, location_type,
--   ward_code, lat, lon, precision, count, crimes, calls, missing, previous_count (events in
--   [$prev_start, $prev_end)), first_at, last_at, harm (sum of crime weights from $harm),
--   main_categories (top 3 of crime category / incident type / 'Missing person'), and flags
--   mental_health, domestic, weapon, high_risk (any such event in the window), care_home (the
--   place is a care home). Optional
--   filters: $category (matched against what), $weapon_only (weapon crimes only),
--   $domestic_only (domestic crimes and calls only). At most $limit rows (NULL = all).
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $harm, $limit
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
all_events AS (
    SELECT 'crime' AS source, crime_id AS event_id, recorded_at AS "at", location_id, ward_code,
           category AS what, offence, category, coalesce(domestic, false) AS domestic,
           coalesce(weapon, false) AS weapon, false AS mental_health, false AS high_risk
    FROM crimes
    UNION ALL
    SELECT 'call', incident_id, received_at, location_id, ward_code, incident_type, NULL, NULL,
           coalesce(domestic, false), false, coalesce(mental_health, false), false
    FROM calls
    UNION ALL
    SELECT 'missing', episode_id, reported_at, from_location_id, ward_code, 'Missing person', NULL, NULL,
           false, false, false, risk = 'high'
    FROM missing_episodes
),
chosen AS (
    SELECT DISTINCT source, event_id, "at", location_id, what, offence, category, domestic, weapon,
           mental_health, high_risk, "at" >= $start AND "at" < $end AS in_current
    FROM all_events e
    WHERE location_id IS NOT NULL
      AND (list_contains($wards, e.ward_code) OR (e.ward_code IS NULL AND $include_unwarded))
      AND (("at" >= $start AND "at" < $end) OR ("at" >= $prev_start AND "at" < $prev_end))
      AND ($category IS NULL OR what = $category)
      AND (NOT $weapon_only OR weapon)
      AND (NOT $domestic_only OR domestic)
      AND in_covered_month(CASE source WHEN 'crime' THEN 'crimes' WHEN 'call' THEN 'calls'
                                       ELSE 'missing_episodes' END, "at")
),
current_events AS (
    SELECT c.*, CASE WHEN c.source = 'crime' THEN coalesce(exact.weight, fallback.weight, 0) ELSE 0 END AS harm
    FROM chosen c
    LEFT JOIN weights exact ON exact.category = c.category AND exact.offence = c.offence
    LEFT JOIN weights fallback ON fallback.category = c.category AND fallback.offence IS NULL
    WHERE c.in_current
),
totals AS (
    SELECT location_id, count(*) AS count,
           count(*) FILTER (WHERE source = 'crime') AS crimes,
           count(*) FILTER (WHERE source = 'call') AS calls,
           count(*) FILTER (WHERE source = 'missing') AS missing,
           min("at") AS first_at, max("at") AS last_at, sum(harm) AS harm,
           bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
           bool_or(weapon) AS weapon, bool_or(high_risk) AS high_risk
    FROM current_events
    GROUP BY location_id
    HAVING count(*) >= $min_count
),
previous AS (
    SELECT location_id, count(*) AS previous_count FROM chosen WHERE NOT in_current GROUP BY location_id
),
by_what AS (
    SELECT location_id, coalesce(what, '(unknown)') AS what, count(*) AS n,
           row_number() OVER (PARTITION BY location_id ORDER BY count(*) DESC, coalesce(what, '')) AS position
    FROM current_events
    GROUP BY location_id, what
),
whats AS (
    SELECT location_id, string_agg(what || ' (' || n || ')', ', ' ORDER BY position) AS main_categories
    FROM by_what
    WHERE position <= 3
    GROUP BY location_id
)
SELECT t.location_id AS id, coalesce(l.address, t.location_id) AS name, l.address, l.location_type,
       l.ward_code, l.lat, l.lon, l.precision, t.count, t.crimes, t.calls, t.missing,
       coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at, t.harm,
       w.main_categories, t.mental_health, t.domestic, t.weapon, t.high_risk,
       coalesce(l.location_type = 'care home', false) AS care_home
FROM totals t
LEFT JOIN locations l USING (location_id)
LEFT JOIN previous pr USING (location_id)
LEFT JOIN whats w USING (location_id)
ORDER BY t.count DESC, t.harm DESC, t.last_at DESC, t.location_id
LIMIT $limit;
