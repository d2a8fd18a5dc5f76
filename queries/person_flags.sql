-- name: person_flags
-- returns: one row per person of $ids (a list of person ids) with any event in [$start, $end)
--   in the area, saying whether
--   any of their events carries a flag: person_id, mental_health (a call they made with the
--   mental health qualifier), domestic (a domestic call they made or domestic crime they are
--   linked to in any role), weapon (a weapon crime they are linked to), high_risk (a
--   high-risk missing episode)
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $ids
WITH wanted AS (
    SELECT unnest($ids) AS person_id
),
flagged AS (
    SELECT caller_id AS person_id, coalesce(mental_health, false) AS mental_health,
           coalesce(domestic, false) AS domestic, false AS weapon, false AS high_risk
    FROM calls c
    WHERE caller_id IN (SELECT person_id FROM wanted) AND received_at >= $start AND received_at < $end
      AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
    UNION ALL
    SELECT p.person_id, false, coalesce(c.domestic, false), coalesce(c.weapon, false), false
    FROM crime_people p
    JOIN crimes c USING (crime_id)
    WHERE p.person_id IN (SELECT person_id FROM wanted)
      AND c.recorded_at >= $start AND c.recorded_at < $end
      AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
    UNION ALL
    SELECT person_id, false, false, false, risk = 'high'
    FROM missing_episodes m
    WHERE person_id IN (SELECT person_id FROM wanted)
      AND reported_at >= $start AND reported_at < $end
      AND (list_contains($wards, m.ward_code) OR (m.ward_code IS NULL AND $include_unwarded))
)
SELECT person_id, bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
       bool_or(weapon) AS weapon, coalesce(bool_or(high_risk), false) AS high_risk
FROM flagged
GROUP BY person_id;
