-- name: concentration_missing
-- returns: one row per person with a missing episode reported in [$start, $end) in the
--   area: count (episodes), as rank_missing counts them
-- reads: events
-- params: $wards, $include_unwarded, $start, $end
SELECT person_id, count(*) AS count
FROM missing_episodes m
WHERE (list_contains($wards, m.ward_code) OR (m.ward_code IS NULL AND $include_unwarded))
  AND reported_at >= $start AND reported_at < $end
GROUP BY person_id;
