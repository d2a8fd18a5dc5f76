-- name: headline
-- returns: four rows in this order: measure ('crimes', 'calls', 'asb_calls' (calls with the
--   ASB qualifier), 'missing_episodes'), count (in [$start, $end)), previous_count (in
--   [$prev_start, $prev_end)), for events in the area
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end
WITH chosen AS (
    SELECT 'crimes' AS measure, 'crimes' AS source, crime_id AS event_id, recorded_at AS "at", ward_code FROM crimes
    UNION ALL
    SELECT 'calls', 'calls', incident_id, received_at, ward_code FROM calls
    UNION ALL
    SELECT 'asb_calls', 'calls', incident_id, received_at, ward_code FROM calls WHERE asb
    UNION ALL
    SELECT 'missing_episodes', 'missing_episodes', episode_id, reported_at, ward_code FROM missing_episodes
),
counts AS (
    SELECT measure,
           count(DISTINCT event_id) FILTER (WHERE "at" >= $start AND "at" < $end) AS count,
           count(DISTINCT event_id) FILTER (WHERE "at" >= $prev_start AND "at" < $prev_end) AS previous_count
    FROM chosen
    WHERE (list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded))
      AND (("at" >= $start AND "at" < $end) OR ("at" >= $prev_start AND "at" < $prev_end))
      AND in_covered_month(source, "at")
    GROUP BY measure
)
SELECT m.measure, coalesce(c.count, 0) AS count, coalesce(c.previous_count, 0) AS previous_count
FROM (VALUES (1, 'crimes'), (2, 'calls'), (3, 'asb_calls'), (4, 'missing_episodes')) AS m(position, measure)
LEFT JOIN counts c USING (measure)
ORDER BY m.position;
