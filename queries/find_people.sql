-- name: find_people
-- returns: people whose name contains $text (any case) or whose reference is $text, who have
--   an event (a call made, a crime linked in any role, a missing episode) in the area, best
--   match first (reference, then name starting with the text, then events desc): person_id,
--   name, birth_year, events (their events in the area), last_at. At most $limit rows.
-- reads: events, persons
-- params: $text, $wards, $include_unwarded, $limit
WITH named AS MATERIALIZED (  -- matched once, keys only: a scan of every name
    -- person_search: names lowered once when the snapshot was built, sorted so that each
    -- distinct name is matched once
    SELECT search_order, person_id, name_lower, events, last_at
    FROM person_search
    WHERE person_id = $text OR contains(name_lower, lower($text))
),
inside AS (
    -- the whole force: each person's events as the snapshot counted them
    SELECT search_order, events, last_at FROM named WHERE every_row($wards) AND events IS NOT NULL
    UNION ALL
    -- part of it: person_totals, each person's events per ward, sorted by ward: its wards' rows
    SELECT n.search_order, sum(t.events)::BIGINT, max(t.last_at)
    FROM person_totals t
    JOIN named n USING (person_id)
    WHERE NOT every_row($wards) AND in_area(t.ward_code, $wards, $include_unwarded)
    GROUP BY n.search_order
),
found AS (  -- the best $limit, ties broken by name, then reference (search_order)
    SELECT n.search_order, n.person_id = $text AS is_reference,
           starts_with(n.name_lower, lower($text)) AS starts, i.events, i.last_at
    FROM named n
    JOIN inside i USING (search_order)
    ORDER BY is_reference DESC, starts DESC, i.events DESC, n.search_order
    LIMIT $limit
)
SELECT p.person_id, p.name, p.birth_year, f.events, f.last_at
FROM found f
JOIN person_search p USING (search_order)
ORDER BY f.is_reference DESC, f.starts DESC, f.events DESC, f.search_order;
