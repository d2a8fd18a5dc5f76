"""The DuckDB layer: building snapshots, checking extracts, serving through a refresh."""

from __future__ import annotations

import threading
from datetime import datetime

import duckdb
import pytest

from demand import analytics, areas, config
from demand import store as store_module
from demand.cli import main
from demand.fixtures import ABBEY, BEACON, write_extracts, write_table
from demand.schema import TABLES
from demand.store import ExtractError, Scope, Store, check_extracts

CRIMES = [
    {"crime_id": "R1", "recorded_at": "2026-01-05 10:00", "ward_code": ABBEY},
    {"crime_id": "R2", "recorded_at": "2026-03-31 23:59", "ward_code": None},
    {"crime_id": "R3", "recorded_at": "2026-02-14 08:30", "ward_code": ABBEY},
]


@pytest.fixture
def extracts(tmp_path):
    return write_extracts(
        tmp_path / "extracts",
        crimes=CRIMES,
        calls=[{"received_at": "2025-12-31 00:00", "caller_id": "P9"}],
        crime_people=[{"crime_id": "R1", "person_id": "P1"}, {"crime_id": "R1", "person_id": "P1"}],
    )


def table_info(store):
    return analytics.table_info(store, areas.resolve(store, "force"))


def rewrite(path, select_sql):
    """Rewrite a parquet file through a SELECT over it (the file is `src`)."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE src AS SELECT * FROM read_parquet('{path}')")
    con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
    con.close()


def test_table_info_counts_rows_and_ranges(extracts, open_store):
    info = table_info(open_store(extracts)).set_index("table_name")
    assert list(info.index) == list(TABLES)
    assert info.loc["crimes", "row_count"] == 3
    assert str(info.loc["crimes", "first_at"]) == "2026-01-05 10:00:00"
    assert str(info.loc["crimes", "last_at"]) == "2026-03-31 23:59:00"
    assert info.loc["crime_people", "row_count"] == 2  # duplicate links are kept as delivered
    assert info.loc["persons", "row_count"] == 2  # P1 and P9, implied by the links


def test_coverage_is_derived_from_first_to_last_event_month(extracts, open_store):
    coverage = open_store(extracts).cursor().execute(
        "SELECT table_name, strftime(month, '%Y-%m') AS m FROM coverage ORDER BY 1, 2").fetchall()
    assert coverage == [("calls", "2025-12"), ("crimes", "2026-01"), ("crimes", "2026-02"),
                        ("crimes", "2026-03")]


def test_snapshot_tables_are_sorted_by_event_time(extracts, open_store):
    ids = open_store(extracts).cursor().execute("SELECT crime_id FROM crimes").fetchall()
    assert [i for (i,) in ids] == ["R1", "R3", "R2"]


def test_ranked_tables_lie_by_quarter_then_ward_in_small_row_groups(tmp_path, open_store):
    """A ward's window of a ranking's rows lies in a few small row groups (snapshot_derived):
    caller_calls is sorted by repeat caller, quarter, ward, then time, and written in row
    groups of DERIVED_ROW_GROUP_SIZE rows, while a contract table keeps DuckDB's default."""
    # 20,000 calls by 50 callers over January to May, odd calls in Abbey, even ones in Beacon
    calls = [{"incident_id": f"C{n}", "caller_id": f"P{n % 50}", "ward_code": ABBEY if n % 2 else BEACON,
              "received_at": f"2026-{1 + n // 4000:02d}-{1 + n % 28:02d} {n % 24:02d}:00"} for n in range(20_000)]
    cursor = open_store(write_extracts(tmp_path / "x", calls=calls)).cursor()
    first = cursor.execute("SELECT ward_code, received_at FROM caller_calls ORDER BY rowid LIMIT 1").fetchone()
    # the first quarter's calls in Abbey (E05000001 sorts before Beacon) come first, the earliest
    # of them call 1, on 2 January at 01:00 (Beacon's call 0 is earlier, on 1 January at midnight)
    assert first == (ABBEY, datetime(2026, 1, 2, 1, 0))
    disorder = cursor.execute("""
        SELECT count(*) FROM (
            SELECT (repeat_caller, date_trunc('quarter', received_at), ward_code, received_at)
                   < lag((repeat_caller, date_trunc('quarter', received_at), ward_code, received_at))
                     OVER (ORDER BY rowid) AS backwards
            FROM caller_calls) WHERE backwards""").fetchone()[0]
    assert disorder == 0
    def largest_row_group(table):
        return cursor.execute("""
            SELECT max(rows) FROM (SELECT row_group_id, sum(count) AS rows FROM pragma_storage_info(?)
                                   WHERE column_id = 0 AND segment_type <> 'VALIDITY' GROUP BY row_group_id)""",
                              [table]).fetchone()[0]
    assert largest_row_group("caller_calls") == store_module.DERIVED_ROW_GROUP_SIZE
    assert largest_row_group("calls") == 20_000


