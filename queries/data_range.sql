-- name: data_range
-- returns: one row: first_at, last_at, the first and last event time over calls, crimes and
--   missing episodes of the whole snapshot (NULL when there are no events), recorded when the
--   snapshot was built: the span every user's dates are chosen within
-- reads: reference
-- params: (none)
SELECT first_at, last_at
FROM snapshot_meta;
