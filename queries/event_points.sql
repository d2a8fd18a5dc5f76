-- name: event_points
-- returns: one row per event in [$start, $end) in the area whose location has coordinates,
--   for the map: lat, lon, source ('call' | 'crime' | 'missing'), what, event_id, at, location_id
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT l.lat, l.lon, e.source, e.what, e.event_id, e.at, e.location_id
FROM events e
JOIN locations l USING (location_id)
WHERE e.at >= $start AND e.at < $end
  AND l.lat IS NOT NULL AND l.lon IS NOT NULL
  AND (list_contains($wards, e.ward_code) OR (e.ward_code IS NULL AND $include_unwarded))
ORDER BY e.at;
