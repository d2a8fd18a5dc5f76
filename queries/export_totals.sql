-- name: export_totals
-- returns: the sums of export_counts that a public summary's tables need when no street-level
--   file is asked for, in two parts (part):
--   'ward': ward_code (NULL: no ward), month (DATE, its first day), category, count: every
--     event export_counts counts, of both windows [$start, $end) and [$prev_start, $prev_end),
--     by ward, calendar month and category (street NULL);
--   'street': ward_code, street, count: the current window's crimes of the categories $crimes
--     on each known street (month and category NULL).
--   Aggregates only: no reference, person or address. Events dated in a month the source lacks
--   (see in_covered_month) are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $crimes
-- Why not export_counts summed in pandas: the ward x street x month x category rows of a
-- district's two years are 211,000 (force scale), and the places are joined for every event;
-- here the crimes carry their street (crime_streets), and about 19,000 rows come back.
WITH crime_events AS (
    -- crime_streets: each crime with its street and whether its month is covered (in_covered_month)
    SELECT c.street, c.recorded_at AS "at", c.ward_code, c.category
    FROM crime_streets c
    WHERE in_area(c.ward_code, $wards, $include_unwarded)
      AND ((c.recorded_at >= $start AND c.recorded_at < $end)
           OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
      AND c.covered
      AND c.category IS NOT NULL
), asb_calls AS (
    -- ward_days holds the covered calls flagged asb per day and ward (in_covered_month, as
    -- export_counts): a window of whole months is a range of days
    SELECT CAST(day AS TIMESTAMP) AS "at", ward_code, 'Anti-social behaviour' AS category, asb_events AS events
    FROM ward_days
    WHERE source = 'calls' AND asb_events > 0
      AND in_area(ward_code, $wards, $include_unwarded)
      AND ((day >= CAST($start AS DATE) AND day < CAST($end AS DATE))
           OR (day >= CAST($prev_start AS DATE) AND day < CAST($prev_end AS DATE)))
), counted AS (
    SELECT "at", ward_code, category, 1 AS events FROM crime_events
    UNION ALL
    SELECT "at", ward_code, category, events FROM asb_calls
), by_ward AS (
    SELECT ward_code, CAST(date_trunc('month', "at") AS DATE) AS month, category, CAST(sum(events) AS BIGINT) AS count
    FROM counted
    GROUP BY ward_code, month, category
), on_streets AS (
    SELECT e.ward_code, e.street, count(*) AS count
    FROM crime_events e
    WHERE e."at" >= $start AND e."at" < $end
      AND list_contains($crimes, e.category)
      AND e.street IS NOT NULL
    GROUP BY e.ward_code, e.street
)
SELECT 'ward' AS part, ward_code, CAST(NULL AS VARCHAR) AS street, month, category, count FROM by_ward
UNION ALL
SELECT 'street', ward_code, street, CAST(NULL AS DATE), CAST(NULL AS VARCHAR), count FROM on_streets
ORDER BY part, ward_code NULLS LAST, street, month, category;
