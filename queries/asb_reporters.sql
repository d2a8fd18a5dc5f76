-- name: asb_reporters
-- returns: the people who report anti-social behaviour repeatedly: one row per person with at
--   least $min_count distinct ASB reports in [$start, $end) in the area, best first (count,
--   last_at desc, id). A report is a call flagged asb that the person made, or a crime of the
--   category 'Anti-social behaviour' where the person is the victim or the reporting person.
--   Columns: id, name, birth_year, count, calls, crimes, previous_count (reports in
--   [$prev_start, $prev_end)), first_at, last_at, main_place (the address reported most, with
--   its count), places (distinct locations reported). At most $limit rows (NULL = all).
--   Events dated in a month the source lacks (see in_covered_month) are not counted.
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $prev_start, $prev_end, $min_count, $limit
WITH reports AS (
    SELECT caller_id AS person_id, 'call' AS source, incident_id AS event_id, received_at AS "at",
           location_id, ward_code
    FROM calls
    WHERE caller_id IS NOT NULL AND coalesce(asb, false) AND in_covered_month('calls', received_at)
    UNION
    SELECT p.person_id, 'crime', c.crime_id, c.recorded_at, c.location_id, c.ward_code
    FROM crimes c
    JOIN crime_people p USING (crime_id)
    WHERE c.category = 'Anti-social behaviour' AND p.role IN ('victim', 'reporting_person')
      AND in_covered_month('crimes', c.recorded_at)
),
chosen AS (
    SELECT *, "at" >= $start AND "at" < $end AS in_current
    FROM reports r
    WHERE (list_contains($wards, r.ward_code) OR (r.ward_code IS NULL AND $include_unwarded))
      AND (("at" >= $start AND "at" < $end) OR ("at" >= $prev_start AND "at" < $prev_end))
),
totals AS (
    SELECT person_id, count(*) AS count, count(*) FILTER (WHERE source = 'call') AS calls,
           count(*) FILTER (WHERE source = 'crime') AS crimes, min("at") AS first_at, max("at") AS last_at,
           count(DISTINCT location_id) AS places
    FROM chosen
    WHERE in_current
    GROUP BY person_id
    HAVING count(*) >= $min_count
    ORDER BY count DESC, last_at DESC, person_id
    LIMIT $limit
),
previous AS (
    SELECT person_id, count(*) AS previous_count FROM chosen
    WHERE NOT in_current AND person_id IN (SELECT person_id FROM totals)
    GROUP BY person_id
),
by_place AS (
    SELECT c.person_id, coalesce(l.address, 'no location recorded') AS place, count(*) AS n,
           row_number() OVER (PARTITION BY c.person_id ORDER BY count(*) DESC, coalesce(l.address, '')) AS position
    FROM chosen c
    LEFT JOIN locations l USING (location_id)
    WHERE c.in_current AND c.person_id IN (SELECT person_id FROM totals)
    GROUP BY c.person_id, l.address
)
SELECT t.person_id AS id, pe.name, pe.birth_year, t.count, t.calls, t.crimes,
       coalesce(pr.previous_count, 0) AS previous_count, t.first_at, t.last_at,
       bp.place || ' (' || bp.n || ')' AS main_place, t.places
FROM totals t
LEFT JOIN persons pe USING (person_id)
LEFT JOIN previous pr USING (person_id)
LEFT JOIN by_place bp ON bp.person_id = t.person_id AND bp.position = 1
ORDER BY t.count DESC, t.last_at DESC, t.person_id;
