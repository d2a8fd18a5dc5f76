-- name: repeat_counts
-- returns: one row per ward in $wards (zero counts included), ordered by ward name: ward_code,
--   victims, offenders (suspects or offenders), callers, missing (persons) and locations: how
--   many of each had at least $min_count distinct events in the ward in [$start, $end). The same
--   rules as the rank_* queries for one ward (so each number is the length of that ward's
--   repeat list): a person's distinct crimes in the role; a caller's calls; a person's missing
--   episodes; a location's crimes, calls and missing episodes, the event's ward deciding.
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events, persons
-- params: $wards, $start, $end, $min_count
WITH repeats AS (
    -- one row per entity with at least $min_count events in a ward: each part grouped on its
    -- own key, the narrow tables the rankings read (integer keys for callers and places).
    -- crime_links holds each person and crime once per role group ('victim'; 'offender': suspect
    -- or offender) with the crime's ward and time, sorted by group and time: a range read with
    -- no join and no DISTINCT. Each row of every part is one event of its entity (a source's
    -- reference is its key), so a count of rows is a count of distinct events.
    SELECT CASE role_group WHEN 'victim' THEN 'victims' ELSE 'offenders' END AS kind, ward_code
    FROM crime_links
    WHERE in_area(ward_code, $wards, false)
      AND recorded_at >= $start AND recorded_at < $end
      AND in_covered_month('crimes', recorded_at)
    GROUP BY role_group, ward_code, person_id
    HAVING count(*) >= $min_count
    UNION ALL
    -- caller_calls: each call with a caller, by caller key (a caller with one call in all is
    -- never a repeat caller in any window)
    SELECT 'callers', ward_code FROM caller_calls
    WHERE (repeat_caller OR $min_count < 2) AND in_area(ward_code, $wards, false)
      AND received_at >= $start AND received_at < $end AND in_covered_month('calls', received_at)
    GROUP BY ward_code, caller_key
    HAVING count(*) >= $min_count
    UNION ALL
    SELECT 'missing', ward_code FROM missing_episodes
    WHERE in_area(ward_code, $wards, false)
      AND reported_at >= $start AND reported_at < $end AND in_covered_month('missing_episodes', reported_at)
    GROUP BY ward_code, person_id
    HAVING count(*) >= $min_count
    UNION ALL
    -- location_counts: each crime, call and missing episode at a place, by place key
    SELECT 'locations', ward_code FROM location_counts
    WHERE in_area(ward_code, $wards, false)
      AND "at" >= $start AND "at" < $end
      AND in_covered_month(CASE source WHEN 'crime' THEN 'crimes' WHEN 'call' THEN 'calls'
                                       ELSE 'missing_episodes' END, "at")
    GROUP BY ward_code, location_key
    HAVING count(*) >= $min_count
),
counted AS (
    SELECT ward_code,
           count(*) FILTER (WHERE kind = 'victims') AS victims,
           count(*) FILTER (WHERE kind = 'offenders') AS offenders,
           count(*) FILTER (WHERE kind = 'callers') AS callers,
           count(*) FILTER (WHERE kind = 'missing') AS missing,
           count(*) FILTER (WHERE kind = 'locations') AS locations
    FROM repeats
    GROUP BY ward_code
)
SELECT w.ward_code, coalesce(c.victims, 0) AS victims, coalesce(c.offenders, 0) AS offenders,
       coalesce(c.callers, 0) AS callers, coalesce(c.missing, 0) AS missing,
       coalesce(c.locations, 0) AS locations
FROM wards w
LEFT JOIN counted c USING (ward_code)
WHERE in_area(w.ward_code, $wards, false)
ORDER BY w.ward_name, w.ward_code;
