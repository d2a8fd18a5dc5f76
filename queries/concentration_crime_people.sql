-- name: concentration_crime_people
-- returns: one row per person linked in role group $role_group ('victim'; 'offender': suspect
--   or offender) to a crime recorded in [$start, $end) in the area: count (distinct crimes), as
--   rank_crime_people counts them (crime_links holds each person and crime once per group).
--   The reference itself is left out: the shares need only the counts, and at force scale it
--   would bring up to a million strings into pandas for nothing.
-- reads: events, persons
-- params: $wards, $include_unwarded, $role_group, $start, $end
SELECT count(*) AS count
FROM crime_links c
WHERE role_group = $role_group
  AND in_area(c.ward_code, $wards, $include_unwarded)
  AND recorded_at >= $start AND recorded_at < $end
GROUP BY person_id;
