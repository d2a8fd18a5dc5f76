-- name: held_tables
-- returns: one row per contract table: table_name, held (whether the extracts delivered it; an
--   optional table left out, such as powers or wanted, is "not held", which is not zero)
-- reads: reference
-- params: (none)
SELECT table_name, held FROM held_tables ORDER BY table_name;
