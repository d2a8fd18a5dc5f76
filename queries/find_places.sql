-- name: find_places
-- returns: locations whose address or street contains $text (any case) or whose reference is
--   $text, that lie in the area or have an event in it, best match first (reference, then
--   address starting with the text, then events desc): location_id, address, street,
--   location_type, ward_code and ward_name (NULL when the place's own ward is outside the area),
--   events (events at it in the area), last_at. At most
--   $limit rows.
-- reads: events
-- params: $text, $wards, $include_unwarded, $limit
WITH named AS MATERIALIZED (  -- matched once: the text search over every address is the dearest part
    SELECT location_id, address, street, location_type, ward_code FROM locations
    WHERE location_id = $text OR contains(lower(address), lower($text)) OR contains(lower(street), lower($text))
),
here AS (
    -- location_totals: each place's events per ward, so a common word's 100,000 places are
    -- counted from a million rows rather than from their 750,000 events
    SELECT e.location_id, sum(e.events)::BIGINT AS events, max(e.last_at) AS last_at
    FROM location_totals e
    WHERE e.location_id IN (SELECT location_id FROM named)
      AND in_area(e.ward_code, $wards, $include_unwarded)
    GROUP BY e.location_id
)
SELECT n.location_id, n.address, n.street, n.location_type,
       CASE WHEN in_area(n.ward_code, $wards, false) THEN n.ward_code END AS ward_code,
       CASE WHEN in_area(n.ward_code, $wards, false) THEN w.ward_name END AS ward_name,
       coalesce(h.events, 0) AS events, h.last_at
FROM named n
LEFT JOIN here h USING (location_id)
LEFT JOIN wards w ON w.ward_code = n.ward_code
WHERE h.location_id IS NOT NULL
   OR in_area(n.ward_code, $wards, $include_unwarded)
ORDER BY n.location_id = $text DESC, starts_with(lower(n.address), lower($text)) DESC, events DESC,
         n.address, n.location_id
LIMIT $limit;
