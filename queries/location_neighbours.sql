-- name: location_neighbours
-- returns: the other locations within $radius_m metres of location $location_id (great-circle
--   distance) that have events in [$start, $end) in the area, busiest first: location_id,
--   address, location_type, ward_code, lat, lon, distance_m, events, crimes, calls, missing
-- reads: events
-- params: $location_id, $radius_m, $start, $end, $wards, $include_unwarded
WITH centre AS (
    SELECT lat, lon FROM locations WHERE location_id = $location_id AND lat IS NOT NULL AND lon IS NOT NULL
),
near AS (
    SELECT l.*, metres_between(c.lat, c.lon, l.lat, l.lon) AS distance_m
    FROM locations l, centre c
    WHERE l.location_id <> $location_id
      -- a cheap box first: one degree of latitude is about 111 km
      AND abs(l.lat - c.lat) <= $radius_m / 111000.0 + 0.0001
),
counts AS (
    SELECT location_id, count(*) AS events,
           count(*) FILTER (WHERE source = 'crime') AS crimes,
           count(*) FILTER (WHERE source = 'call') AS calls,
           count(*) FILTER (WHERE source = 'missing') AS missing
    FROM events e
    WHERE e.at >= $start AND e.at < $end
      AND e.location_id IN (SELECT location_id FROM near WHERE distance_m <= $radius_m)
      AND in_area(e.ward_code, $wards, $include_unwarded)
    GROUP BY location_id
)
SELECT n.location_id, n.address, n.location_type, n.ward_code, n.lat, n.lon, n.distance_m,
       c.events, c.crimes, c.calls, c.missing
FROM near n
JOIN counts c USING (location_id)
WHERE n.distance_m <= $radius_m
ORDER BY c.events DESC, n.distance_m, n.location_id;
