-- name: rank_person_details
-- returns: one row per person in $ids, in that order (the rows of a person ranking shown):
--   id, name, birth_year, main_categories (the top 3 of what the ranking counted, as
--   "Burglary (3), Robbery (1)": crime categories, a caller's incident types, a missing
--   person's risk gradings), noted (of what was counted, the calls flagged mental health for
--   callers, the high-risk episodes for missing persons), and the flags mental_health,
--   domestic, weapon, high_risk (any event of theirs in [$start, $end) in the area, in any
--   role, so flagged) and care_home (a missing episode of theirs then reported from a care
--   home). What the ranking counted: their events of $source ('crime' | 'call' | 'missing') in
--   the window and the area, in a role of $roles (crimes; NULL for calls and episodes), with
--   the ranking's filters ($category, $weapon_only, $domestic_only) and not dated in a month
--   the source lacks ($uncovered). A person with no such event has NULL main_categories and
--   noted; one unknown to persons a NULL name.
-- reads: events, persons
-- params: $wards, $include_unwarded, $ids, $source, $roles, $start, $end, $category, $weapon_only, $domestic_only, $uncovered
WITH wanted AS (
    SELECT unnest($ids) AS person_id, unnest(range(len($ids))) AS position
),
theirs AS (
    -- the people's events in the window and the area (person_events is sorted by person, so
    -- a few people's events are a few range reads)
    SELECT e.person_id, e.source, e.category, e.risk,
           e.mental_health, e.domestic, e.weapon, e.high_risk, e.care_home,
           e.source = $source
             AND ($roles IS NULL OR list_has_any(e.roles, $roles))
             AND ($category IS NULL
                  OR CASE e.source WHEN 'missing' THEN $category = 'Missing person' ELSE e.category = $category END)
             AND (NOT $weapon_only OR e.weapon)
             AND (NOT $domestic_only OR e.domestic)
             AND in_months_held(e."at", $uncovered)
             AS counted
    FROM person_events e
    WHERE e.person_id IN (SELECT person_id FROM wanted)
      AND e."at" >= $start AND e."at" < $end
      AND in_area(e.ward_code, $wards, $include_unwarded)
),
flags AS (
    -- the flags rule, for every person ranking
    SELECT person_id, bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
           bool_or(weapon) AS weapon, coalesce(bool_or(high_risk), false) AS high_risk,
           bool_or(care_home) AS care_home,
           bool_or(counted) AS any_counted,
           count(*) FILTER (WHERE counted AND CASE source WHEN 'call' THEN mental_health ELSE risk = 'high' END)
               AS noted
    FROM theirs
    GROUP BY person_id
),
kinds AS (
    SELECT person_id, CASE WHEN $source = 'missing' THEN risk ELSE category END AS kind, count(*) AS n
    FROM theirs
    WHERE counted
    GROUP BY ALL
),
labels AS (
    SELECT person_id,
           array_to_string(list(coalesce(kind, CASE $source WHEN 'call' THEN '(no type)' WHEN 'missing' THEN 'not graded'
                                                            ELSE '(no category)' END) || ' (' || n || ')'
                                ORDER BY n DESC, coalesce(kind, ''))[1:3], ', ') AS main_categories
    FROM kinds
    GROUP BY person_id
)
SELECT w.person_id AS id, p.name, p.birth_year, l.main_categories,
       CASE WHEN f.any_counted THEN f.noted END AS noted,
       f.mental_health, f.domestic, f.weapon, f.high_risk, f.care_home
FROM wanted w
LEFT JOIN persons p ON p.person_id = w.person_id
LEFT JOIN flags f ON f.person_id = w.person_id
LEFT JOIN labels l ON l.person_id = w.person_id
ORDER BY w.position;
