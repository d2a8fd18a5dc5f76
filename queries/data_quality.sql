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
WITH by_ward AS (
    SELECT w.ward_code, w.ward_name, 1 AS position
    FROM wards w
    WHERE in_area(w.ward_code, $wards, false)
    UNION ALL
    SELECT NULL, '(no ward)', 2
    WHERE $include_unwarded
)
SELECT b.ward_code, b.ward_name,
       coalesce(q.crimes, 0) AS crimes,
       coalesce(q.crimes_without_victim, 0) AS crimes_without_victim,
       coalesce(q.victim_only_reporting_person, 0) AS victim_only_reporting_person,
       coalesce(q.events, 0) AS events,
       CASE WHEN coalesce(q.events, 0) > 0 THEN q.street_defaulted / q.events END AS street_defaulted_share,
       CASE WHEN b.ward_code IS NULL THEN coalesce(q.events, 0) ELSE 0 END AS events_no_ward
FROM by_ward b
-- ward_quality: the counts per ward, worked out when the snapshot was built (snapshot_derived)
LEFT JOIN ward_quality q ON q.ward_code IS NOT DISTINCT FROM b.ward_code
ORDER BY b.position, b.ward_name, b.ward_code;
