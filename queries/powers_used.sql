-- name: powers_used
-- returns: each use of a power in [$start, $end) in the area, newest first: power_id, used_at,
--   power, ward_code, location_id, address, street, person_id, name (of the person, when
--   recorded), outcome. At most $limit rows (NULL = all).
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $limit
SELECT p.power_id, p.used_at, p.power, p.ward_code, p.location_id, l.address, l.street, p.person_id,
       pe.name, p.outcome
FROM powers p
LEFT JOIN locations l USING (location_id)
LEFT JOIN persons pe USING (person_id)
WHERE (list_contains($wards, p.ward_code) OR (p.ward_code IS NULL AND $include_unwarded))
  AND p.used_at >= $start AND p.used_at < $end
ORDER BY p.used_at DESC, p.power_id
LIMIT $limit;
