-- name: plan_people_events
-- returns: the distinct events in the area of a group of people in one role group
--   ($role_group: 'victim' (crimes as victim), 'offender' (crimes as suspect or offender),
--   'caller' (calls made) or 'missing' (missing episodes)), of the crime categories or call
--   types $categories (empty: all). The people are $ids when $min_count is NULL (a plan's
--   targets); otherwise everyone else in the area with at least $min_count such events in
--   [$start, $split) (a plan's control: like people who were not targets). Three tallies:
--   * period ('before' = [$start, $split), 'after' = [$split, $end)), source ('call' | 'crime'
--     | 'missing'), what, detail (grade, offence or risk), count (distinct events);
--   * month (first day), source, count: events per calendar month in [$months_start, $months_end);
--   * person_id, count: each person's events in the before period (period 'before').
--   Events dated in a month their source lacks (in_covered_month) are not counted.
-- reads: events, persons
-- params: $ids, $role_group, $min_count, $categories, $start, $split, $end, $months_start, $months_end, $wards, $include_unwarded
WITH in_scope AS (
    SELECT * FROM person_role_events e
    WHERE e.role_group = $role_group
      AND ($min_count IS NOT NULL OR list_contains($ids, e.person_id))  -- a plan's own: only theirs
      AND in_area(e.ward_code, $wards, $include_unwarded)
      AND in_covered_month(e.source_table, e.at)
      AND (len($categories) = 0 OR list_contains($categories, e.what))
),
people AS (
    SELECT unnest($ids) AS person_id WHERE $min_count IS NULL
    UNION ALL
    -- like people: everyone else with at least $min_count events before, counted lean first
    SELECT person_id FROM in_scope
    WHERE $min_count IS NOT NULL AND NOT list_contains($ids, person_id) AND "at" >= $start AND "at" < $split
    GROUP BY person_id
    HAVING count(*) >= $min_count
),
linked AS MATERIALIZED (
    SELECT person_id, source, event_id, "at", what, detail FROM in_scope
    WHERE person_id IN (SELECT person_id FROM people)
      AND "at" >= least($start, $months_start) AND "at" < greatest($end, $months_end)
),
chosen AS (  -- each event once, however many of the people it links
    SELECT DISTINCT source, event_id, "at", what, detail FROM linked
),
tallied AS MATERIALIZED (
    SELECT source, event_id, "at", what, detail,
           CASE WHEN "at" >= $start AND "at" < $split THEN 'before'
                WHEN "at" >= $split AND "at" < $end THEN 'after' END AS period,
           CAST(date_trunc('month', "at") AS DATE) AS month
    FROM chosen
)
SELECT period, CAST(NULL AS DATE) AS month, source, what, detail, CAST(NULL AS VARCHAR) AS person_id,
       count(*) AS count
FROM tallied WHERE period IS NOT NULL
GROUP BY period, source, what, detail
UNION ALL
SELECT NULL, month, source, NULL, NULL, NULL, count(*)
FROM tallied WHERE "at" >= $months_start AND "at" < $months_end
GROUP BY month, source
UNION ALL
SELECT 'before', NULL, NULL, NULL, NULL, person_id, count(*)
FROM linked WHERE "at" >= $start AND "at" < $split
GROUP BY person_id
ORDER BY 1, 2, 3, 4, 5, 6;
