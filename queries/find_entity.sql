-- name: find_entity
-- returns: the person $person_id and the location $location_id if they exist: kind
--   ('person' | 'location'), id, label (name or address)
-- params: $person_id, $location_id
SELECT 'person' AS kind, person_id AS id, name AS label FROM persons WHERE person_id = $person_id
UNION ALL
SELECT 'location', location_id, address FROM locations WHERE location_id = $location_id;
