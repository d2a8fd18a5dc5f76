-- name: concentration_locations
-- returns: one row per location with an event (crime, call or missing episode reported from
--   it) in [$start, $end) in the area: count (events), as rank_locations counts them.
--   The reference itself is left out: the shares need only the counts, and at force scale it
--   would bring up to a million strings into pandas for nothing.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
WITH events AS (
    SELECT location_id, ward_code, recorded_at AS "at" FROM crimes
    UNION ALL
    SELECT location_id, ward_code, received_at FROM calls
    UNION ALL
    SELECT from_location_id, ward_code, reported_at FROM missing_episodes
)
SELECT count(*) AS count
FROM events e
WHERE location_id IS NOT NULL
  AND in_area(e.ward_code, $wards, $include_unwarded)
  AND "at" >= $start AND "at" < $end
GROUP BY location_id;
