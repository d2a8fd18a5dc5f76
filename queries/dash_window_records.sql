-- name: dash_window_records
-- returns: the records behind a headline count, newest first: at, source ('call' | 'crime' |
--   'missing'), event_id, what (incident type, crime category or 'Missing person'), detail
--   (grade, offence or risk; NULL when it says the same as what), ward_code, ward_name,
--   location_id, address, street, total (how many records match, on every row). $measure is one of
--   crimes, calls, asb_calls, missing_episodes; $what (NULL for all) keeps one incident type
--   or crime category; $risk (NULL for any) keeps missing episodes of that risk (it leaves
--   calls and crimes out); $location_type (NULL for any) keeps records whose location is of
--   that type; $street (NULL for any) keeps records at locations on that street. At most $limit
--   rows from the $offset-th (0 = the newest).
-- reads: events
-- params: $wards, $include_unwarded, $start, $end, $measure, $what, $risk, $location_type, $street, $limit, $offset
WITH picked AS (
    SELECT received_at AS at, 'call' AS source, incident_id AS event_id, incident_type AS what,
           grade AS detail, ward_code, location_id
    FROM calls
    WHERE ($measure = 'calls' OR ($measure = 'asb_calls' AND asb))
      AND received_at >= $start AND received_at < $end
      AND in_area(ward_code, $wards, $include_unwarded)
    UNION ALL
    SELECT recorded_at, 'crime', crime_id, category, offence, ward_code, location_id
    FROM crimes
    WHERE $measure = 'crimes'
      AND recorded_at >= $start AND recorded_at < $end
      AND in_area(ward_code, $wards, $include_unwarded)
    UNION ALL
    SELECT reported_at, 'missing', episode_id, 'Missing person', risk, ward_code, from_location_id
    FROM missing_episodes
    WHERE $measure = 'missing_episodes'
      AND reported_at >= $start AND reported_at < $end
      AND in_area(ward_code, $wards, $include_unwarded)
),
-- The filters on the place are tests of membership, so with $location_type and $street NULL
-- (as a headline's records are read) no place is looked up until the page is cut; then only
-- the page's places are read, found by their references (as queries/recent_events.sql
-- finds its places): joining the places of every picked
-- record cost three times the floor at force scale (benchmarks/REPORT-force.md).
kept AS (
    SELECT p.*
    FROM picked p
    WHERE ($what IS NULL OR p.what = $what)
      AND ($risk IS NULL OR (p.source = 'missing' AND p.detail = $risk))
      AND ($location_type IS NULL
           OR p.location_id IN (SELECT location_id FROM locations WHERE location_type = $location_type))
      AND ($street IS NULL OR p.location_id IN (SELECT location_id FROM locations WHERE street = $street))
),
page AS (
    SELECT *, count(*) OVER () AS total
    FROM kept
    ORDER BY "at" DESC, event_id
    LIMIT $limit OFFSET $offset
),
places AS (
    SELECT l.location_id, l.address, l.street
    FROM (SELECT DISTINCT location_id FROM page) k
    JOIN locations l USING (location_id)
)
SELECT p.at, p.source, p.event_id, p.what,
       CASE WHEN lower(trim(p.detail)) = lower(trim(p.what)) THEN NULL ELSE p.detail END AS detail,
       p.ward_code, w.ward_name, p.location_id, l.address, l.street, p.total
FROM page p
LEFT JOIN wards w USING (ward_code)
LEFT JOIN places l USING (location_id)
ORDER BY p.at DESC, p.event_id;
