-- name: recent_events
-- returns: the crimes and calls in [$start, $end) in the area, newest first: at, source
--   ('crime' | 'call'), event_id, what (category or incident type), ward_code, location_id,
--   address, lat, lon, street
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT e.at, e.source, e.event_id, e.what, e.ward_code, e.location_id, l.address, l.lat, l.lon, l.street
FROM events e
LEFT JOIN locations l USING (location_id)
WHERE e.source IN ('crime', 'call')
  AND e.at >= $start AND e.at < $end
  AND (list_contains($wards, e.ward_code) OR (e.ward_code IS NULL AND $include_unwarded))
ORDER BY e.at DESC, e.source, e.event_id;
