"""A force's own exports through the example mapping (deploy/mapping.example.toml), on files
shaped as command-and-control and crime systems write them (demand.fixtures); the expected
counts are worked out by hand in the comments of demand.fixtures."""

from __future__ import annotations

import shutil
import tomllib
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from demand import analytics, areas
from demand.cli import main
from demand.fixtures import EXAMPLE_MAPPING, write_extracts, write_force_exports
from demand.ingest import extracts
from demand.ingest.mapping import MappingError
from demand.ingest.quarantine import QUARANTINE_FILE
from demand.ingest.sources import InputError
from demand.store import Store


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return write_force_exports(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def imported(exports, tmp_path_factory):
    out = tmp_path_factory.mktemp("imported")
    report = extracts.import_folder(exports, out, mapping=EXAMPLE_MAPPING)
    return out, report


def table(out: Path, name: str) -> pd.DataFrame:
    return duckdb.sql(f"SELECT * FROM '{out / name}.parquet'").df()


def tally_of(report, suffix: str):
    return next(f for f in report.files if f.file.endswith(suffix))


def test_every_file_reconciles_as_worked_out_by_hand(imported):
    _, report = imported
    expected = {
        "storm/incidents_2025-01.csv": (9, 4, 4, 1),
        "storm/incidents_2025-02.xlsx": (4, 2, 2, 0),
        "niche/crimes.csv": (4, 3, 1, 0),
        "missing/episodes.xlsx": (2, 2, 0, 0),
        "niche/nominals.parquet": (3, 3, 0, 0),
        "niche/crime_nominals.parquet": (5, 4, 1, 0),
        "beats.csv": (3, 3, 0, 0),
    }
    for suffix, counts in expected.items():
        tally = tally_of(report, suffix)
        assert (tally.read, tally.loaded, tally.rejected, tally.duplicates) == counts, suffix
    assert report.reconciles() and report.total("read") == 30


def test_quarantine_says_where_and_why(imported, exports):
    out, _ = imported
    quarantine = pd.read_csv(out / QUARANTINE_FILE, keep_default_na=False)
    january = quarantine[quarantine["file"] == str(exports / "storm" / "incidents_2025-01.csv")]
    assert list(zip(january["row"], january["field"], january["kind"])) == [
        (5, "(row)", "rejected"), (7, "Date/Time Received", "rejected"), (8, "Grade", "rejected"),
        (9, "Incident Number", "duplicate"), (12, "(row)", "rejected")]
    reasons = list(january["reason"])
    assert reasons[0] == "a repeated header row, not a record"
    assert reasons[1] == "not a date like 31/01/2025 23:59 (%d/%m/%Y %H:%M)"
    assert reasons[2].startswith("'G9' is not one of: emergency, priority") and "[calls.values.grade]" in reasons[2]
    assert reasons[3].endswith("incidents_2025-01.csv row 3")
    assert reasons[4] == "a total row, not a record"
    february = quarantine[quarantine["file"].str.endswith(".xlsx") & quarantine["file"].str.contains("storm")]
    assert list(february["reason"]) == ["is empty, but every row needs it", "a total row, not a record"]


def test_calls_are_mapped_and_typed(imported):
    out, _ = imported
    calls = table(out, "calls").set_index("incident_id")
    assert sorted(calls.index) == ["C25-0001", "C25-0002", "C25-0003", "C25-0006", "C25-0101", "C25-0102"]
    assert calls.loc["C25-0003", "received_at"] == datetime(2025, 1, 31, 23, 59)  # a UK date, end of January
    assert calls.loc["C25-0101", "received_at"] == datetime(2025, 2, 3, 9, 0)  # a spreadsheet date
    assert calls.loc["C25-0102", "received_at"] == datetime(2025, 2, 14, 17, 30)  # a date typed as text
    assert calls.loc["C25-0002", "grade"] == "emergency" and calls.loc["C25-0006", "grade"] == "resolved without deployment"
    assert calls.loc["C25-0001", "incident_type"] == "Anti-social behaviour" and calls.loc["C25-0001", "asb"]
    assert calls.loc["C25-0003", "mental_health"] and not calls.loc["C25-0002", "mental_health"]
    assert pd.isna(calls.loc["C25-0006", "ward_code"])  # beat ZZ99 is not one of the force's
    assert calls.loc["C25-0001", "location_id"] == calls.loc["C25-0101", "location_id"]  # one address, one place


def test_windows_1252_text_is_read(imported):
    out, _ = imported
    assert "St Mary’s" in set(table(out, "wards")["ward_name"])
    assert "Café Nero, Market Sq" in set(table(out, "locations")["address"])


def test_crimes_people_and_missing_episodes(imported):
    out, report = imported
    crimes = table(out, "crimes").set_index("crime_id")
    assert list(crimes.index) == ["R25/001", "R25/002", "R25/003"]
    assert crimes.loc["R25/002", "category"] == "Violence and sexual offences" and crimes.loc["R25/002", "domestic"]
    assert pd.isna(crimes.loc["R25/001", "outcome"])  # 'Under investigation': no outcome yet
    assert crimes.loc["R25/003", "outcome"] == "Local resolution"
    links = table(out, "crime_people")
    assert sorted(zip(links["crime_id"], links["person_id"], links["role"])) == [
        ("R25/001", "N1", "victim"), ("R25/002", "N1", "victim"), ("R25/002", "N2", "suspect"),
        ("R25/003", "N2", "offender")]
    missing = table(out, "missing_episodes").set_index("episode_id")
    assert list(missing["risk"]) == ["high", "medium"] and missing["from_location_id"].nunique() == 1
    assert pd.isna(missing.loc["M25/02", "found_at"])
    assert report.person_level and report.not_held == []
    coverage = table(out, "coverage")
    assert sorted(zip(coverage["table_name"], coverage["month"].astype(str))) == [
        (t, m) for t in ("calls", "crimes", "missing_episodes") for m in ("2025-01-01", "2025-02-01")]


def test_published_extracts_serve_the_analyses(exports, tmp_path, capsys):
    out = tmp_path / "data"
    assert main(["ingest", "extracts", str(exports), "--mapping", str(EXAMPLE_MAPPING), "--out", str(out)]) == 0
    assert "Published release" in capsys.readouterr().out
    store = Store(out)
    assert store.person_level and store.held_sources == ("calls", "crimes", "missing_episodes")
    force = areas.resolve(store, "force")
    victims = analytics.rank(store, force, "victims", window="90d", as_of="2025-02-28")
    assert list(zip(victims["id"], victims["count"])) == [("N1", 2)]
    places = analytics.rank(store, force, "locations", window="90d", as_of="2025-02-28")
    top = places.iloc[0]
    assert (top["name"], top["count"], top["crimes"], top["calls"]) == ("12 High St, Northtown", 3, 1, 2)
    castle = areas.resolve(store, "SV01")  # the beat of the care home
    assert analytics.rank(store, castle, "missing", window="90d", as_of="2025-02-28", min_count=2)["count"].tolist() == [2]


def test_a_yaml_mapping_reads_the_same(exports, imported, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(tomllib.loads(EXAMPLE_MAPPING.read_text()), allow_unicode=True))
    out = tmp_path / "out"
    out.mkdir()
    extracts.import_folder(exports, out, mapping=mapping)
    for name in ("calls", "crimes", "locations", "wards", "crime_people", "missing_episodes", "coverage"):
        pd.testing.assert_frame_equal(table(out, name), table(imported[0], name))


def test_the_wrong_encoding_is_refused_naming_the_file(exports, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(EXAMPLE_MAPPING.read_text().replace('encoding = "cp1252"', 'encoding = "utf-8"'))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match=r"incidents_2025-01\.csv: is not utf-8 text \(byte 0x92 on line 3\)"):
        extracts.import_folder(exports, out, mapping=mapping)


def test_a_column_the_file_lacks_is_refused_naming_file_and_column(exports, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(EXAMPLE_MAPPING.read_text().replace('crime_id = "Crime Reference"\nrecorded',
                                                           'crime_id = "Crime Ref"\nrecorded'))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match=r"crimes\.csv: lacks the column\(s\) 'Crime Ref' named in .*\[crimes\]"):
        extracts.import_folder(exports, out, mapping=mapping)


@pytest.mark.parametrize("change, message", [
    (('grade = "Grade"', 'grading = "Grade"'), r"\[calls.columns\] grading is not a column of calls"),
    (('incident_id = "Incident Number"\n', ""), r"\[calls.columns\] must map incident_id"),
    (("[persons]", "[people]"), r"unknown section \[people\]"),
    (('files = ["beats.csv"]\n', 'files = ["beats.csv"]\nons_districts = ["E09000001"]\n'),
     "either ons_districts or a mapped area file"),
])
def test_mapping_mistakes_are_named_before_any_file_is_read(change, message, exports, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(EXAMPLE_MAPPING.read_text().replace(*change, 1))
    with pytest.raises(MappingError, match=message) as raised:
        extracts.import_folder(exports, tmp_path, mapping=mapping)
    assert str(raised.value).startswith(str(mapping))


def test_allow_partial_leaves_a_refused_months_file_out(exports, tmp_path):
    source = tmp_path / "exports"
    shutil.copytree(exports, source)
    february = source / "storm" / "incidents_2025-02.xlsx"
    february.write_bytes(february.read_bytes()[:200])  # truncated
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match=r"incidents_2025-02\.xlsx: is not a readable XLSX workbook"):
        extracts.import_folder(source, out, mapping=EXAMPLE_MAPPING)
    report = extracts.import_folder(source, out, mapping=EXAMPLE_MAPPING, allow_partial=True)
    assert [f.months for f in report.refused] == [["2025-02"]]
    assert report.covered["calls"] == ["2025-01"] and report.covered["crimes"] == ["2025-01", "2025-02"]


def test_contract_shaped_parquet_needs_no_mapping(tmp_path):
    source = write_extracts(tmp_path / "contract", crimes=[
        {"crime_id": "R1", "recorded_at": "2026-01-05 10:00"},
        {"crime_id": "R1", "recorded_at": "2026-01-06 10:00"},  # repeated: a duplicate, not a failure
        {"crime_id": "R2", "recorded_at": "2026-02-05 10:00", "category": "Fraud"},  # not a category
    ])
    out = tmp_path / "out"
    out.mkdir()
    report = extracts.import_folder(source, out)
    crimes = tally_of(report, "crimes.parquet")
    assert (crimes.read, crimes.loaded, crimes.rejected, crimes.duplicates) == (3, 1, 1, 1)
    assert table(out, "crimes")["crime_id"].tolist() == ["R1"]
