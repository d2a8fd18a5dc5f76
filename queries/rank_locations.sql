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
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $category, $weapon_only, $domestic_only, $min_count, $harm, $uncovered_calls, $uncovered_crimes, $uncovered_missing, $limit
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
chosen AS (
    -- each source read over the two windows (its rows are in time order); every event is one
    -- row, its key being its source's key
    SELECT 'crime' AS source, location_id, recorded_at AS "at", category, offence
    FROM crimes c
    WHERE location_id IS NOT NULL
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND recorded_at >= least($start, $prev_start) AND recorded_at < greatest($end, $prev_end)
      AND ((recorded_at >= $start AND recorded_at < $end) OR (recorded_at >= $prev_start AND recorded_at < $prev_end))
      AND ($category IS NULL OR category = $category)
      AND (NOT $weapon_only OR coalesce(weapon, false))
      AND (NOT $domestic_only OR coalesce(domestic, false))
      AND in_months_held(recorded_at, $uncovered_crimes)
    UNION ALL
    SELECT 'call', location_id, received_at, NULL, NULL
    FROM calls c
    WHERE location_id IS NOT NULL
      AND in_area(c.ward_code, $wards, $include_unwarded)
      AND received_at >= least($start, $prev_start) AND received_at < greatest($end, $prev_end)
      AND ((received_at >= $start AND received_at < $end) OR (received_at >= $prev_start AND received_at < $prev_end))
      AND ($category IS NULL OR incident_type = $category)
      AND NOT $weapon_only
      AND (NOT $domestic_only OR coalesce(domestic, false))
      AND in_months_held(received_at, $uncovered_calls)
    UNION ALL
    SELECT 'missing', from_location_id, reported_at, NULL, NULL
    FROM missing_episodes m
    WHERE from_location_id IS NOT NULL
      AND in_area(m.ward_code, $wards, $include_unwarded)
      AND reported_at >= least($start, $prev_start) AND reported_at < greatest($end, $prev_end)
      AND ((reported_at >= $start AND reported_at < $end) OR (reported_at >= $prev_start AND reported_at < $prev_end))
      AND ($category IS NULL OR $category = 'Missing person')
      AND NOT $weapon_only
      AND NOT $domestic_only
      AND in_months_held(reported_at, $uncovered_missing)
),
totals AS (
    SELECT location_id, count(*) AS count,
           count(*) FILTER (WHERE source = 'crime') AS crimes,
           count(*) FILTER (WHERE source = 'call') AS calls,
           count(*) FILTER (WHERE source = 'missing') AS missing,
           min("at") AS first_at, max("at") AS last_at,
           sum(CASE WHEN source = 'crime' THEN coalesce(exact.weight, fallback.weight, 0) ELSE 0 END) AS harm
    FROM chosen c
    LEFT JOIN weights exact ON exact.category = c.category AND exact.offence = c.offence
    LEFT JOIN weights fallback ON fallback.category = c.category AND fallback.offence IS NULL
    WHERE c."at" >= $start AND c."at" < $end
    GROUP BY location_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, harm DESC, last_at DESC, location_id
    LIMIT $limit
),
previous AS (
    SELECT location_id, count(*) AS previous_count FROM chosen
    WHERE NOT ("at" >= $start AND "at" < $end) AND location_id IN (SELECT location_id FROM totals)
    GROUP BY location_id
)
SELECT t.location_id AS id, t.count, t.crimes, t.calls, t.missing,
       coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at, t.harm
FROM totals t
LEFT JOIN previous pr USING (location_id)
ORDER BY t.count DESC, t.harm DESC, t.last_at DESC, t.location_id;
