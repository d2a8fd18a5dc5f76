-- name: timeline_person
-- returns: every event of person $person_id in the area, in time order: at, source ('call' |
--   'crime' | 'missing'), event_id, what, role ('caller', the crime roles joined by '; ' when
--   linked in more than one, or 'missing'), ward_code, location_id, address, linked (the other
--   people on a crime, as "offender: P12 Jane Smith; victim: P3 ..."; NULL for calls and
--   missing episodes, which record no other person). A range read of person_events, which is
--   sorted by person and holds each crime's linked text.
-- reads: events, persons
-- params: $person_id, $wards, $include_unwarded
SELECT "at", source, event_id, what, array_to_string(roles, '; ') AS role, ward_code, location_id, address, linked
FROM person_events e
WHERE person_id = $person_id
  AND in_area(e.ward_code, $wards, $include_unwarded)
ORDER BY "at", source, event_id;
