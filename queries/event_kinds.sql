-- name: event_kinds
-- returns: one row per distinct kind of event in the data: source ('call' | 'crime' |
--   'missing'), what (incident type, crime category or 'Missing person'), events
-- params: (none)
SELECT source, what, count(*) AS events
FROM events
WHERE what IS NOT NULL
GROUP BY source, what
ORDER BY source, what;
