-- name: table_info
-- returns: one row per contract table, in contract order, counting what lies in the area:
--   table_name, row_count, first_at, last_at (the first and last event time; NULL for tables
--   that hold no events). wards: the area's wards; locations: those in its wards; persons:
--   people linked to its events; crime_people: links of its crimes; coverage: every month row;
--   powers and wanted: those in its wards (row_count NULL when the extracts do not hold the table).
--   Summed from the per-ward counts worked out when the snapshot was built (snapshot_derived);
--   people are counted once however many of the area's wards they appear in (area_persons
--   holds the force's and each district's count, person_totals' rows of its wards the rest).
-- reads: events, persons
-- params: $wards, $include_unwarded
WITH in_area AS (
    SELECT table_name, sum(row_count) AS row_count, min(first_at) AS first_at, max(last_at) AS last_at
    FROM ward_tables
    WHERE in_area(ward_code, $wards, $include_unwarded)
    GROUP BY table_name
),
known AS (
    SELECT any_value(persons) AS persons, count(*) AS found
    FROM area_persons
    WHERE wards IS NOT DISTINCT FROM list_sort($wards) AND include_unwarded = $include_unwarded
),
persons AS (
    SELECT CASE WHEN (SELECT found FROM known) > 0 THEN (SELECT persons FROM known)
                ELSE (SELECT count(DISTINCT person_id) FROM person_totals
                      WHERE in_area(ward_code, $wards, $include_unwarded)
                        AND (SELECT found FROM known) = 0)
           END AS row_count
)
SELECT t.table_name,
       CASE WHEN h.held OR t.table_name NOT IN ('powers', 'wanted')
            THEN CAST(coalesce(a.row_count, t.rows_if_none) AS BIGINT) END AS row_count,
       a.first_at, a.last_at
FROM (VALUES (1, 'wards', NULL), (2, 'locations', 0), (3, 'persons', NULL), (4, 'calls', 0), (5, 'crimes', 0),
             (6, 'crime_people', 0), (7, 'missing_episodes', 0), (8, 'coverage', NULL), (9, 'powers', 0),
             (10, 'wanted', 0))
     AS t(position, table_name, rows_if_none)
LEFT JOIN (
    SELECT table_name, row_count, first_at, last_at FROM in_area
    UNION ALL SELECT 'wards', count(*), NULL, NULL FROM wards WHERE in_area(ward_code, $wards, false)
    UNION ALL SELECT 'persons', row_count, NULL, NULL FROM persons
    UNION ALL SELECT 'coverage', count(*), min(month), max(month) FROM coverage
    -- powers and wanted are small: counted here rather than per ward at build time
    UNION ALL SELECT 'powers', count(*), min(used_at), max(used_at) FROM powers
        WHERE in_area(ward_code, $wards, $include_unwarded)
    UNION ALL SELECT 'wanted', count(*), min(since), max(since) FROM wanted
        WHERE in_area(ward_code, $wards, $include_unwarded)
) a USING (table_name)
LEFT JOIN held_tables h USING (table_name)
ORDER BY t.position;
