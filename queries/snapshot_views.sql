-- name: snapshot_views
-- returns: nothing; creates the views and macros every snapshot carries:
--   events: one row per call, crime and missing episode: source ('call' | 'crime' |
--     'missing'), event_id, at, ward_code, location_id, what (incident type, crime
--     category or 'Missing person')
--   in_covered_month(source_table, at): a macro, true when the coverage table marks the
--     month of `at` covered for that source
--   metres_between(lat1, lon1, lat2, lon2): a macro, the great-circle distance in metres
--   event_kinds: a table of the distinct (source, what) pairs
--   event_details: the events view with what each source grades them by: detail (a call's
--     grade, a crime's offence, a missing episode's risk) and source_table ('calls' | 'crimes'
--     | 'missing_episodes', as the coverage table names them)
--   person_links: every link of a person to an event: source, event_id, person_id, role_group
--     ('caller' for calls made, 'victim', 'offender' (suspect or offender), 'witness',
--     'reporting_person' for crimes, 'missing' for missing episodes); a repeated link repeats
-- reads: build
-- params: (none)
CREATE VIEW events AS
SELECT 'call' AS source, incident_id AS event_id, received_at AS at, ward_code, location_id,
       incident_type AS what
FROM calls
UNION ALL
SELECT 'crime', crime_id, recorded_at, ward_code, location_id, category
FROM crimes
UNION ALL
SELECT 'missing', episode_id, reported_at, ward_code, from_location_id, 'Missing person'
FROM missing_episodes;

-- in_covered_month(source_table, at): whether the coverage table marks the month of `at`
--   covered for that source ('calls', 'crimes' or 'missing_episodes'). Counts of a window
--   leave out events dated in a month the source lacks: there should be none, and if an
--   extract holds some they are not part of what the source covers.
CREATE MACRO in_covered_month(source_table, "at") AS EXISTS (
    SELECT 1 FROM coverage g
    WHERE g.covered AND g.table_name = source_table
      AND date_trunc('month', g.month) = date_trunc('month', "at")
);

-- metres_between(lat1, lon1, lat2, lon2): great-circle (haversine) distance in metres on the
--   mean Earth radius; NULL when a coordinate is NULL.
CREATE MACRO metres_between(lat1, lon1, lat2, lon2) AS
    2 * 6371008.8 * asin(sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)
    ));

-- The vocabulary of event kinds, kept as reference so that checking a category filter never
-- reads the events themselves.
CREATE TABLE event_kinds AS
SELECT DISTINCT source, what FROM events WHERE what IS NOT NULL;

-- The events with their grading and their coverage table's name, for analyses that cost or
-- cover events by source (plan assessments).
CREATE VIEW event_details AS
SELECT 'call' AS source, incident_id AS event_id, received_at AS at, ward_code, location_id,
       incident_type AS what, grade AS detail, 'calls' AS source_table
FROM calls
UNION ALL
SELECT 'crime', crime_id, recorded_at, ward_code, location_id, category, offence, 'crimes'
FROM crimes
UNION ALL
SELECT 'missing', episode_id, reported_at, ward_code, from_location_id, 'Missing person', risk,
       'missing_episodes'
FROM missing_episodes;

-- Every link between a person and an event, with the role grouped as the repeat lists group it.
CREATE VIEW person_links AS
SELECT 'call' AS source, incident_id AS event_id, caller_id AS person_id, 'caller' AS role_group
FROM calls
WHERE caller_id IS NOT NULL
UNION ALL
SELECT 'crime', crime_id, person_id,
       CASE WHEN role IN ('suspect', 'offender') THEN 'offender' ELSE role END
FROM crime_people
UNION ALL
SELECT 'missing', episode_id, person_id, 'missing'
FROM missing_episodes;
