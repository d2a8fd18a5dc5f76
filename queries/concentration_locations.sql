-- name: concentration_locations
-- returns: one row per location with an event (crime, call or missing episode reported from
--   it) in [$start, $end) in the area: count (events), as rank_locations counts them.
--   The reference itself is left out: the shares need only the counts, and at force scale it
--   would bring up to a million strings into pandas for nothing. Grouped by the integer
--   location_key of location_counts (each source's window a range read).
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT count(*) AS count
FROM location_counts e
WHERE in_area(e.ward_code, $wards, $include_unwarded)
  AND "at" >= $start AND "at" < $end
GROUP BY location_key;
