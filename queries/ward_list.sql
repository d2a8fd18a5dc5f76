-- name: ward_list
-- returns: one row per ward, ordered by district then ward name: ward_code, ward_name,
--   district, district_code, population
-- reads: reference
-- params: (none)
SELECT ward_code, ward_name, district, district_code, population
FROM wards
ORDER BY district, ward_name;
