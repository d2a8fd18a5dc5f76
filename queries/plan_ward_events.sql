-- name: plan_ward_events
-- returns: the distinct events of the crime categories or call types $categories (empty: all)
--   in the wards $include (empty: every ward of the area, and events with no ward for the whole
--   force) leaving out the wards $exclude, within the area. Tallied as plan_people_events:
--   period, source, what, detail, count; and month, source, count. Events dated in a month
--   their source lacks are not counted.
-- reads: events
-- params: $include, $exclude, $categories, $start, $split, $end, $months_start, $months_end, $wards, $include_unwarded
WITH chosen AS (
    SELECT e.source, e.event_id, e.at, e.what, e.detail
    FROM event_details e
    WHERE e.at >= least($start, $months_start) AND e.at < greatest($end, $months_end)
      AND in_area(e.ward_code, $wards, $include_unwarded)
      AND in_covered_month(e.source_table, e.at)
      AND (len($categories) = 0 OR list_contains($categories, e.what))
      AND (len($include) = 0 OR coalesce(list_contains($include, e.ward_code), false))
      AND NOT coalesce(list_contains($exclude, e.ward_code), false)
),
tallied AS MATERIALIZED (
    SELECT source, event_id, "at", what, detail,
           CASE WHEN "at" >= $start AND "at" < $split THEN 'before'
                WHEN "at" >= $split AND "at" < $end THEN 'after' END AS period,
           CAST(date_trunc('month', "at") AS DATE) AS month
    FROM chosen
)
SELECT period, CAST(NULL AS DATE) AS month, source, what, detail, count(*) AS count
FROM tallied WHERE period IS NOT NULL
GROUP BY period, source, what, detail
UNION ALL
SELECT NULL, month, source, NULL, NULL, count(*)
FROM tallied WHERE "at" >= $months_start AND "at" < $months_end
GROUP BY month, source
ORDER BY 1, 2, 3, 4, 5;
