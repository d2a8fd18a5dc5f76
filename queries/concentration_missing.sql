-- name: concentration_missing
-- returns: one row per person with a missing episode reported in [$start, $end) in the
--   area: count (episodes), as rank_missing counts them
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT person_id, count(*) AS count
FROM missing_episodes m
WHERE in_area(m.ward_code, $wards, $include_unwarded)
  AND reported_at >= $start AND reported_at < $end
GROUP BY person_id;
