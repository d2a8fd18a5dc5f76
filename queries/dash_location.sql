-- name: dash_location
-- returns: the location's row with its ward when it lies in the area or has an event in it,
--   else no row: location_id, address, street, location_type, ward_code, ward_name, district,
--   lat, lon, precision, events (events at it in the area), events_elsewhere (its events
--   recorded outside the area: counted, never shown)
-- reads: events
-- params: $location_id, $wards, $include_unwarded
WITH counted AS (
    -- location_events holds each event at a place once, sorted by place
    SELECT count(*) FILTER (WHERE in_area(ward_code, $wards, $include_unwarded)) AS events,
           count(*) AS all_events
    FROM location_events
    WHERE location_id = $location_id
)
SELECT l.location_id, l.address, l.street, l.location_type, l.ward_code, w.ward_name, w.district,
       l.lat, l.lon, l.precision, c.events, c.all_events - c.events AS events_elsewhere
FROM locations l
LEFT JOIN wards w USING (ward_code)
CROSS JOIN counted c
WHERE l.location_id = $location_id
  AND (c.events > 0 OR in_area(l.ward_code, $wards, $include_unwarded));
