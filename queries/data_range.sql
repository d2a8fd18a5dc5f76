-- name: data_range
-- returns: one row: first_at, last_at, the first and last event time over calls, crimes and
--   missing episodes (NULL when there are no events)
-- params: (none)
SELECT min("at") AS first_at, max("at") AS last_at
FROM events;
