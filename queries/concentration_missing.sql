-- name: concentration_missing
-- returns: one row per person with a missing episode reported in [$start, $end) in the
--   area: count (episodes), as rank_missing counts them.
--   The reference itself is left out: the shares need only the counts, and at force scale it
--   would bring up to a million strings into pandas for nothing.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT count(*) AS count
FROM missing_episodes m
WHERE in_area(m.ward_code, $wards, $include_unwarded)
  AND reported_at >= $start AND reported_at < $end
GROUP BY person_id;
