-- name: data_quality
-- returns: one row per ward in $wards, ordered by ward name, then (when $include_unwarded) a
--   force-level row with ward_code NULL for events with no ward: ward_code, ward_name,
--   crimes, crimes_without_victim (no victim link), victim_only_reporting_person (no victim
--   link but a reporting_person link: the aggrieved recorded only as reporting person),
--   events (crimes, calls, missing episodes), street_defaulted_share (share of those events
--   whose location was defaulted to a street, precision 'street'), events_no_ward (on the
--   force-level row only; 0 on ward rows)
-- reads: events
-- params: $wards, $include_unwarded
WITH roles AS (
    SELECT crime_id, bool_or(role = 'victim') AS has_victim, bool_or(role = 'reporting_person') AS has_reporter
    FROM crime_people
    GROUP BY crime_id
),
crime_rows AS (
    SELECT c.ward_code, count(*) AS crimes,
           count(*) FILTER (WHERE NOT coalesce(r.has_victim, false)) AS crimes_without_victim,
           count(*) FILTER (WHERE NOT coalesce(r.has_victim, false) AND coalesce(r.has_reporter, false))
               AS victim_only_reporting_person
    FROM crimes c
    LEFT JOIN roles r USING (crime_id)
    GROUP BY c.ward_code
),
event_rows AS (
    SELECT e.ward_code, count(*) AS events,
           count(*) FILTER (WHERE l.precision = 'street') AS street_defaulted
    FROM events e
    LEFT JOIN locations l USING (location_id)
    GROUP BY e.ward_code
),
by_ward AS (
    SELECT w.ward_code, w.ward_name, 1 AS position
    FROM wards w
    WHERE list_contains($wards, w.ward_code)
    UNION ALL
    SELECT NULL, '(no ward)', 2
    WHERE $include_unwarded
)
SELECT b.ward_code, b.ward_name,
       coalesce(c.crimes, 0) AS crimes,
       coalesce(c.crimes_without_victim, 0) AS crimes_without_victim,
       coalesce(c.victim_only_reporting_person, 0) AS victim_only_reporting_person,
       coalesce(e.events, 0) AS events,
       CASE WHEN coalesce(e.events, 0) > 0 THEN e.street_defaulted / e.events END AS street_defaulted_share,
       CASE WHEN b.ward_code IS NULL THEN coalesce(e.events, 0) ELSE 0 END AS events_no_ward
FROM by_ward b
LEFT JOIN crime_rows c ON c.ward_code IS NOT DISTINCT FROM b.ward_code
LEFT JOIN event_rows e ON e.ward_code IS NOT DISTINCT FROM b.ward_code
ORDER BY b.position, b.ward_name, b.ward_code;
