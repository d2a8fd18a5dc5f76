"""Query files document themselves, and the header is checked against the text."""

import pytest

from demand import sql


@pytest.mark.parametrize("name", sql.all_names())
def test_every_query_file_has_a_matching_header(name):
    query = sql.load(name)
    assert query.name == name and query.returns


def test_undeclared_parameter_is_refused():
    text = "-- name: q\n-- returns: x\n-- params: $a\nSELECT $a, $b"
    with pytest.raises(sql.QueryDefinitionError, match=r"declares \['a'\] but uses \['a', 'b'\]"):
        sql.parse(text, "q.sql")


def test_missing_header_line_is_refused():
    with pytest.raises(sql.QueryDefinitionError, match="no '-- returns:' line"):
        sql.parse("-- name: q\n-- params: (none)\nSELECT 1", "q.sql")


def test_bind_names_missing_and_extra_values():
    query = sql.parse("-- name: q\n-- returns: x\n-- params: $a, $b\nSELECT $a, $b", "q.sql")
    assert query.bind({"a": 1, "b": 2}) == {"a": 1, "b": 2}
    with pytest.raises(TypeError, match=r"missing parameters \['b'\], unexpected parameters \['c'\]"):
        query.bind({"a": 1, "c": 3})
