-- name: event_kinds
-- returns: one row per distinct kind of event in the snapshot, the vocabulary a category filter
--   is checked against: source ('call' | 'crime' | 'missing'), what (incident type, crime
--   category or 'Missing person')
-- reads: reference
-- params: (none)
SELECT source, what
FROM event_kinds
ORDER BY source, what;
