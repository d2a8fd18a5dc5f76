-- name: wanted_counts
-- returns: one row per ward in $wards (zero counts included), ordered by ward name: ward_code,
--   wanted (people wanted at the instant $at whose last known address is in the ward), new
--   (of them, those wanted since $new_since or later)
-- reads: persons
-- params: $wards, $at, $new_since
WITH current AS (
    SELECT ward_code, count(DISTINCT person_id) AS wanted,
           count(DISTINCT person_id) FILTER (WHERE since >= $new_since) AS new
    FROM wanted
    WHERE list_contains($wards, ward_code) AND since < $at AND (ended_at IS NULL OR ended_at >= $at)
    GROUP BY ward_code
)
SELECT w.ward_code, coalesce(c.wanted, 0) AS wanted, coalesce(c.new, 0) AS new
FROM wards w
LEFT JOIN current c USING (ward_code)
WHERE list_contains($wards, w.ward_code)
ORDER BY w.ward_name, w.ward_code;
