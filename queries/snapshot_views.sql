-- name: snapshot_views
-- returns: nothing; creates the views and macros every snapshot carries:
--   events: one row per call, crime and missing episode: source ('call' | 'crime' |
--     'missing'), event_id, at, ward_code, location_id, what (incident type, crime
--     category or 'Missing person')
--   in_covered_month(source_table, at): a macro, true when the coverage table marks the
--     month of `at` covered for that source
--   in_area(ward_code, wards, include_unwarded): a macro, true when an event's ward is one of
--     the area's wards, or it has no ward and the area is the whole force
--   every_row(wards): a macro, true when the area is every row (in_area holds for all)
--   in_months_held(at, uncovered): a macro, true unless `at` falls in one of the months
--     listed (a source's uncovered months, passed by the analysis)
--   passes_filters(what, weapon, domestic, category, weapon_only, domestic_only): a macro, true
--     when an event passes a repeat list's category, weapon and domestic filters
--   metres_between(lat1, lon1, lat2, lon2): a macro, the great-circle distance in metres
--   event_kinds: a table of the distinct (source, what) pairs
--   event_details: the events view with what each source grades them by: detail (a call's
--     grade, a crime's offence, a missing episode's risk) and source_table ('calls' | 'crimes'
--     | 'missing_episodes', as the coverage table names them)
--   person_role_events: every link of a person to an event, once: person_id, role_group ('caller'
--     for calls made, 'victim', 'offender' (suspect or offender), 'witness', 'reporting_person'
--     for crimes, 'missing' for missing episodes), and the event's columns as event_details
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
-- Written as IN over the (small) covered months rather than a correlated EXISTS: measured on
-- the force-scale snapshot, 0.13 s instead of 1.0 s over a district's 344,000 events.
CREATE MACRO in_covered_month(source_table, "at") AS
    (source_table, date_trunc('month', "at")) IN (
        SELECT (table_name, date_trunc('month', month)) FROM coverage WHERE covered
    );

-- in_months_held(at, uncovered): whether `at` falls outside the months listed in `uncovered`
--   (their first days: the months a source lacks, which the analyses work out from the coverage
--   table in Python and pass as a parameter), so a count leaves out events dated in a month the
--   source does not cover. An empty list keeps every row without a test per row.
CREATE MACRO in_months_held("at", uncovered) AS
    (len(uncovered) = 0 OR NOT list_contains(uncovered, CAST(date_trunc('month', "at") AS DATE)));

-- passes_filters(what, weapon, domestic, category, weapon_only, domestic_only): whether an event
--   passes a repeat list's filters: its category (or incident type) is `category` (NULL: any),
--   it involved a weapon if `weapon_only`, it was domestic if `domestic_only`. A source that
--   records no weapon or domestic flag passes `false` for it. One rule for every ranking, its
--   previous window and its details.
CREATE MACRO passes_filters(what, weapon, domestic, category, weapon_only, domestic_only) AS
    (category IS NULL OR what = category) AND (NOT weapon_only OR weapon) AND (NOT domestic_only OR domestic);

-- metres_between(lat1, lon1, lat2, lon2): great-circle (haversine) distance in metres on the
--   mean Earth radius; NULL when a coordinate is NULL.
CREATE MACRO metres_between(lat1, lon1, lat2, lon2) AS
    2 * 6371008.8 * asin(sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)
    ));

-- in_area(ward_code, wards, include_unwarded): whether a row lies in the area a read gate
--   resolved: its ward is one of `wards`, or it has no ward and the area is the whole force
--   (`include_unwarded`). `wards` NULL stands for every ward: the store passes it for the whole
--   force when every ward an event names is one of the wards table's, and then the condition
--   holds for every row, so DuckDB drops it and a force-wide read costs no ward test at all.
--   Written so that DuckDB can skip row groups by ward: with the area's wards bound, the test
--   becomes `ward_code IS NOT NULL AND ward_code IN (...)`, which it checks against each row
--   group's least and greatest ward. The same test as coalesce(list_contains(...), false), which
--   it could not: a ward's 90 days of calls read 565,248 rows instead of 122,880 (never NULL
--   either way, so it may be negated).
CREATE MACRO in_area(ward_code, wards, include_unwarded) AS
    wards IS NULL OR (ward_code IS NOT NULL AND list_contains(wards, ward_code)) OR (ward_code IS NULL AND include_unwarded);

-- every_row(wards): whether in_area holds for every row (`wards` NULL: the whole force where every
--   ward an event names is known), so a query may read a total the snapshot worked out over
--   every row rather than sum the area's rows. DuckDB folds it to a constant, so the branch not
--   taken costs nothing.
CREATE MACRO every_row(wards) AS wards IS NULL;

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

-- Every link between a person and an event, with the event's own columns (as event_details),
-- the role grouped as the repeat lists group it, and a crime's repeated links once. One branch
-- per source and role group, each with its role group as a constant, so a filter on the role
-- group leaves out whole branches and a filter on person_id reaches each table's scan.
CREATE VIEW person_role_events AS
SELECT caller_id AS person_id, 'caller' AS role_group, 'call' AS source, incident_id AS event_id,
       received_at AS at, ward_code, location_id, incident_type AS what, grade AS detail,
       'calls' AS source_table
FROM calls
WHERE caller_id IS NOT NULL
UNION ALL
SELECT p.person_id, 'victim', 'crime', c.crime_id, c.recorded_at, c.ward_code, c.location_id,
       c.category, c.offence, 'crimes'
FROM (SELECT DISTINCT person_id, crime_id FROM crime_people WHERE role = 'victim') p
JOIN crimes c USING (crime_id)
UNION ALL
SELECT p.person_id, 'offender', 'crime', c.crime_id, c.recorded_at, c.ward_code, c.location_id,
       c.category, c.offence, 'crimes'
FROM (SELECT DISTINCT person_id, crime_id FROM crime_people WHERE role IN ('suspect', 'offender')) p
JOIN crimes c USING (crime_id)
UNION ALL
SELECT p.person_id, p.role, 'crime', c.crime_id, c.recorded_at, c.ward_code, c.location_id,
       c.category, c.offence, 'crimes'
FROM (SELECT DISTINCT person_id, crime_id, role FROM crime_people
      WHERE role IN ('witness', 'reporting_person')) p
JOIN crimes c USING (crime_id)
UNION ALL
SELECT person_id, 'missing', 'missing', episode_id, reported_at, ward_code, from_location_id,
       'Missing person', risk, 'missing_episodes'
FROM missing_episodes;
