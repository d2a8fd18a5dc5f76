-- name: dash_location
-- returns: the location's row with its ward: location_id, address, street, location_type,
--   ward_code, ward_name, district, lat, lon, precision; or no row
-- params: $location_id
SELECT l.location_id, l.address, l.street, l.location_type, l.ward_code, w.ward_name, w.district,
       l.lat, l.lon, l.precision
FROM locations l
LEFT JOIN wards w USING (ward_code)
WHERE l.location_id = $location_id;
