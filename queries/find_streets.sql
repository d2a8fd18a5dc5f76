-- name: find_streets
-- returns: streets whose name contains $text (any case), named within their ward, in the
--   area's wards, best match first (name starting with the text, then events desc): ward_code,
--   ward_name, street, places (locations on it), events (events at them in the area), last_at.
--   At most $limit rows.
-- reads: events
-- params: $text, $wards, $limit
WITH named AS MATERIALIZED (  -- matched once: the text search over every street is the dearest part
    SELECT location_id, street, ward_code FROM locations
    WHERE contains(lower(street), lower($text)) AND in_area(ward_code, $wards, false)
),
here AS (
    -- location_totals: each place's events per ward (see find_places)
    SELECT e.location_id, sum(e.events)::BIGINT AS events, max(e.last_at) AS last_at
    FROM location_totals e
    WHERE e.location_id IN (SELECT location_id FROM named) AND in_area(e.ward_code, $wards, false)
    GROUP BY e.location_id
)
SELECT n.ward_code, w.ward_name, n.street, count(*) AS places, coalesce(sum(h.events), 0) AS events,
       max(h.last_at) AS last_at
FROM named n
LEFT JOIN here h USING (location_id)
LEFT JOIN wards w USING (ward_code)
GROUP BY n.ward_code, w.ward_name, n.street
ORDER BY starts_with(lower(n.street), lower($text)) DESC, events DESC, n.street, w.ward_name
LIMIT $limit;
