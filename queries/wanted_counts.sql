-- name: wanted_counts
-- returns: one row per ward in $wards (zero counts included), ordered by ward name: ward_code,
--   wanted (people with a warrant or circulation, last known in the ward, begun before the
--   instant $at and not ended by it), new (of them, those whose earliest such record in the ward
--   began at $new_since or later). A person wanted in two wards counts in each.
-- reads: persons
-- params: $wards, $at, $new_since
WITH people AS (
    SELECT ward_code, person_id, min(since) AS since
    FROM wanted
    WHERE list_contains($wards, ward_code) AND since < $at AND (ended_at IS NULL OR ended_at >= $at)
    GROUP BY ward_code, person_id
),
counted AS (
    SELECT ward_code, count(*) AS wanted, count(*) FILTER (WHERE since >= $new_since) AS new
    FROM people
    GROUP BY ward_code
)
SELECT w.ward_code, coalesce(c.wanted, 0) AS wanted, coalesce(c.new, 0) AS new
FROM wards w
LEFT JOIN counted c USING (ward_code)
WHERE list_contains($wards, w.ward_code)
ORDER BY w.ward_name, w.ward_code;
