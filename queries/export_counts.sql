-- name: export_counts
-- returns: the counts a public summary is built from, for the area and the two windows
--   [$start, $end) and [$prev_start, $prev_end): recorded crimes by police.uk category, and
--   anti-social behaviour (calls flagged asb, and any crime recorded in that category) as the
--   category 'Anti-social behaviour', per ward, street, calendar month and category:
--   ward_code (NULL: no ward), street (NULL: no street known), month (DATE, its first day),
--   category, count (distinct events). Aggregates only: no reference, person or address.
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end
WITH crime_events AS (
    SELECT c.crime_id AS id, c.recorded_at AS "at", c.ward_code, l.street, c.category
    FROM crimes c LEFT JOIN locations l USING (location_id)
    WHERE in_area(c.ward_code, $wards, $include_unwarded)
      AND ((c.recorded_at >= $start AND c.recorded_at < $end)
           OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
      AND in_covered_month('crimes', c.recorded_at)
), asb_calls AS (
    SELECT k.incident_id AS id, k.received_at AS "at", k.ward_code, l.street,
           'Anti-social behaviour' AS category
    FROM calls k LEFT JOIN locations l USING (location_id)
    WHERE k.asb
      AND in_area(k.ward_code, $wards, $include_unwarded)
      AND ((k.received_at >= $start AND k.received_at < $end)
           OR (k.received_at >= $prev_start AND k.received_at < $prev_end))
      AND in_covered_month('calls', k.received_at)
), counted AS (
    SELECT 'crime' AS source, * FROM crime_events WHERE category IS NOT NULL
    UNION ALL
    SELECT 'call', * FROM asb_calls
)
-- count(*) counts distinct events: each source's reference is its key (unique, checked when
-- the snapshot is built) and a place joins once, so no event is counted twice; a distinct
-- count of 670,000 events was most of the read's time at force scale
SELECT ward_code, street, CAST(date_trunc('month', "at") AS DATE) AS month, category,
       count(*) AS count
FROM counted
GROUP BY ALL
ORDER BY month, category, ward_code NULLS LAST, street NULLS LAST;
