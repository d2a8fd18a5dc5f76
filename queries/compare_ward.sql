-- name: compare_ward
-- returns: one row per ward in $wards (zero counts included), ordered by ward name: group
--   (the ward code), ward_name, count (events of $source in [$start, $end)), previous_count
--   (in [$prev_start, $prev_end)), population (residents, an estimate; NULL when unknown).
--   $source is 'crimes', 'calls' or 'missing_episodes'.
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $source, $start, $end, $prev_start, $prev_end
WITH chosen AS (
    SELECT ward_code, crime_id AS event_id, recorded_at AS "at" FROM crimes WHERE $source = 'crimes'
    UNION ALL
    SELECT ward_code, incident_id, received_at FROM calls WHERE $source = 'calls'
    UNION ALL
    SELECT ward_code, episode_id, reported_at FROM missing_episodes WHERE $source = 'missing_episodes'
),
counts AS (
    SELECT ward_code,
           count(DISTINCT event_id) FILTER (WHERE "at" >= $start AND "at" < $end) AS count,
           count(DISTINCT event_id) FILTER (WHERE "at" >= $prev_start AND "at" < $prev_end) AS previous_count
    FROM chosen
    WHERE list_contains($wards, ward_code)
      AND (("at" >= $start AND "at" < $end) OR ("at" >= $prev_start AND "at" < $prev_end))
      AND in_covered_month($source, "at")
    GROUP BY ward_code
)
SELECT w.ward_code AS "group", w.ward_name, coalesce(c.count, 0) AS count,
       coalesce(c.previous_count, 0) AS previous_count, w.population
FROM wards w
LEFT JOIN counts c USING (ward_code)
WHERE list_contains($wards, w.ward_code)
ORDER BY w.ward_name, w.ward_code;
