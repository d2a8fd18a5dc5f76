-- name: street_points
-- returns: one row per ward and street of the area's places: ward_code (NULL: no ward),
--   street, places (how many distinct places on it the data holds), lat, lon (the mean of
--   their coordinates: a point on the street that is no one place's). Places with no street
--   or no coordinates are left out.
-- reads: events
-- params: $wards, $include_unwarded
SELECT ward_code, street, count(*) AS places, avg(lat) AS lat, avg(lon) AS lon
FROM locations
WHERE street IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
  AND in_area(ward_code, $wards, $include_unwarded)
GROUP BY ward_code, street
ORDER BY ward_code NULLS LAST, street;
