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
),
-- The window's places, found by their references: joining the distinct references to locations
-- lets DuckDB skip the row groups of locations that hold none of them (where, as in the
-- extracts we have, a ward's places are stored together). DuckDB cannot estimate how few events in_area keeps,
-- so a plain join built its hash table on all 1.2 million places, and a semi-join on their
-- references still read every one (force scale, a ward's week: 3 times faster than the
-- semi-join; benchmarks/REPORT-force.md).
places AS (
    SELECT l.location_id, l.address, l.lat, l.lon, l.street
    FROM (SELECT DISTINCT location_id FROM e) k
    JOIN locations l USING (location_id)
)
SELECT e.at, e.source, e.event_id, e.what, e.ward_code, e.location_id, l.address, l.lat, l.lon, l.street
FROM e
LEFT JOIN places l USING (location_id)
ORDER BY e.at DESC, e.source, e.event_id;
