-- name: plan_place_events
-- returns: the distinct events in the area of the crime categories or call types $categories
--   (empty: all) in one ring around the places $ids: $ring 'target' (events at $ids), 'buffer'
--   (events at other places within $radius_m metres of one of $ids) or 'outside' (every other
--   event of the area, with or without a place). Tallied as plan_people_events: period, source,
--   what, detail, count; month, source, count; and on every row places: how many places of
--   the area lie within $radius_m of $ids (the buffer's places). When no event is counted there is one row
--   with only places. Events dated in a month their source lacks are not counted.
-- reads: events
-- params: $ids, $ring, $radius_m, $categories, $start, $split, $end, $months_start, $months_end, $wards, $include_unwarded
WITH places AS (  -- the places of the area: a buffer never names or counts a place outside it
    SELECT * FROM locations
    WHERE in_area(ward_code, $wards, $include_unwarded)
),
centre AS (
    SELECT lat, lon FROM places
    WHERE list_contains($ids, location_id) AND lat IS NOT NULL AND lon IS NOT NULL
),
near AS (
    SELECT DISTINCT l.location_id
    FROM places l, centre c
    WHERE NOT list_contains($ids, l.location_id)
      -- a cheap box first: one degree of latitude is about 111 km
      AND abs(l.lat - c.lat) <= $radius_m / 111000.0 + 0.0001
      AND metres_between(c.lat, c.lon, l.lat, l.lon) <= $radius_m
),
chosen AS (
    SELECT e.source, e.event_id, e.at, e.what, e.detail
    FROM event_details e
    WHERE e.at >= least($start, $months_start) AND e.at < greatest($end, $months_end)
      AND in_area(e.ward_code, $wards, $include_unwarded)
      AND in_covered_month(e.source_table, e.at)
      AND (len($categories) = 0 OR list_contains($categories, e.what))
      AND CASE $ring
          WHEN 'target' THEN coalesce(list_contains($ids, e.location_id), false)
          WHEN 'buffer' THEN e.location_id IN (SELECT location_id FROM near)
          ELSE NOT coalesce(list_contains($ids, e.location_id), false)
               AND (e.location_id IS NULL OR e.location_id NOT IN (SELECT location_id FROM near))
      END
),
tallied AS MATERIALIZED (
    SELECT source, event_id, "at", what, detail,
           CASE WHEN "at" >= $start AND "at" < $split THEN 'before'
                WHEN "at" >= $split AND "at" < $end THEN 'after' END AS period,
           CAST(date_trunc('month', "at") AS DATE) AS month
    FROM chosen
),
counted AS (
    SELECT period, CAST(NULL AS DATE) AS month, source, what, detail, count(*) AS count
    FROM tallied WHERE period IS NOT NULL
    GROUP BY period, source, what, detail
    UNION ALL
    SELECT NULL, month, source, NULL, NULL, count(*)
    FROM tallied WHERE "at" >= $months_start AND "at" < $months_end
    GROUP BY month, source
)
SELECT c.*, n.places
FROM (SELECT count(*) AS places FROM near) n
LEFT JOIN counted c ON true
ORDER BY 1, 2, 3, 4, 5;
