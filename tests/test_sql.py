"""Query files document themselves, and the header is checked against the text."""

import pytest

from demand import sql


@pytest.mark.parametrize("name", sql.all_names())
def test_every_query_file_has_a_matching_header(name):
    query = sql.load(name)
    assert query.name == name and query.returns


def test_undeclared_parameter_is_refused():
    text = "-- name: q\n-- returns: x\n-- reads: reference\n-- params: $a\nSELECT $a, $b"
    with pytest.raises(sql.QueryDefinitionError, match=r"declares \['a'\] but uses \['a', 'b'\]"):
        sql.parse(text, "q.sql")


def test_a_query_over_events_without_the_ward_set_is_refused():
    text = "-- name: q\n-- returns: x\n-- reads: events\n-- params: $start\nSELECT * FROM crimes WHERE recorded_at > $start"
    with pytest.raises(sql.QueryDefinitionError, match=r"reads events but takes no \$wards"):
        sql.parse(text, "q.sql")
    text = "-- name: q\n-- returns: x\n-- reads: persons\n-- params: (none)\nSELECT name FROM persons"
    with pytest.raises(sql.QueryDefinitionError, match=r"reads persons but takes no \$wards"):
        sql.parse(text, "q.sql")


def test_a_query_testing_wards_itself_is_refused():
    # Every query tests the area through in_area, which reads $wards NULL (the whole force) as
    # every row; list_contains($wards, ...) would read it as no row.
    text = ("-- name: q\n-- returns: x\n-- reads: events\n-- params: $wards, $include_unwarded\n"
            "SELECT * FROM crimes WHERE list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)")
    with pytest.raises(sql.QueryDefinitionError, match=r"write the area condition as in_area"):
        sql.parse(text, "q.sql")
    text = text.replace("list_contains($wards, ward_code) OR (ward_code IS NULL AND $include_unwarded)",
                        "in_area(ward_code, $wards, $include_unwarded)")
    assert sql.parse(text, "q.sql").params == {"wards", "include_unwarded"}


def test_an_unknown_reads_value_is_refused():
    with pytest.raises(sql.QueryDefinitionError, match="must list some of events, persons, reference, build"):
        sql.parse("-- name: q\n-- returns: x\n-- reads: everything\n-- params: (none)\nSELECT 1", "q.sql")


@pytest.mark.parametrize("name", sql.all_names())
def test_every_query_over_events_or_persons_takes_the_ward_set(name):
    query = sql.load(name)
    assert query.reads and (not query.scoped or "wards" in query.params)


def test_missing_header_line_is_refused():
    with pytest.raises(sql.QueryDefinitionError, match="no '-- returns:' line"):
        sql.parse("-- name: q\n-- params: (none)\nSELECT 1", "q.sql")


def test_bind_names_missing_and_extra_values():
    query = sql.parse("-- name: q\n-- returns: x\n-- reads: reference\n-- params: $a, $b\nSELECT $a, $b", "q.sql")
    assert query.bind({"a": 1, "b": 2}) == {"a": 1, "b": 2}
    with pytest.raises(TypeError, match=r"missing parameters \['b'\], unexpected parameters \['c'\]"):
        query.bind({"a": 1, "c": 3})
