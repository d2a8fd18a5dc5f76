-- name: concentration_crime_people
-- returns: one row per person linked with a role in $roles to a crime recorded in
--   [$start, $end) in the area: count (distinct crimes), as rank_crime_people counts them.
--   The reference itself is left out: the shares need only the counts, and at force scale it
--   would bring up to a million strings into pandas for nothing.
-- reads: events, persons
-- params: $wards, $include_unwarded, $roles, $start, $end
SELECT count(DISTINCT crime_id) AS count
FROM crime_links c
WHERE list_contains($roles, role)
  AND in_area(c.ward_code, $wards, $include_unwarded)
  AND recorded_at >= $start AND recorded_at < $end
GROUP BY person_id;
