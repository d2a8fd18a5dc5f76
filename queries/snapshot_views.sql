-- name: snapshot_views
-- returns: nothing; creates the views and macros every snapshot carries:
--   events: one row per call, crime and missing episode: source ('call' | 'crime' |
--     'missing'), event_id, at, ward_code, location_id, what (incident type, crime
--     category or 'Missing person')
--   in_covered_month(source_table, at): a macro, true when the coverage table marks the
--     month of `at` covered for that source
--   in_area(ward_code, wards, include_unwarded): a macro, true when an event's ward is one of
--     the area's wards, or it has no ward and the area is the whole force
--   event_kinds: a table of the distinct (source, what) pairs
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

-- in_area(ward_code, wards, include_unwarded): whether a row lies in the area a read gate
--   resolved: its ward is one of `wards`, or it has no ward and the area is the whole force
--   (`include_unwarded`). `wards` NULL stands for every ward: the store passes it for the whole
--   force when every ward an event names is one of the wards table's, and then the condition
--   holds for every row, so DuckDB drops it and a force-wide read costs no ward test at all.
CREATE MACRO in_area(ward_code, wards, include_unwarded) AS
    (wards IS NULL OR coalesce(list_contains(wards, ward_code), false)) OR (ward_code IS NULL AND include_unwarded);

-- The vocabulary of event kinds, kept as reference so that checking a category filter never
-- reads the events themselves.
CREATE TABLE event_kinds AS
SELECT DISTINCT source, what FROM events WHERE what IS NOT NULL;
