-- name: snapshot_views
-- returns: nothing; creates the views every snapshot carries:
--   events: one row per call, crime and missing episode: source ('call' | 'crime' |
--     'missing'), event_id, at, ward_code, location_id, what (incident type, crime
--     category or 'Missing person')
-- params: (none)
CREATE VIEW events AS
SELECT 'call' AS source, incident_id AS event_id, received_at AS at, ward_code, location_id,
       incident_type AS what
FROM calls
UNION ALL
SELECT 'crime', crime_id, recorded_at, ward_code, location_id, category
FROM crimes
UNION ALL
SELECT 'missing', episode_id, reported_at, ward_code, from_location_id, 'Missing person'
FROM missing_episodes;
