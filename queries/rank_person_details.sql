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
kinds AS (
    -- the people's events in the window and the area (person_events is sorted by person, so
    -- a few people's events are a few range reads), grouped once: by person, whether the
    -- ranking counted them, and what they were
    SELECT e.person_id,
           e.source = $source
             AND ($roles IS NULL OR list_has_any(e.roles, $roles))
             AND passes_filters(CASE e.source WHEN 'missing' THEN 'Missing person' ELSE e.what END,
                                e.weapon, e.domestic, $category, $weapon_only, $domestic_only)
             AND in_months_held(e."at", $uncovered)
             AS counted,
           CASE WHEN $source = 'missing' THEN e.risk WHEN e.source = 'missing' THEN NULL ELSE e.what END AS kind,
           count(*) AS n,
           count(*) FILTER (WHERE CASE e.source WHEN 'call' THEN e.mental_health ELSE e.risk = 'high' END) AS noted,
           bool_or(e.mental_health) AS mental_health, bool_or(e.domestic) AS domestic, bool_or(e.weapon) AS weapon,
           bool_or(e.high_risk) AS high_risk, bool_or(e.care_home) AS care_home
    FROM person_events e
    WHERE e.person_id IN (SELECT person_id FROM wanted)
      AND e."at" >= $start AND e."at" < $end
      AND in_area(e.ward_code, $wards, $include_unwarded)
    GROUP BY ALL
),
theirs AS (
    -- the flags rule, for every person ranking, and the top 3 of what was counted
    SELECT person_id, bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
           bool_or(weapon) AS weapon, coalesce(bool_or(high_risk), false) AS high_risk,
           bool_or(care_home) AS care_home,
           CASE WHEN bool_or(counted) THEN sum(noted) FILTER (WHERE counted)::BIGINT END AS noted,
           CASE WHEN bool_or(counted) THEN
               array_to_string(list(coalesce(kind, CASE $source WHEN 'call' THEN '(no type)' WHEN 'missing' THEN 'not graded'
                                                               ELSE '(no category)' END) || ' (' || n || ')'
                                    ORDER BY n DESC, coalesce(kind, '')) FILTER (WHERE counted)[1:3], ', ')
           END AS main_categories
    FROM kinds
    GROUP BY person_id
)
SELECT w.person_id AS id, p.name, p.birth_year, t.main_categories, t.noted,
       t.mental_health, t.domestic, t.weapon, t.high_risk, t.care_home
FROM wanted w
LEFT JOIN persons p ON p.person_id = w.person_id
LEFT JOIN theirs t ON t.person_id = w.person_id
ORDER BY w.position;
