-- name: snapshot_indexes
-- returns: nothing; creates the indexes a snapshot carries: a person's or a location's row
--   found by its reference without a scan, for the names and addresses of the few rows a page
--   shows (DuckDB uses an ART index for lookups of up to a few thousand rows; a timeline's
--   events are found by range reads of person_events and location_events, which are sorted
--   for it: see snapshot_derived)
-- reads: build
-- params: (none)
CREATE INDEX persons_person ON persons (person_id);
CREATE INDEX locations_location ON locations (location_id);
