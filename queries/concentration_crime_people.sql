-- name: concentration_crime_people
-- returns: one row per person linked with a role in $roles to a crime recorded in
--   [$start, $end) in the area: count (distinct crimes), as rank_crime_people counts them
-- reads: events, persons
-- params: $wards, $include_unwarded, $roles, $start, $end
SELECT p.person_id, count(DISTINCT c.crime_id) AS count
FROM crime_people p
JOIN crimes c USING (crime_id)
WHERE list_contains($roles, p.role)
  AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
  AND c.recorded_at >= $start AND c.recorded_at < $end
GROUP BY p.person_id;
