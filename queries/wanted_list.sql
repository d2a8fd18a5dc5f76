-- name: wanted_list
-- returns: one row per person wanted at the instant $at (a warrant or circulation begun before
--   it and not ended by it) whose last known address is in the area, the most recently wanted
--   first: person_id, name, birth_year, since (the earliest such record's start), reason and
--   warnings (of all their records, '; '-joined), wanted_ids, then ward_code, location_id,
--   address and street of the latest record
-- reads: persons
-- params: $wards, $include_unwarded, $at
WITH current AS (
    SELECT * FROM wanted w
    WHERE (list_contains($wards, w.ward_code) OR (w.ward_code IS NULL AND $include_unwarded))
      AND w.since < $at AND (w.ended_at IS NULL OR w.ended_at >= $at)
),
people AS (
    SELECT person_id, min(since) AS since,
           string_agg(DISTINCT reason, '; ' ORDER BY reason) AS reason,
           string_agg(DISTINCT warnings, '; ' ORDER BY warnings) AS warnings,
           string_agg(wanted_id, ', ' ORDER BY wanted_id) AS wanted_ids,
           arg_max(ward_code, since) AS ward_code, arg_max(location_id, since) AS location_id
    FROM current
    GROUP BY person_id
)
SELECT p.person_id, pe.name, pe.birth_year, p.since, p.reason, p.warnings, p.wanted_ids, p.ward_code,
       p.location_id, l.address, l.street
FROM people p
LEFT JOIN persons pe USING (person_id)
LEFT JOIN locations l ON l.location_id = p.location_id
ORDER BY p.since DESC, p.person_id;
