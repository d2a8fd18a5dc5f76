-- name: event_points_sample
-- returns: the rows of queries/event_points.sql for the same area and window at $positions
--   (0-based positions in its order), in the order of $positions: lat, lon, source, what,
--   location_id. The map's sample is drawn this way so that only the rows shown leave DuckDB.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $positions
WITH numbered AS (
    -- map_events is written sorted by "at", source, event_id (snapshot_derived) and DuckDB keeps
    -- the order rows are inserted in, so its row ids run in that order: numbering by the one
    -- integer sorts the window's events in half the time of the three keys (force scale, a
    -- ward's 90 days; tests/test_store.py checks the order)
    SELECT lat, lon, source, what, location_id,
           row_number() OVER (ORDER BY rowid) - 1 AS position
    FROM map_events
    WHERE "at" >= $start AND "at" < $end
      AND in_area(ward_code, $wards, $include_unwarded)
),
wanted AS (
    SELECT unnest($positions) AS position, generate_subscripts($positions, 1) AS shown_at
)
SELECT n.lat, n.lon, n.source, n.what, n.location_id
FROM wanted w
JOIN numbered n USING (position)
ORDER BY w.shown_at;
