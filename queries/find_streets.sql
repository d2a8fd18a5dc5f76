-- name: find_streets
-- returns: streets whose name contains $text (any case), named within their ward, in the
--   area's wards, best match first (name starting with the text, then events desc): ward_code,
--   ward_name, street, places (locations on it), events (events at them in the area), last_at.
--   At most $limit rows.
-- reads: events
-- params: $text, $wards, $limit
WITH named AS (
    -- street_places: each street within its ward, lowered once, with the places on it
    SELECT ward_code, street, street_lower, places
    FROM street_places
    WHERE contains(street_lower, lower($text)) AND in_area(ward_code, $wards, false)
),
here AS (
    -- street_totals: the events at each street's places per ward they were recorded in
    SELECT ward_code, street, sum(events) AS events, max(last_at) AS last_at
    FROM street_totals
    WHERE contains(street_lower, lower($text)) AND in_area(ward_code, $wards, false)
      AND in_area(event_ward, $wards, false)
    GROUP BY ward_code, street
)
SELECT n.ward_code, w.ward_name, n.street, n.places, coalesce(h.events, 0) AS events, h.last_at
FROM named n
LEFT JOIN here h ON h.ward_code IS NOT DISTINCT FROM n.ward_code AND h.street = n.street
LEFT JOIN wards w ON w.ward_code = n.ward_code
ORDER BY starts_with(n.street_lower, lower($text)) DESC, events DESC, n.street, w.ward_name
LIMIT $limit;
