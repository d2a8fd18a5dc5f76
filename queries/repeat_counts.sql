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
WITH crime_links AS (
    SELECT DISTINCT c.ward_code, p.person_id, c.crime_id,
           CASE WHEN p.role = 'victim' THEN 'victims' ELSE 'offenders' END AS kind
    FROM crime_people p
    JOIN crimes c USING (crime_id)
    WHERE p.role IN ('victim', 'suspect', 'offender')
      AND list_contains($wards, c.ward_code)
      AND c.recorded_at >= $start AND c.recorded_at < $end
      AND in_covered_month('crimes', c.recorded_at)
),
entity_events AS (
    SELECT kind, ward_code, person_id AS entity, crime_id AS event_id FROM crime_links
    UNION ALL
    SELECT 'callers', ward_code, caller_id, incident_id FROM calls
    WHERE caller_id IS NOT NULL AND list_contains($wards, ward_code)
      AND received_at >= $start AND received_at < $end AND in_covered_month('calls', received_at)
    UNION ALL
    SELECT 'missing', ward_code, person_id, episode_id FROM missing_episodes
    WHERE list_contains($wards, ward_code)
      AND reported_at >= $start AND reported_at < $end AND in_covered_month('missing_episodes', reported_at)
    UNION ALL
    SELECT 'locations', ward_code, location_id, source || ':' || event_id FROM events
    WHERE location_id IS NOT NULL AND list_contains($wards, ward_code)
      AND "at" >= $start AND "at" < $end
      AND in_covered_month(CASE source WHEN 'crime' THEN 'crimes' WHEN 'call' THEN 'calls'
                                       ELSE 'missing_episodes' END, "at")
),
repeats AS (
    SELECT kind, ward_code, entity FROM entity_events
    GROUP BY kind, ward_code, entity
    HAVING count(DISTINCT event_id) >= $min_count
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
WHERE list_contains($wards, w.ward_code)
ORDER BY w.ward_name, w.ward_code;
