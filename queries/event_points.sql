-- name: event_points
-- returns: one row per event in [$start, $end) in the area whose location has coordinates,
--   for the map: lat, lon, source ('call' | 'crime' | 'missing'), what, event_id, at, location_id;
--   in time order, ties by source and reference (so the map's fixed sample is the same on every run)
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT lat, lon, source, what, event_id, "at", location_id
FROM map_events
WHERE "at" >= $start AND "at" < $end
  AND in_area(ward_code, $wards, $include_unwarded)
ORDER BY "at", source, event_id;
