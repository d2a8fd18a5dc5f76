-- name: crime_harm
-- returns: one row per ward and crime category with a crime in [$start, $end) or [$prev_start,
--   $prev_end) in the area: ward_code (NULL: crimes with no ward, for the whole force only),
--   ward_name, category, count, previous_count, harm and previous_harm (sums of the crimes'
--   weights from $harm, in days). Crimes dated in a month the source lacks are not counted.
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $harm
WITH weights AS (
    SELECT unnest($harm, recursive := true)
),
chosen AS (
    -- no DISTINCT: crime_id is the key of crimes, and each crime meets at most one weight of
    -- each join ((category, offence) is unique in the weights: tests/test_harm.py)
    SELECT c.crime_id, c.ward_code, c.category, coalesce(exact.weight, fallback.weight, 0) AS weight,
           c.recorded_at >= $start AND c.recorded_at < $end AS in_current
    FROM crimes c
    LEFT JOIN weights exact ON exact.category = c.category AND exact.offence = c.offence
    LEFT JOIN weights fallback ON fallback.category = c.category AND fallback.offence IS NULL
    WHERE in_area(c.ward_code, $wards, $include_unwarded)
      AND ((c.recorded_at >= $start AND c.recorded_at < $end)
           OR (c.recorded_at >= $prev_start AND c.recorded_at < $prev_end))
      AND in_covered_month('crimes', c.recorded_at)
)
SELECT c.ward_code, w.ward_name, coalesce(c.category, '(no category)') AS category,
       count(*) FILTER (WHERE in_current) AS count, count(*) FILTER (WHERE NOT in_current) AS previous_count,
       coalesce(sum(weight) FILTER (WHERE in_current), 0) AS harm,
       coalesce(sum(weight) FILTER (WHERE NOT in_current), 0) AS previous_harm
FROM chosen c
LEFT JOIN wards w USING (ward_code)
GROUP BY c.ward_code, w.ward_name, c.category
ORDER BY w.ward_name, category;
