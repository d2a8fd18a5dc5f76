-- name: recent_events
-- returns: the crimes and calls in [$start, $end) in the area, newest first: at, source
--   ('crime' | 'call'), event_id, what (category or incident type), ward_code, location_id,
--   address, lat, lon, street
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
WITH e AS (
    -- the two sources read directly (not through the events view), so DuckDB sees how few
    -- rows a window holds
    SELECT received_at AS "at", 'call' AS source, incident_id AS event_id, incident_type AS what, ward_code,
           location_id
    FROM calls c
    WHERE received_at >= $start AND received_at < $end AND in_area(c.ward_code, $wards, $include_unwarded)
    UNION ALL
    SELECT recorded_at, 'crime', crime_id, category, ward_code, location_id
    FROM crimes c
    WHERE recorded_at >= $start AND recorded_at < $end AND in_area(c.ward_code, $wards, $include_unwarded)
)
SELECT e.at, e.source, e.event_id, e.what, e.ward_code, e.location_id, l.address, l.lat, l.lon, l.street
FROM e
-- only the window's places: DuckDB cannot estimate how few rows in_area keeps, and would
-- otherwise build its join on all 1.2 million places (force scale: 65 ms instead of 200 for
-- a ward's week; benchmarks/REPORT-force.md)
LEFT JOIN (SELECT location_id, address, lat, lon, street FROM locations
           WHERE location_id IN (SELECT location_id FROM e)) l USING (location_id)
ORDER BY e.at DESC, e.source, e.event_id;