def test_scope_binds_wards_and_unwarded_events(extracts, open_store):
    cursor = open_store(extracts).cursor()
    sql = ("SELECT count(*) FROM crimes WHERE list_contains($wards, ward_code) "
           "OR (ward_code IS NULL AND $include_unwarded)")
    assert cursor.execute(sql, Scope((ABBEY,)).params()).fetchone()[0] == 2
    assert cursor.execute(sql, Scope((ABBEY,), include_unwarded=True).params()).fetchone()[0] == 3
    assert cursor.execute(sql, Scope(()).params()).fetchone()[0] == 0


def test_optional_columns_may_be_left_out(tmp_path, open_store):
    directory = write_extracts(tmp_path / "x", crimes=CRIMES)
    rewrite(directory / "wards.parquet", "SELECT ward_code, ward_name, district, population FROM src")
    wards = areas.wards(open_store(directory))
    assert wards["district_code"].isna().all() and len(wards) == 3


def test_a_table_may_be_a_folder_of_parquet_files(tmp_path, open_store):
    directory = write_extracts(tmp_path / "x", crimes=CRIMES)
    (directory / "crimes.parquet").unlink()
    for month, rows in (("2026-01", CRIMES[:1]), ("2026-02", CRIMES[1:])):
        (directory / "crimes" / month).mkdir(parents=True)
        write_table(directory / "crimes" / month, "crimes", rows).rename(directory / "crimes" / f"{month}.parquet")
    assert table_info(open_store(directory)).set_index("table_name").loc["crimes", "row_count"] == 3


# --- bad input: each names the table, column (and row) ---------------------------------


def problems_for(directory):
    return [str(p) for p in check_extracts(directory)]


def test_missing_table_is_named(extracts):
    (extracts / "persons.parquet").unlink()
    [problem] = problems_for(extracts)
    assert "persons: table missing" in problem


def test_optional_coverage_table_may_be_absent(extracts):
    assert not (extracts / "coverage.parquet").exists()
    assert problems_for(extracts) == []


def test_missing_column_is_named(extracts):
    rewrite(extracts / "calls.parquet", "SELECT * EXCLUDE (grade) FROM src")
    [problem] = problems_for(extracts)
    assert "column grade" in problem and "required column missing" in problem


def test_wrong_type_is_named_with_file(extracts):
    rewrite(extracts / "crimes.parquet", "SELECT * REPLACE (CAST(recorded_at AS VARCHAR) AS recorded_at) FROM src")
    [problem] = problems_for(extracts)
    assert "crimes.parquet" in problem
    assert "column recorded_at" in problem and "VARCHAR, expected TIMESTAMP" in problem


def test_unreadable_file_is_named(extracts):
    (extracts / "missing_episodes.parquet").write_bytes(b"this is not parquet")
    [problem] = problems_for(extracts)
    assert "missing_episodes.parquet" in problem and "unreadable parquet file" in problem


def test_value_outside_vocabulary_names_row(extracts):
    rewrite(extracts / "crime_people.parquet",
            "SELECT crime_id, person_id, CASE WHEN row_number() OVER () = 2 THEN 'aggrieved' ELSE role END AS role FROM src")
    [problem] = problems_for(extracts)
    assert "column role, row 2" in problem and "'aggrieved' is not one of" in problem


def test_null_key_names_row(extracts):
    rewrite(extracts / "crimes.parquet",
            "SELECT * REPLACE (CASE WHEN crime_id = 'R3' THEN NULL ELSE crime_id END AS crime_id) FROM src")
    [problem] = problems_for(extracts)
    assert "column crime_id, row 3" in problem and "is empty" in problem


def test_repeated_key_names_its_second_row(extracts):
    rewrite(extracts / "crimes.parquet",
            "SELECT * REPLACE (CASE WHEN crime_id = 'R3' THEN 'R1' ELSE crime_id END AS crime_id) FROM src")
    [problem] = problems_for(extracts)
    assert "column crime_id, row 3" in problem and "'R1' appears more than once" in problem


def test_repeated_links_are_allowed(extracts):
    assert TABLES["crime_people"].key is None  # one crime may link the same person twice
    assert problems_for(extracts) == []


