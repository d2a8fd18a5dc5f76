-- name: rank_locations
-- returns: one row per location with at least $min_count distinct events (crimes, calls and
--   missing episodes reported from it) in [$start, $end) in the area (the event's ward decides),
--   best first (count, harm, last_at desc, id): id, count, crimes, calls, missing,
--   previous_count (events in [$prev_start, $prev_end) outside [$start, $end)), first_at,
--   last_at, harm (sum of crime weights from $harm). Optional filters: $category (matched
--   against what), $weapon_only (weapon crimes only), $domestic_only (domestic crimes and calls
--   only). At most $limit rows (NULL = all). The place's details, categories and flags are read
--   for the rows shown by rank_location_details.
--   Events dated in a month their source lacks ($uncovered_calls, $uncovered_crimes,
--   $uncovered_missing: those months' first days, from the coverage table) are not counted.
--   Reads location_counts (narrow rows sorted by source then time: each source's window is a
--   range read) and groups by the integer location_key, mapping back to the text reference
--   for the rows returned only; the key's order is the reference's, so ties fall the same way.
--   Every place is only counted; the totals are worked out for the places counting at least
--   the $limit-th largest count, among which the rows shown must be.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $harm, $uncovered_calls, $uncovered_crimes, $uncovered_missing, $limit
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
kind_weights AS (
    -- each crime kind's weight: its category and offence's, else the category's default, else 0
    SELECT k.kind_key, coalesce(exact.weight, fallback.weight, 0) AS weight
    FROM crime_kinds k
    LEFT JOIN weights exact ON exact.category = k.category AND exact.offence = k.offence
    LEFT JOIN weights fallback ON fallback.category = k.category AND fallback.offence IS NULL
),
counted AS NOT MATERIALIZED (
    -- each source's events in the window, read as its own range (every row is one event); read
    -- twice rather than kept: keeping a force's year (1.9 million rows) cost more than both reads
    SELECT location_key, source, "at", kind_key
    FROM location_counts
    WHERE source = 'crime' AND "at" >= $start AND "at" < $end
      AND in_area(ward_code, $wards, $include_unwarded)
      AND passes_filters(what, weapon, domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held("at", $uncovered_crimes)
    UNION ALL
    SELECT location_key, source, "at", NULL
    FROM location_counts
    WHERE source = 'call' AND "at" >= $start AND "at" < $end
      AND in_area(ward_code, $wards, $include_unwarded)
      AND passes_filters(what, false, domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held("at", $uncovered_calls)
    UNION ALL
    SELECT location_key, source, "at", NULL
    FROM location_counts
    WHERE source = 'missing' AND "at" >= $start AND "at" < $end
      AND in_area(ward_code, $wards, $include_unwarded)
      AND passes_filters(what, false, false, $category, $weapon_only, $domestic_only)
      AND in_months_held("at", $uncovered_missing)
),
counts AS (
    -- each place's events in the window, counted alone: grouping every place with the totals'
    -- seven aggregates was most of a force-wide ranking (337,000 places in a year), and only
    -- the places that can be shown need them
    SELECT location_key, count(*) AS count
    FROM counted
    GROUP BY location_key
    HAVING count(*) >= $min_count
),
shown AS (
    -- the places the rows shown are among: those counting at least the $limit-th largest count
    SELECT location_key
    FROM counts
    WHERE count >= (SELECT coalesce(min(count), 0) FROM (SELECT count FROM counts ORDER BY count DESC LIMIT $limit))
),
totals AS (
    SELECT location_key, count(*) AS count,
           count(*) FILTER (WHERE source = 'crime') AS crimes,
           count(*) FILTER (WHERE source = 'call') AS calls,
           count(*) FILTER (WHERE source = 'missing') AS missing,
           min("at") AS first_at, max("at") AS last_at,
           coalesce(sum(w.weight), 0) AS harm
    FROM counted c
    LEFT JOIN kind_weights w USING (kind_key)
    WHERE location_key IN (SELECT location_key FROM shown)
    GROUP BY location_key
    ORDER BY count DESC, harm DESC, last_at DESC, location_key
    LIMIT $limit
),
previous AS (
    -- the previous window's events of the rows kept, outside the current window
    SELECT location_key, count(*) AS previous_count
    FROM location_counts
    WHERE location_key IN (SELECT location_key FROM totals)
      AND "at" >= $prev_start AND "at" < $prev_end AND NOT ("at" >= $start AND "at" < $end)
      AND in_area(ward_code, $wards, $include_unwarded)
      AND passes_filters(what, weapon, domestic, $category, $weapon_only, $domestic_only)
      AND in_months_held("at", CASE source WHEN 'crime' THEN $uncovered_crimes WHEN 'call' THEN $uncovered_calls
                                ELSE $uncovered_missing END)
    GROUP BY location_key
)
SELECT k.location_id AS id, t.count, t.crimes, t.calls, t.missing,
       coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at, t.harm
FROM totals t
JOIN location_keys k USING (location_key)
LEFT JOIN previous pr USING (location_key)
ORDER BY t.count DESC, t.harm DESC, t.last_at DESC, t.location_key;
