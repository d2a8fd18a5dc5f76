-- name: asb_locations
-- returns: the places anti-social behaviour is reported at repeatedly: one row per location with
--   at least $min_count distinct ASB reports in [$start, $end) in the area (the report's ward
--   decides), best first (count, last_at desc, id). A report is a call flagged asb, or a crime of
--   the category 'Anti-social behaviour'. Columns: id, name (the address), address,
--   location_type, ward_code, lat, lon, count, calls, crimes, previous_count (reports in
--   [$prev_start, $prev_end)), first_at, last_at, reporters (distinct people who reported it:
--   callers, victims and reporting persons). At most $limit rows (NULL = all).
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $min_count, $limit
WITH reports AS (
    SELECT 'call' AS source, incident_id AS event_id, received_at AS "at", location_id, ward_code,
           caller_id AS person_id
    FROM calls
    WHERE coalesce(asb, false) AND location_id IS NOT NULL AND in_covered_month('calls', received_at)
    UNION ALL
    SELECT 'crime', c.crime_id, c.recorded_at, c.location_id, c.ward_code, p.person_id
    FROM crimes c
    LEFT JOIN crime_people p ON p.crime_id = c.crime_id AND p.role IN ('victim', 'reporting_person')
    WHERE c.category = 'Anti-social behaviour' AND c.location_id IS NOT NULL
      AND in_covered_month('crimes', c.recorded_at)
),
chosen AS (
    SELECT *, "at" >= $start AND "at" < $end AS in_current
    FROM reports r
    WHERE (list_contains($wards, r.ward_code) OR (r.ward_code IS NULL AND $include_unwarded))
      AND (("at" >= $start AND "at" < $end) OR ("at" >= $prev_start AND "at" < $prev_end))
),
totals AS (
    SELECT location_id, count(DISTINCT (source, event_id)) AS count,
           count(DISTINCT event_id) FILTER (WHERE source = 'call') AS calls,
           count(DISTINCT event_id) FILTER (WHERE source = 'crime') AS crimes,
           min("at") AS first_at, max("at") AS last_at, count(DISTINCT person_id) AS reporters
    FROM chosen
    WHERE in_current
    GROUP BY location_id
    HAVING count(DISTINCT (source, event_id)) >= $min_count
    ORDER BY count DESC, last_at DESC, location_id
    LIMIT $limit
),
previous AS (
    SELECT location_id, count(DISTINCT (source, event_id)) AS previous_count FROM chosen
    WHERE NOT in_current AND location_id IN (SELECT location_id FROM totals)
    GROUP BY location_id
)
SELECT t.location_id AS id, coalesce(l.address, t.location_id) AS name, l.address, l.location_type, l.ward_code,
       l.lat, l.lon, t.count, t.calls, t.crimes, coalesce(pr.previous_count, 0) AS previous_count, t.first_at,
       t.last_at, t.reporters
FROM totals t
LEFT JOIN locations l USING (location_id)
LEFT JOIN previous pr USING (location_id)
ORDER BY t.count DESC, t.last_at DESC, t.location_id;
