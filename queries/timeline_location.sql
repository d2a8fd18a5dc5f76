-- name: timeline_location
-- returns: every event at location $location_id in the area (calls and crimes at it, missing
--   episodes reported from it), in time order: at, source, event_id, what, role ('at location'),
--   ward_code, location_id, address, linked (the people on the event: "caller: P1 Ann Lee",
--   "victim: P3 ...", "missing: P9 ..."). A range read of location_events, which is sorted by
--   location and holds the people on each event.
-- reads: events, persons
-- params: $location_id, $wards, $include_unwarded
SELECT e."at", e.source, e.event_id, coalesce(e.timeline_what, e.what) AS what, 'at location' AS role, e.ward_code, e.location_id,
       (SELECT address FROM locations WHERE location_id = $location_id) AS address,
       -- a crime's people are worded at build; a call's or an episode's one person here
       coalesce(e.linked, e.people[1].role || ': ' || e.people[1].person_id || coalesce(' ' || e.people[1].name, '')) AS linked
FROM location_events e
WHERE e.location_id = $location_id
  AND in_area(e.ward_code, $wards, $include_unwarded)
ORDER BY e."at", e.source, e.event_id;
