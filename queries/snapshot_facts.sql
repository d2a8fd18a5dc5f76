-- name: snapshot_facts
-- returns: one row: person_level, calls_held, crimes_held, missing_episodes_held, month_dated
--   (worked out when the snapshot was built; see derive_snapshot_facts)
-- reads: reference
-- params: (none)
SELECT person_level, calls_held, crimes_held, missing_episodes_held, month_dated FROM snapshot_facts;
