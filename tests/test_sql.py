"""Query files document themselves, and the header is checked against the text."""

import json

import duckdb
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


def _in_area(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``con`` with the in_area macro as every snapshot carries it (queries/snapshot_views.sql)."""
    text = sql.load("snapshot_views").text
    start = text.index("CREATE MACRO in_area")
    con.execute(text[start:text.index(";", start) + 1])
    return con


@pytest.mark.parametrize("ward, wards, include_unwarded, expected", [
    ("A", ["A", "B"], False, True),
    ("C", ["A", "B"], False, False),
    ("A", [], False, False),
    (None, ["A"], False, False),  # no ward: only in the whole force
    (None, ["A"], True, True),
    ("C", None, False, True),  # wards NULL: every row
    (None, None, False, True),
])
def test_in_area_is_true_or_false_never_null(ward, wards, include_unwarded, expected):
    con = _in_area(duckdb.connect())
    found = con.execute("SELECT in_area(CAST($ward AS VARCHAR), CAST($wards AS VARCHAR[]), $include), "
                        "NOT in_area(CAST($ward AS VARCHAR), CAST($wards AS VARCHAR[]), $include)",
                        {"ward": ward, "wards": wards, "include": include_unwarded}).fetchone()
    assert found == (expected, not expected)


def _rows_scanned(con: duckdb.DuckDBPyConnection, query: str, params: dict, profile) -> tuple[list, int]:
    """The answer of ``query`` and the rows DuckDB read from the table for it."""
    con.execute(f"SET profiling_output = '{profile}'")
    found = con.execute(query, params).fetchall()  # the whole answer, so the profile is written
    return found, json.loads(profile.read_text())["query"]["total_rows_scanned"]


def test_in_area_lets_duckdb_skip_the_row_groups_of_other_wards(tmp_path):
    # 400,000 rows sorted by ward, 100,000 a ward, in row groups of up to 122,880 rows: a read of
    # one ward skips the row groups that hold none of it by their least and greatest ward, as a
    # plain `ward_code IN (...)` does. A test DuckDB cannot see through, such as the
    # coalesce(list_contains(...), false) in_area was, reads all 400,000.
    con = _in_area(duckdb.connect())
    con.execute("CREATE TABLE events AS SELECT 'W' || (i // 100000) AS ward_code FROM range(400000) r(i) ORDER BY i")
    con.execute("SET enable_profiling = 'json'")
    con.execute("SET profiling_mode = 'detailed'")
    area = _rows_scanned(con, "SELECT count(*) FROM events WHERE in_area(ward_code, $wards, false)",
                         {"wards": ["W3"]}, tmp_path / "area.json")
    plain = _rows_scanned(con, "SELECT count(*) FROM events WHERE ward_code IN ('W3')", {}, tmp_path / "plain.json")
    assert area[0] == plain[0] == [(100_000,)]
    assert area[1] == plain[1] < 250_000  # at most two row groups of the four, or parts of them
