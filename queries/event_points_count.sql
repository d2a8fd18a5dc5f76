-- name: event_points_count
-- returns: one row: events, how many rows queries/event_points.sql returns for the same
--   area and window (the events in [$start, $end) whose location has coordinates)
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT count(*) AS events
FROM map_events
WHERE "at" >= $start AND "at" < $end
  AND in_area(ward_code, $wards, $include_unwarded);
