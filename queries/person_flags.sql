-- name: person_flags
-- returns: one row per person of $ids (a list of person ids) with any event in [$start, $end)
--   in the area, saying whether
--   any of their events carries a flag: person_id, mental_health (a call they made with the
--   mental health qualifier), domestic (a domestic call they made or domestic crime they are
--   linked to in any role), weapon (a weapon crime they are linked to), high_risk (a
--   high-risk missing episode), care_home (a missing episode from a care home)
-- reads: events, persons
-- params: $wards, $include_unwarded, $start, $end, $ids
WITH listed AS (
    SELECT unnest($ids) AS person_id
),
flagged AS (
    SELECT caller_id AS person_id, coalesce(mental_health, false) AS mental_health,
           coalesce(domestic, false) AS domestic, false AS weapon, false AS high_risk, false AS care_home
    FROM calls c
    WHERE caller_id IN (SELECT person_id FROM listed) AND received_at >= $start AND received_at < $end
      AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
    UNION ALL
    SELECT p.person_id, false, coalesce(c.domestic, false), coalesce(c.weapon, false), false, false
    FROM crime_people p
    JOIN crimes c USING (crime_id)
    WHERE p.person_id IN (SELECT person_id FROM listed)
      AND c.recorded_at >= $start AND c.recorded_at < $end
      AND (list_contains($wards, c.ward_code) OR (c.ward_code IS NULL AND $include_unwarded))
    UNION ALL
    SELECT m.person_id, false, false, false, m.risk = 'high', coalesce(l.location_type = 'care home', false)
    FROM missing_episodes m
    LEFT JOIN locations l ON l.location_id = m.from_location_id
    WHERE m.person_id IN (SELECT person_id FROM listed)
      AND m.reported_at >= $start AND m.reported_at < $end
      AND (list_contains($wards, m.ward_code) OR (m.ward_code IS NULL AND $include_unwarded))
)
SELECT person_id, bool_or(mental_health) AS mental_health, bool_or(domestic) AS domestic,
       bool_or(weapon) AS weapon, coalesce(bool_or(high_risk), false) AS high_risk,
       bool_or(care_home) AS care_home
FROM flagged
GROUP BY person_id;
