-- name: find_places
-- returns: locations whose address or street contains $text (any case) or whose reference is
--   $text, that lie in the area or have an event in it, best match first (reference, then
--   address starting with the text, then events desc): location_id, address, street,
--   location_type, ward_code and ward_name (NULL when the place's own ward is outside the area),
--   events (events at it in the area), last_at. At most
--   $limit rows.
-- reads: events
-- params: $text, $wards, $include_unwarded, $limit
WITH named AS MATERIALIZED (  -- matched once, keys only: the text search over every address is the dearest part
    -- location_search: lowered once when the snapshot was built, sorted so that each distinct
    -- address is matched once
    SELECT search_order, location_id, ward_code, address_lower, events, last_at
    FROM location_search
    WHERE location_id = $text OR contains(address_lower, lower($text)) OR contains(street_lower, lower($text))
),
here AS (
    -- the whole force: each place's events as the snapshot counted them
    SELECT search_order, events, last_at FROM named WHERE every_row($wards) AND events IS NOT NULL
    UNION ALL
    -- part of it: location_totals, each place's events per ward, so a common word's 100,000
    -- places are counted from a million rows rather than from their 750,000 events
    SELECT n.search_order, sum(e.events)::BIGINT, max(e.last_at)
    FROM location_totals e
    JOIN named n USING (location_id)
    WHERE NOT every_row($wards) AND in_area(e.ward_code, $wards, $include_unwarded)
    GROUP BY n.search_order
),
found AS (  -- the best $limit, ties broken by address, then reference (search_order)
    SELECT n.search_order, n.location_id = $text AS is_reference,
           starts_with(n.address_lower, lower($text)) AS starts, coalesce(h.events, 0) AS events, h.last_at
    FROM named n
    LEFT JOIN here h USING (search_order)
    WHERE h.search_order IS NOT NULL
       OR in_area(n.ward_code, $wards, $include_unwarded)
    ORDER BY is_reference DESC, starts DESC, coalesce(h.events, 0) DESC, n.search_order
    LIMIT $limit
)
SELECT l.location_id, l.address, l.street, l.location_type,
       CASE WHEN in_area(l.ward_code, $wards, false) THEN l.ward_code END AS ward_code,
       CASE WHEN in_area(l.ward_code, $wards, false) THEN w.ward_name END AS ward_name,
       f.events, f.last_at
FROM found f
JOIN location_search l USING (search_order)
LEFT JOIN wards w ON w.ward_code = l.ward_code
ORDER BY f.is_reference DESC, f.starts DESC, f.events DESC, f.search_order;
