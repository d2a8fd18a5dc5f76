-- name: dash_person
-- returns: the person's row (person_id, name, birth_year, gender), or no row
-- params: $person_id
SELECT person_id, name, birth_year, gender FROM persons WHERE person_id = $person_id;
