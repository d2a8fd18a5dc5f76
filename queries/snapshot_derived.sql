-- name: snapshot_derived
-- returns: nothing; creates the derived tables the analyses read, each laid out for the way
--   it is read (measured at force scale: see benchmarks/REPORT-force.md). Every one is worked out
--   from the contract's tables of the same snapshot, so the answers are the same as reading
--   those tables; only the layout differs. They are written in small row groups (store.py's
--   DERIVED_ROW_GROUP_SIZE), and the tables a ranking counts are sorted by quarter, then ward,
--   then time (and so is crime_streets): a ward's window then lies in a few small row groups
--   that DuckDB finds by their least and greatest ward and time, and a force-wide window is
--   still a range of quarters.
--   crime_links: one row per person and crime for the role groups the repeat lists rank
--     (role_group 'victim'; 'offender': suspect or offender), a person linked twice to a crime
--     in one group once, with the crime's time, ward, category, offence and flags, sorted by
--     role group, then quarter, ward and time, so a window's ranking of victims or offenders is
--     a range read that joins nothing and needs no DISTINCT;
--   person_events: one row per event of a person (a call made; a crime linked, once whatever
--     the roles; a missing episode), sorted by person, with what a timeline, a profile and a
--     ranking's details show (roles, address, flags, care_home: a missing episode from a care
--     home, the people on a crime, and linked: the others on it as the timeline words them),
--     so one person's events are a range read and a page of people's details a few. Nothing
--     a reader can work out from another column per row is stored (a crime's category is its
--     what, the role its roles joined): the build writes 9 million rows of each column;
--   location_events: one row per event at a location, sorted by location, with what a
--     location's timeline shows, a ranking's details need and the profile's people linked to
--     the place (people: role, person_id, name of each). A crime's people are also stored as
--     the timeline words them (linked), as wording a list per row at read costs; a call's or
--     an episode's one person is worded at read, and timeline_what is stored only where it
--     differs from what (an episode's risk), as those columns of 7.5 million calls were a
--     seventh of the build;
--   location_totals: each location's events (and the last one's time) per ward the events were
--     recorded in, sorted by location, so a search counts the events of the 100,000 places
--     whose address holds a word from a million rows, not from every event;
--   location_search, person_search: what the Find page searches, one row per place (person),
--     with the address and street (the name) lowered once here rather than at every search,
--     the place's (person's) events in the whole data and the last one's time (what a search
--     of the whole force shows, so it sums nothing), and search_order, the rank of (address,
--     location_id) (of (name, person_id)), the searches' last tie-breaks; sorted by it, so
--     equal addresses (names) lie together and DuckDB matches each distinct one once;
--   person_totals: each person's events (a call made, a crime linked in any role, once, a
--     missing episode) and the last one's time per ward, sorted by ward, so a search of part
--     of the force reads its wards' people (a ward officer's search read all 4 million rows
--     when it was sorted by person), and an area's people are counted from its wards' rows;
--   street_places, street_totals: each street named within its ward, lowered, with the places
--     on it, and the events at them (and the last one's time) per ward the events were
--     recorded in, so a street search reads tens of thousands of rows, not the places;
--   location_keys, caller_keys: a dense integer key for each place an event names and each
--     caller (with the calls each made), numbered in the order of the text reference, so
--     ordering by the key is ordering by the reference and a ranking's ties fall the same
--     way; a ranking groups millions of events by the integer and maps back to the reference
--     only for the rows it returns (a force-wide ranking of places carried and grouped the
--     text references of 3.8 million events);
--   crime_kinds: each (category, offence) a crime carries, with a small integer key, so a
--     ranking weighs harm by joining a few dozen kinds, not each crime's two strings;
--   location_counts: what a ranking of places counts of each event at a place (source, time,
--     location_key, ward, what: the crime's category, the call's incident type or 'Missing
--     person', the crime's kind, domestic, weapon, as location_events has them), sorted by
--     source, then quarter, ward and time, so each source's window is a range read of narrow rows;
--   caller_calls: what a ranking of callers counts of each call with a caller (time,
--     caller_key, ward, incident type, domestic), with repeat_caller (the caller made more than
--     one call in the whole data: no one else can reach a count of 2 in any window), sorted by
--     repeat_caller, then quarter, ward and time, so a window of the repeat callers is one range read that skips
--     the calls of the people who called once (at force scale 1.6 million of 2.6 million);
--   map_events: one row per event whose location has coordinates, with them (lat, lon), sorted
--     by time, then source and reference (the map's order), so a window's map points are a
--     range read that joins nothing (the join with 1.2 million places was most of a ward map's
--     time at force scale);
--   ward_days: covered events per source, day and ward (calls also those with the ASB
--     qualifier), so a comparison or trend of wards over months reads thousands of rows, not
--     millions;
--   ward_quality, ward_tables, area_persons: the Data and Overview pages' counts per ward,
--     summed for an area when asked (with person_totals for the people of other areas);
--   crime_streets: one row per crime with its time, ward, category, the street of its place and
--     whether its month is covered (in_covered_month), sorted by quarter, ward and time, so a
--     public summary's counts by ward and by street read one table and no place (joining a
--     district's year of crimes to the 1.2 million places was half of the export's read at
--     force scale).
-- reads: build
-- params: (none)

CREATE TABLE crime_links AS
SELECT p.role_group, c.recorded_at, c.ward_code, p.person_id, c.crime_id, c.category, c.offence,
       coalesce(c.domestic, false) AS domestic, coalesce(c.weapon, false) AS weapon
FROM (SELECT DISTINCT CASE WHEN role = 'victim' THEN 'victim' ELSE 'offender' END AS role_group, person_id, crime_id
      FROM crime_people
      WHERE role IN ('victim', 'suspect', 'offender')) p
JOIN crimes c USING (crime_id)
ORDER BY p.role_group, date_trunc('quarter', c.recorded_at), c.ward_code, c.recorded_at;

-- The people on each crime, in the order a timeline lists them (role, then reference).
CREATE TEMPORARY TABLE crime_people_lists AS
SELECT crime_id,
       list_sort(list(DISTINCT {'role': role, 'person_id': person_id, 'name': name})) AS people
FROM (SELECT p.crime_id, p.role, p.person_id, pe.name
      FROM crime_people p LEFT JOIN persons pe USING (person_id))
GROUP BY crime_id;

CREATE TABLE person_events AS
WITH crime_rows AS (
    SELECT person_id, crime_id, list_sort(list(DISTINCT role)) AS roles
    FROM crime_people
    GROUP BY person_id, crime_id
)
SELECT e.*, l.address,
       e.source = 'missing' AND coalesce(l.location_type = 'care home', false) AS care_home
FROM (
    SELECT caller_id AS person_id, received_at AS "at", 'call' AS source, incident_id AS event_id,
           incident_type AS what, ['caller'] AS roles, ward_code, location_id, NULL::VARCHAR AS risk,
           coalesce(mental_health, false) AS mental_health, coalesce(domestic, false) AS domestic,
           false AS weapon, false AS high_risk, NULL AS people, NULL::VARCHAR AS linked
    FROM calls WHERE caller_id IS NOT NULL
    UNION ALL
    SELECT r.person_id, c.recorded_at, 'crime', c.crime_id, c.category, r.roles, c.ward_code, c.location_id, NULL,
           false, coalesce(c.domestic, false), coalesce(c.weapon, false), false, k.people,
           -- the other people on the crime as the timeline shows them, written once here: worked
           -- out per row as a timeline is read it was half the busiest person's (8,000 crimes)
           nullif(array_to_string(list_transform(
               list_filter(k.people, lambda p: p.person_id <> r.person_id),
               lambda p: p.role || ': ' || p.person_id || coalesce(' ' || p.name, '')), '; '), '')
    FROM crime_rows r
    JOIN crimes c USING (crime_id)
    LEFT JOIN crime_people_lists k USING (crime_id)
    UNION ALL
    SELECT person_id, reported_at, 'missing', episode_id,
           'Missing person (' || coalesce(risk, 'not graded') || ' risk)', ['missing'],
           ward_code, from_location_id, risk, false, false, false, risk = 'high', NULL, NULL
    FROM missing_episodes
) e
LEFT JOIN locations l USING (location_id)
ORDER BY e.person_id;

CREATE TABLE location_events AS
WITH people AS (
    SELECT crime_id, people,
           array_to_string(list_transform(people, lambda p: p.role || ': ' || p.person_id || coalesce(' ' || p.name, '')),
                           '; ') AS linked
    FROM crime_people_lists
)
SELECT e.*
FROM (
    SELECT c.location_id, c.received_at AS "at", 'call' AS source, c.incident_id AS event_id,
           c.incident_type AS what, NULL::VARCHAR AS timeline_what, c.ward_code,
           coalesce(c.domestic, false) AS domestic, false AS weapon,
           coalesce(c.mental_health, false) AS mental_health, false AS high_risk,
           CASE WHEN c.caller_id IS NOT NULL THEN [{'role': 'caller', 'person_id': c.caller_id, 'name': pe.name}] END
               AS people,
           NULL::VARCHAR AS linked
    FROM calls c LEFT JOIN persons pe ON pe.person_id = c.caller_id
    WHERE c.location_id IS NOT NULL
    UNION ALL
    SELECT c.location_id, c.recorded_at, 'crime', c.crime_id, c.category, NULL, c.ward_code,
           coalesce(c.domestic, false), coalesce(c.weapon, false), false, false, k.people, k.linked
    FROM crimes c LEFT JOIN people k USING (crime_id)
    WHERE c.location_id IS NOT NULL
    UNION ALL
    SELECT m.from_location_id, m.reported_at, 'missing', m.episode_id, 'Missing person',
           'Missing person (' || coalesce(m.risk, 'not graded') || ' risk)', m.ward_code,
           false, false, false, m.risk = 'high', [{'role': 'missing', 'person_id': m.person_id, 'name': pe.name}], NULL
    FROM missing_episodes m LEFT JOIN persons pe USING (person_id)
    WHERE m.from_location_id IS NOT NULL
) e
ORDER BY e.location_id;

DROP TABLE crime_people_lists;

CREATE TABLE location_totals AS
SELECT location_id, ward_code, count(*) AS events, max("at") AS last_at
FROM location_events
GROUP BY location_id, ward_code
ORDER BY location_id, ward_code;

-- The Find page's search of places (queries/find_places.sql): each place's search text and its
-- events in the whole data, in the order the search breaks ties in.
CREATE TABLE location_search AS
SELECT CAST(row_number() OVER (ORDER BY l.address, l.location_id) AS INTEGER) AS search_order,
       l.location_id, l.address, l.street, l.location_type, l.ward_code,
       lower(l.address) AS address_lower, lower(l.street) AS street_lower, t.events, t.last_at
FROM locations l
LEFT JOIN (
    SELECT location_id, sum(events)::BIGINT AS events, max(last_at) AS last_at
    FROM location_totals GROUP BY location_id
) t USING (location_id)
ORDER BY search_order;

-- The Find page's search of streets (queries/find_streets.sql): a street is named within its ward.
CREATE TABLE street_places AS
SELECT ward_code, street, lower(street) AS street_lower, count(*) AS places
FROM locations
WHERE street IS NOT NULL
GROUP BY ward_code, street
ORDER BY street_lower, ward_code, street;

CREATE TABLE street_totals AS
SELECT l.ward_code, l.street, lower(l.street) AS street_lower, t.ward_code AS event_ward,
       sum(t.events)::BIGINT AS events, max(t.last_at) AS last_at
FROM locations l
JOIN location_totals t USING (location_id)
WHERE l.street IS NOT NULL
GROUP BY l.ward_code, l.street, t.ward_code
ORDER BY street_lower, l.ward_code, l.street, event_ward;

-- The Find page's search of people (queries/find_people.sql): a person's events are the distinct
-- calls made, crimes linked (whatever the roles) and missing episodes.
CREATE TABLE person_totals AS
SELECT person_id, ward_code, count(*) AS events, max("at") AS last_at
FROM person_events  -- an event of a person once, whatever their roles in it
GROUP BY person_id, ward_code
ORDER BY ward_code, person_id;

CREATE TABLE person_search AS
SELECT CAST(row_number() OVER (ORDER BY p.name, p.person_id) AS INTEGER) AS search_order,
       p.person_id, p.name, p.birth_year, lower(p.name) AS name_lower, t.events, t.last_at
FROM persons p
LEFT JOIN (
    SELECT person_id, sum(events)::BIGINT AS events, max(last_at) AS last_at
    FROM person_totals GROUP BY person_id
) t USING (person_id)
ORDER BY search_order;

CREATE TABLE location_keys AS
SELECT CAST(row_number() OVER (ORDER BY location_id) AS INTEGER) AS location_key, location_id
FROM (SELECT DISTINCT location_id FROM location_events)
ORDER BY location_key;

CREATE TABLE crime_kinds AS
SELECT CAST(row_number() OVER (ORDER BY category, offence) AS SMALLINT) AS kind_key, category, offence
FROM (SELECT DISTINCT category, offence FROM crimes);

CREATE TABLE location_counts AS
SELECT *
FROM (
    SELECT 'crime' AS source, c.recorded_at AS "at", k.location_key, c.ward_code, c.category AS what, ck.kind_key,
           coalesce(c.domestic, false) AS domestic, coalesce(c.weapon, false) AS weapon
    FROM crimes c
    JOIN location_keys k USING (location_id)
    JOIN crime_kinds ck ON ck.category IS NOT DISTINCT FROM c.category AND ck.offence IS NOT DISTINCT FROM c.offence
    UNION ALL
    SELECT 'call', c.received_at, k.location_key, c.ward_code, c.incident_type, NULL, coalesce(c.domestic, false), false
    FROM calls c
    JOIN location_keys k USING (location_id)
    UNION ALL
    SELECT 'missing', m.reported_at, k.location_key, m.ward_code, 'Missing person', NULL, false, false
    FROM missing_episodes m
    JOIN location_keys k ON k.location_id = m.from_location_id
)
ORDER BY source, date_trunc('quarter', "at"), ward_code, "at";

CREATE TABLE caller_keys AS
SELECT CAST(row_number() OVER (ORDER BY caller_id) AS INTEGER) AS caller_key, caller_id, calls
FROM (SELECT caller_id, count(*) AS calls FROM calls WHERE caller_id IS NOT NULL GROUP BY caller_id)
ORDER BY caller_key;

CREATE TABLE caller_calls AS
SELECT k.calls > 1 AS repeat_caller, c.received_at, k.caller_key, c.ward_code, c.incident_type,
       coalesce(c.domestic, false) AS domestic
FROM calls c
JOIN caller_keys k USING (caller_id)
ORDER BY repeat_caller, date_trunc('quarter', c.received_at), c.ward_code, c.received_at;

CREATE TABLE map_events AS
SELECT e."at", e.source, e.event_id, e.what, e.ward_code, e.location_id, l.lat, l.lon
FROM events e
JOIN locations l USING (location_id)
WHERE l.lat IS NOT NULL AND l.lon IS NOT NULL
ORDER BY e."at", e.source, e.event_id;

CREATE TABLE ward_days AS
SELECT source, day, ward_code, count(*) AS events, count(*) FILTER (WHERE asb) AS asb_events
FROM (
    SELECT 'calls' AS source, CAST(received_at AS DATE) AS day, ward_code, coalesce(asb, false) AS asb
    FROM calls WHERE in_covered_month('calls', received_at)
    UNION ALL
    SELECT 'crimes', CAST(recorded_at AS DATE), ward_code, false
    FROM crimes WHERE in_covered_month('crimes', recorded_at)
    UNION ALL
    SELECT 'missing_episodes', CAST(reported_at AS DATE), ward_code, false
    FROM missing_episodes WHERE in_covered_month('missing_episodes', reported_at)
)
GROUP BY ALL
ORDER BY source, day, ward_code;

CREATE TABLE ward_quality AS
WITH roles AS (
    SELECT crime_id, bool_or(role = 'victim') AS has_victim, bool_or(role = 'reporting_person') AS has_reporter
    FROM crime_people
    GROUP BY crime_id
),
crime_rows AS (
    SELECT c.ward_code, count(*) AS crimes,
           count(*) FILTER (WHERE NOT coalesce(r.has_victim, false)) AS crimes_without_victim,
           count(*) FILTER (WHERE NOT coalesce(r.has_victim, false) AND coalesce(r.has_reporter, false))
               AS victim_only_reporting_person
    FROM crimes c
    LEFT JOIN roles r USING (crime_id)
    GROUP BY c.ward_code
),
event_rows AS (
    SELECT e.ward_code, count(*) AS events,
           count(*) FILTER (WHERE l.precision = 'street') AS street_defaulted
    FROM events e
    LEFT JOIN locations l USING (location_id)
    GROUP BY e.ward_code
)
SELECT coalesce(c.ward_code, e.ward_code) AS ward_code, c.crimes, c.crimes_without_victim,
       c.victim_only_reporting_person, e.events, e.street_defaulted
FROM crime_rows c
FULL JOIN event_rows e ON e.ward_code IS NOT DISTINCT FROM c.ward_code;

-- Rows per contract table and ward (NULL: no ward), with the first and last event time.
CREATE TABLE ward_tables AS
SELECT 'locations' AS table_name, ward_code, count(*) AS row_count, NULL::TIMESTAMP AS first_at,
       NULL::TIMESTAMP AS last_at
FROM locations GROUP BY ward_code
UNION ALL
SELECT 'calls', ward_code, count(*), min(received_at), max(received_at) FROM calls GROUP BY ward_code
UNION ALL
SELECT 'crimes', ward_code, count(*), min(recorded_at), max(recorded_at) FROM crimes GROUP BY ward_code
UNION ALL
SELECT 'crime_people', c.ward_code, count(*), NULL, NULL
FROM crime_people p JOIN crimes c USING (crime_id) GROUP BY c.ward_code
UNION ALL
SELECT 'missing_episodes', ward_code, count(*), min(reported_at), max(reported_at)
FROM missing_episodes GROUP BY ward_code;

-- The people linked to the events of the areas most often asked for, counted once: the whole
-- force (its wards and the events with no ward; wards NULL is every ward, as in_area reads it)
-- and each district.
CREATE TABLE area_persons AS
SELECT list_sort(list(DISTINCT ward_code)) AS wards, true AS include_unwarded, NULL::BIGINT AS persons
FROM wards;
UPDATE area_persons SET persons = (SELECT count(DISTINCT person_id) FROM person_totals)
WHERE wards = (SELECT list_sort(list(DISTINCT ward_code)) FROM wards);
INSERT INTO area_persons SELECT NULL, true, persons FROM area_persons;
INSERT INTO area_persons
SELECT w.wards, false, (SELECT count(DISTINCT person_id) FROM person_totals p WHERE list_contains(w.wards, p.ward_code))
FROM (SELECT list_sort(list(ward_code)) AS wards FROM wards GROUP BY district) w;

-- A public summary's crimes: the street of each crime's place (NULL with no place or no street)
-- and whether the crime source covers its month, worked out once.
CREATE TABLE crime_streets AS
SELECT c.recorded_at, c.ward_code, c.category, l.street, in_covered_month('crimes', c.recorded_at) AS covered
FROM crimes c
LEFT JOIN locations l USING (location_id)
ORDER BY date_trunc('quarter', c.recorded_at), c.ward_code, c.recorded_at;
