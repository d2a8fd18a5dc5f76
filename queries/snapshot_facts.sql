-- name: snapshot_facts
-- returns: one row: person_level, calls_held, crimes_held, missing_episodes_held, month_dated,
--   wards_known
--   (worked out when the snapshot was built; see derive_snapshot_facts)
-- reads: reference
-- params: (none)
SELECT person_level, calls_held, crimes_held, missing_episodes_held, month_dated, wards_known FROM snapshot_facts;
