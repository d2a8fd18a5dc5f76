-- name: dash_snapshot_meta
-- returns: one row: source (the extracts directory) and built_at (when the snapshot serving
--   now was built from them)
-- reads: reference
-- params: (none)
SELECT source, built_at FROM snapshot_meta;
