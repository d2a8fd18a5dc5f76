-- name: derive_snapshot_facts
-- returns: nothing; creates the table snapshot_facts, one row of facts about the data, worked
--   out once when the snapshot is built so that reading them never touches the events:
--   person_level (whether any person, person link or missing episode is held), calls_held,
--   crimes_held, missing_episodes_held (whether the source has a row or a coverage row: a
--   source with neither is not held, which is not the same as zero events), month_dated
--   (every event is at midnight on the first of a month, as data.police.uk dates them),
--   wards_known (every ward an event, a location, a power used or a wanted person names is one
--   of the wards table's, so the whole force's wards and the rows with no ward are every row)
-- reads: build
-- params: (none)
CREATE TABLE snapshot_facts AS
SELECT
    EXISTS (SELECT 1 FROM persons) OR EXISTS (SELECT 1 FROM crime_people)
        OR EXISTS (SELECT 1 FROM missing_episodes) AS person_level,
    EXISTS (SELECT 1 FROM calls) OR EXISTS (SELECT 1 FROM coverage WHERE table_name = 'calls') AS calls_held,
    EXISTS (SELECT 1 FROM crimes) OR EXISTS (SELECT 1 FROM coverage WHERE table_name = 'crimes') AS crimes_held,
    EXISTS (SELECT 1 FROM missing_episodes)
        OR EXISTS (SELECT 1 FROM coverage WHERE table_name = 'missing_episodes') AS missing_episodes_held,
    EXISTS (SELECT 1 FROM events)
        AND NOT EXISTS (SELECT 1 FROM events WHERE "at" <> date_trunc('month', "at")) AS month_dated,
    NOT EXISTS (SELECT 1 FROM (SELECT ward_code FROM events UNION ALL SELECT ward_code FROM locations
                  UNION ALL SELECT ward_code FROM powers UNION ALL SELECT ward_code FROM wanted) n
                WHERE n.ward_code IS NOT NULL AND n.ward_code NOT IN (SELECT ward_code FROM wards)) AS wards_known;