def test_missing_data_directory(tmp_path):
    with pytest.raises(ExtractError, match="does not exist"):
        Store(tmp_path / "nowhere", cache=tmp_path / "c")


def test_info_command_prints_counts(extracts, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "cache"))
    assert main(["--data", str(extracts), "info"]) == 0
    out = capsys.readouterr().out
    crimes_line = next(line for line in out.splitlines() if line.strip().startswith("crimes"))
    assert crimes_line.split()[1:4] == ["3", "2026-01-05", "10:00"]


def test_info_command_fails_cleanly_on_broken_extract(extracts, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "cache"))
    rewrite(extracts / "calls.parquet", "SELECT * EXCLUDE (received_at) FROM src")
    assert main(["--data", str(extracts), "info"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: calls, column received_at: required column missing")
    assert "Traceback" not in err


# --- serving through changes ------------------------------------------------------------


def test_refresh_picks_up_changed_extracts(extracts, open_store):
    store = open_store(extracts)
    before = store.version
    write_table(extracts, "crimes", CRIMES[:1])
    assert store.refresh() is True
    assert store.version != before
    assert table_info(store).set_index("table_name").loc["crimes", "row_count"] == 1
    assert store.refresh() is False  # nothing changed since


def test_broken_refresh_keeps_serving_old_snapshot(extracts, open_store):
    store = open_store(extracts)
    before = store.version
    rewrite(extracts / "crimes.parquet", "SELECT * EXCLUDE (category) FROM src")
    assert store.refresh() is False
    assert store.version == before
    assert "column category" in str(store.last_error)
    assert table_info(store).set_index("table_name").loc["crimes", "row_count"] == 3
    write_table(extracts, "crimes", CRIMES)  # mended: the next refresh serves it and clears the error
    assert store.refresh() is True and store.last_error is None


def test_queries_from_many_threads(extracts, open_store):
    store = open_store(extracts)
    counts, errors = [], []

    def work():
        try:
            for _ in range(20):
                counts.append(int(table_info(store)["row_count"].sum()))
        except Exception as error:  # noqa: BLE001 - collected so the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(counts)) == 1 and len(counts) == 80


def test_old_snapshots_are_pruned(extracts, open_store, tmp_path):
    store = open_store(extracts)
    for keep in (1, 2, 3):
        write_table(extracts, "crimes", CRIMES[:keep])
        assert store.refresh()
    assert len(list((tmp_path / "snapshots").glob("snapshot-*.duckdb"))) == 2


def test_the_serving_connection_is_bounded_by_settings_and_draws_no_progress_bar(extracts, open_store, monkeypatch):
    def setting(cursor, name):
        return cursor.execute(f"SELECT current_setting('{name}')").fetchone()[0]

    reference = duckdb.connect()  # how DuckDB reports the default limit and 300MB
    limits = {}
    for size in (config.DEFAULT_DUCKDB_MEMORY, "300MB"):
        reference.execute(f"SET memory_limit = '{size}'")
        limits[size] = setting(reference, "memory_limit")
    monkeypatch.delenv(config.MEMORY_ENV, raising=False)
    snapshot = open_store(extracts).pin()
    assert setting(snapshot.cursor(), "memory_limit") == limits[config.DEFAULT_DUCKDB_MEMORY]
    # DuckDB draws a progress bar on stdout by default (a cursor does not): the connection is quiet
    assert setting(snapshot.connection, "enable_progress_bar") is False
    monkeypatch.setenv(config.MEMORY_ENV, "300MB")
    write_table(extracts, "crimes", CRIMES[:1])  # a new snapshot file: a new DuckDB instance
    other = open_store(extracts).cursor()
    assert setting(other, "memory_limit") == limits["300MB"]
    # the checking and building connections are quiet too (a build's log is not filled with bars)
    assert setting(store_module._quiet_connection(), "enable_progress_bar") is False


def test_map_events_row_ids_run_in_the_maps_order(small_store):
    """queries/event_points_sample.sql numbers a window's map events by row id: that is the
    order the map lists them in (time, source, reference) only because map_events is written
    sorted and DuckDB keeps the order rows are inserted in."""
    cursor = small_store.pin().cursor()
    by_rowid = cursor.execute("SELECT source, event_id FROM map_events ORDER BY rowid").fetchall()
    by_keys = cursor.execute('SELECT source, event_id FROM map_events ORDER BY "at", source, event_id').fetchall()
    assert len(by_rowid) > 10_000 and by_rowid == by_keys
