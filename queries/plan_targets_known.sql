-- name: plan_targets_known
-- returns: the references among $ids that the data holds in the area, one row each (id):
--   for $target_kind 'person' a person with an event in the area (a call made, a crime linked
--   in any role, a missing episode); for 'location' a place in the area's wards or with an
--   event in the area; for 'ward' a ward of the area
-- reads: events, persons
-- params: $ids, $target_kind, $wards, $include_unwarded
SELECT DISTINCT person_id AS id
FROM person_role_events e
WHERE $target_kind = 'person' AND list_contains($ids, person_id)
  AND in_area(e.ward_code, $wards, $include_unwarded)
UNION
SELECT location_id
FROM locations
WHERE $target_kind = 'location' AND list_contains($ids, location_id)
  AND in_area(ward_code, $wards, $include_unwarded)
UNION
SELECT e.location_id
FROM event_details e
WHERE $target_kind = 'location' AND list_contains($ids, e.location_id)
  AND in_area(e.ward_code, $wards, $include_unwarded)
UNION
SELECT ward_code
FROM wards
WHERE $target_kind = 'ward' AND list_contains($ids, ward_code) AND in_area(ward_code, $wards, false)
ORDER BY 1;
