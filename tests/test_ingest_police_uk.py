"""The data.police.uk importer on the real slice (City of London, Nov 2022 - Feb 2023): every
row accounted for, the answers equal a direct count over the CSVs, ids stable across reloads,
and each kind of bad input refused with one message naming the file."""

from __future__ import annotations

import csv
import io
import itertools
import shutil
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from demand import analytics, areas
from demand.cli import main
from demand.ingest import police_uk, publish
from demand.ingest.quarantine import QUARANTINE_FILE
from demand.store import Store

MONTHS = ["2022-11", "2022-12", "2023-01", "2023-02"]


# --- a direct count over the CSVs, written without the importer's code ------------------------


def csv_rows(zip_path: Path, kind: str = "street") -> list[dict]:
    with zipfile.ZipFile(zip_path) as archive:
        rows = []
        for name in sorted(archive.namelist()):
            if name.endswith(f"-{kind}.csv"):
                text = archive.read(name).decode("utf-8-sig")
                rows += [{**r, "_file": name} for r in csv.DictReader(io.StringIO(text))]
    return rows


def loaded_rows(zip_path: Path) -> list[dict]:
    """Street rows as the importer must load them: each Crime ID once (its first listing);
    every anti-social behaviour row."""
    seen, kept = set(), []
    for row in sorted(csv_rows(zip_path), key=lambda r: r["Month"]):  # stable: file order within a month
        crime_id = row["Crime ID"]
        if crime_id:
            if crime_id in seen:
                continue
            seen.add(crime_id)
        kept.append(row)
    return kept


@pytest.fixture(scope="module")
def direct(police_uk_slice):
    return loaded_rows(police_uk_slice)


def snapshot_sql(store: Store, text: str, *params):
    return store.cursor().execute(text, list(params)).fetchall()


# --- every row accounted for ---------------------------------------------------------------------


def test_counts_reconcile_per_file_against_the_csvs(published_slice, police_uk_slice):
    report = Store(published_slice).import_report
    by_file = {Path(f["file"].split(":")[-1]).name: f for f in report["files"]}
    street = Counter(Path(r["_file"]).name for r in csv_rows(police_uk_slice))
    for name, rows in street.items():
        tally = by_file[name]
        assert tally["read"] == rows  # every line of the file but its header
        assert tally["read"] == tally["loaded"] + tally["rejected"] + tally["duplicates"]
    # The slice repeats 18 Crime IDs; each repeat is a duplicate, nothing is rejected.
    assert sum(by_file[n]["duplicates"] for n in street) == 18
    assert sum(by_file[n]["rejected"] for n in street) == 0
    outcomes = Counter(Path(r["_file"]).name for r in csv_rows(police_uk_slice, "outcomes"))
    for name, rows in outcomes.items():
        tally = by_file[name]
        assert tally["read"] == rows == tally["loaded"] + tally["rejected"] + tally["duplicates"]
    assert by_file["2023-02-city-of-london-stop-and-search.csv"]["note"].startswith("not used")
    totals = report["totals"]
    assert totals["read"] == totals["loaded"] + totals["rejected"] + totals["duplicates"]


def test_duplicates_are_in_quarantine_naming_the_row_kept(published_slice):
    quarantine = pd.read_csv(Store(published_slice).pin().source / QUARANTINE_FILE)
    duplicates = quarantine[quarantine["kind"] == "duplicate"]
    assert len(duplicates) == 18
    assert set(duplicates["field"]) == {"Crime ID"}
    assert duplicates["reason"].str.match(r"already loaded from .*-street\.csv row \d+").all()


def test_tables_hold_each_row_once(slice_store, direct):
    crimes = sum(1 for r in direct if r["Crime ID"])
    asb = sum(1 for r in direct if not r["Crime ID"])
    info = analytics.table_info(slice_store, areas.resolve(slice_store, "force")).set_index("table_name")["row_count"]
    assert (info["crimes"], info["calls"]) == (crimes, asb)
    assert (info["persons"], info["crime_people"], info["missing_episodes"]) == (0, 0, 0)
    assert snapshot_sql(slice_store, "SELECT count(*) FROM calls WHERE NOT asb OR asb IS NULL") == [(0,)]


def test_monthly_counts_per_category_equal_a_direct_count(slice_store, direct):
    force = areas.resolve(slice_store, "force")
    compared = 0
    for before, month in itertools.pairwise(MONTHS):
        first_day = date.fromisoformat(f"{month}-01")
        # Every row is dated its month's first day: a 28-day window ending on that day holds
        # exactly that month's rows, and the window before it the previous month's.
        frame = analytics.compare(slice_store, force, window="28d", as_of=first_day, by="category")
        for column, wanted in (("count", month), ("previous_count", before)):
            got = {g: int(c) for g, c in zip(frame["group"], frame[column]) if c > 0}
            expected = Counter(r["Crime type"] for r in direct if r["Month"] == wanted and r["Crime ID"])
            assert got == dict(expected), wanted
            compared += 1
        # Each window covers its whole month (the data is dated by month): a rate per day of it.
        days = (date.fromisoformat(f"{month}-01") - date.fromisoformat(f"{before}-01")).days
        assert frame["previous_exposure_days"].iloc[0] == days
        head = analytics.headline(slice_store, force, "28d", as_of=first_day).set_index("measure")
        assert head.loc["asb_calls", "count"] == sum(1 for r in direct if r["Month"] == month and not r["Crime ID"])
    assert compared == 6


def test_top_repeat_locations_equal_a_direct_count(slice_store, direct):
    force = areas.resolve(slice_store, "force")
    # 90 days to 1 Feb 2023: the rows of December, January and February... of which the window
    # (3 Nov - 1 Feb) holds December, January and February's first day: Dec, Jan, Feb.
    top = analytics.rank(slice_store, force, "locations", window="90d", as_of=date(2023, 2, 1), limit=10)
    counts = Counter((r["Latitude"], r["Longitude"], r["Location"]) for r in direct
                     if r["Month"] in ("2022-12", "2023-01", "2023-02") and r["Longitude"])
    assert list(top["count"]) == sorted(counts.values(), reverse=True)[:10]
    for row in top.itertuples():
        key = (f"{row.lat:.6f}", f"{row.lon:.6f}", row.name)
        assert counts[key] == row.count, key


def test_outcomes_files_give_the_latest_outcome(slice_store, police_uk_slice):
    outcomes = sorted(csv_rows(police_uk_slice, "outcomes"), key=lambda r: r["Month"])
    latest = {r["Crime ID"]: r["Outcome type"] for r in outcomes}
    loaded = dict(snapshot_sql(slice_store, "SELECT crime_id, outcome FROM crimes"))
    checked = [c for c in latest if c in loaded]
    assert len(checked) > 1000
    assert all(loaded[c] == (None if latest[c] == "Under investigation" else latest[c]) for c in checked)


def test_locations_are_the_map_points_with_their_wards(slice_store, direct):
    points = {(r["Latitude"], r["Longitude"], r["Location"]) for r in direct if r["Longitude"]}
    rows = snapshot_sql(slice_store, "SELECT count(*), count(DISTINCT location_id), min(precision), "
                                     "max(precision) FROM locations")
    assert rows == [(len(points), len(points), "street", "street")]
    # Rows with no point ("No Location") have no location and no ward.
    no_point = sum(1 for r in direct if not r["Longitude"])
    assert snapshot_sql(slice_store, "SELECT count(*) FROM events WHERE location_id IS NULL") == [(no_point,)]
    assert snapshot_sql(slice_store, "SELECT count(*) FROM events WHERE location_id IS NULL AND ward_code IS NOT NULL"
                        ) == [(0,)]


def test_wards_are_the_force_districts_current_wards(slice_store, published_slice):
    wards = areas.wards(slice_store)
    assert set(wards["district"]) == {"City of London"} and len(wards) == 25  # its 2025 boundaries
    assert wards["population"].isna().all()
    report = Store(published_slice).import_report
    routes = report["routes"]
    assert routes["boundary"] > 2500 and routes["lsoa"] > 0
    assert routes["outside"] > 100  # snapped into Tower Hamlets, Islington, ...: the force's only
    assert sum(routes.values()) == report["tables"]["crimes"] + report["tables"]["calls"]
    placed = snapshot_sql(slice_store, "SELECT count(*) FROM events WHERE ward_code IS NOT NULL")[0][0]
    assert placed == sum(v for k, v in routes.items() if k in ("given", "boundary", "lsoa", "lsoa11_ward19"))


def test_public_data_mode(slice_store):
    assert slice_store.person_level is False
    assert slice_store.held_sources == ("calls", "crimes")
    force = areas.resolve(slice_store, "force")
    head = analytics.headline(slice_store, force, "28d", as_of=date(2023, 2, 1)).set_index("measure")
    assert pd.isna(head.loc["missing_episodes", "count"])
    assert head.loc["missing_episodes", "months_missing"] == "missing_episodes: not held"
    assert head.loc["crimes", "months_missing"] == ""  # a not-held source never blanks the others
    locations = analytics.rank(slice_store, force, "locations", window="90d", as_of=date(2023, 2, 1))
    # Missing episodes are left out of a location's exposure: December, January and February.
    assert not locations.empty and "missing_episodes" not in locations.attrs["months_missing"]
    assert locations.attrs["exposure_days"] == 31 + 31 + 28
    assert analytics.missing_months(slice_store) == {"crimes": [], "calls": [], "missing_episodes": None}


# --- loading again -------------------------------------------------------------------------------


def test_loading_the_same_input_twice_gives_the_same_tables(tmp_path, police_uk_slice):
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(police_uk_slice) as archive:
        archive.extractall(folder)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    police_uk.import_files([police_uk_slice], first)
    police_uk.import_files([folder], second)  # the same files, unzipped
    for table in ("crimes", "calls", "locations", "wards", "coverage"):
        a = duckdb.sql(f"SELECT * FROM '{first / table}.parquet'").df()
        b = duckdb.sql(f"SELECT * FROM '{second / table}.parquet'").df()
        pd.testing.assert_frame_equal(a, b)


def test_the_same_files_given_twice_count_as_duplicates(tmp_path, police_uk_slice):
    out = tmp_path / "out"
    out.mkdir()
    report = police_uk.import_files([police_uk_slice, police_uk_slice], out)
    once = len(loaded_rows(police_uk_slice))
    assert report.total("loaded") - sum(f.loaded for f in report.files if f.kind == "outcomes") == once
    assert report.reconciles()
    assert duckdb.sql(f"SELECT (SELECT count(*) FROM '{out}/crimes.parquet') + "
                      f"(SELECT count(*) FROM '{out}/calls.parquet')").fetchall() == [(once,)]


def test_asb_ids_are_stable_and_identical_rows_stay_two(tmp_path):
    header = ",".join(police_uk.STREET)
    asb = ",2023-01,City of London Police,City of London Police,-0.095037,51.510621,On or near Queenhithe," \
          "E01032739,City of London 001F,Anti-social behaviour,,"
    folder = tmp_path / "in" / "2023-01"
    folder.mkdir(parents=True)
    (folder / "2023-01-city-of-london-street.csv").write_text(f"{header}\n{asb}\n{asb}\n")
    ids = []
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        police_uk.import_files([tmp_path / "in"], out, districts=["E09000001"])
        ids.append(duckdb.sql(f"SELECT incident_id FROM '{out}/calls.parquet' ORDER BY 1").fetchall())
    assert ids[0] == ids[1] and len(ids[0]) == 2 and ids[0][0] != ids[0][1]
    assert ids[0][0][0].startswith("ASB-2023-01-") and ids[0][0][0].endswith("-1")


# --- placing rows by LSOA ------------------------------------------------------------------------


def one_month(tmp_path, rows: list[str], month: str = "2021-06") -> Path:
    folder = tmp_path / "in" / month
    folder.mkdir(parents=True)
    lines = [",".join(police_uk.STREET)] + rows
    (folder / f"{month}-test-force-street.csv").write_text("\n".join(lines) + "\n")
    return tmp_path / "in"


def crime(n: int, lsoa: str, lon: str = "", lat: str = "", month: str = "2021-06") -> str:
    place = "On or near Somewhere" if lon else "No Location"
    return f"id{n},{month},Test Police,Test Police,{lon},{lat},{place},{lsoa},Somewhere,Burglary,,"


def test_each_route_to_a_ward(tmp_path):
    rows = [
        crime(1, "E01000001", "-0.0970", "51.5186"),  # a City point: inside a held boundary
        crime(2, "E01000842"),          # Camden, in the 2021 lookup: Belsize
        crime(3, "E01001014"),          # Croydon, a 2011 code changed in 2021: its 2019 ward, current
        crime(4, "E01000010"),          # Barking, a 2011 code changed in 2021 whose 2019 ward is gone
        crime(5, "E01099999"),          # in neither lookup
        crime(6, ""),                   # no location at all
    ]
    out = tmp_path / "out"
    out.mkdir()
    report = police_uk.import_files([one_month(tmp_path, rows)], out,
                                    districts=["E09000001", "E09000007", "E09000008", "E09000002"])
    routes = {k: v for k, v in report.routes.items() if v}
    assert routes == {"boundary": 1, "lsoa": 1, "lsoa11_ward19": 1, "ward_gone": 1, "unknown_lsoa": 1,
                      "no_location": 1}
    wards = dict(duckdb.sql(f"SELECT crime_id, ward_code FROM '{out}/crimes.parquet'").fetchall())
    assert wards["id1"] == "E05009288"  # Aldersgate, by its boundary
    assert wards["id2"] == "E05013652"  # Belsize
    assert wards["id3"] == "E05011468"  # Fairfield
    assert wards["id4"] is None and wards["id5"] is None and wards["id6"] is None


def test_rows_outside_the_force_districts_keep_no_ward(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    report = police_uk.import_files([one_month(tmp_path, [crime(1, "E01000842"), crime(2, "E01000001")])], out,
                                    districts=["E09000001"])
    assert report.routes["outside"] == 1 and report.routes["lsoa"] == 1
    assert duckdb.sql(f"SELECT crime_id FROM '{out}/crimes.parquet' WHERE ward_code IS NULL").fetchall() == [("id1",)]


def test_rejected_rows_name_file_row_field_and_reason(tmp_path):
    rows = [crime(1, "E01000001"), "id2,2021-06,P,P,,,No Location,,,Fraud,,",
            crime(3, "X123"), "id4,2021-05,P,P,,,No Location,,,Burglary,,", ",2021-06,P,P,,,x,,,Burglary,,",
            "too,few,fields"]
    out = tmp_path / "out"
    out.mkdir()
    report = police_uk.import_files([one_month(tmp_path, rows)], out, districts=["E09000001"])
    [tally] = report.files
    assert (tally.read, tally.loaded, tally.rejected, tally.duplicates) == (6, 1, 5, 0)
    quarantine = pd.read_csv(out / QUARANTINE_FILE, keep_default_na=False)
    assert list(quarantine["row"]) == [3, 4, 5, 6, 7]
    assert list(quarantine["field"]) == ["Crime type", "LSOA code", "Month", "Crime ID", "(row)"]
    assert quarantine["reason"].tolist()[0] == "not one of the 14 police.uk categories"
    assert quarantine["reason"].tolist()[2] == "a row of 2021-05 in the file of 2021-06"


# --- bad input: one clear error naming the file, nothing published -----------------------------------


@pytest.fixture(scope="module")
def serving(tmp_path_factory, police_uk_slice):
    """A published data directory, and the answers it gives before any bad import."""
    out = tmp_path_factory.mktemp("serving") / "data"
    assert main(["ingest", "police-uk", str(police_uk_slice), "--out", str(out)]) == 0
    return out, answers(out)


def answers(out: Path) -> tuple[str, str]:
    buffer = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(buffer):
        main(["--data", str(out), "rank", "--kind", "locations", "--window", "90d", "--format", "csv"])
    rank = buffer.getvalue()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["--data", str(out), "compare", "--by", "category", "--window", "90d", "--format", "csv"])
    return rank, buffer.getvalue()


def good_month(tmp_path, police_uk_slice, month="2023-01") -> Path:
    folder = tmp_path / "in"
    with zipfile.ZipFile(police_uk_slice) as archive:
        archive.extract(f"{month}/{month}-city-of-london-street.csv", folder)
    return folder


def street_text(police_uk_slice, month="2022-12") -> str:
    with zipfile.ZipFile(police_uk_slice) as archive:
        return archive.read(f"{month}/{month}-city-of-london-street.csv").decode("utf-8")


def break_file(kind: str, folder: Path, text: str) -> Path:
    """Write a broken December street file of the given kind; returns the path named in the error."""
    path = folder / "2022-12" / "2022-12-city-of-london-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "wrong header":
        path.write_text(text.replace("Crime type", "Crime category", 1))
    elif kind == "truncated":
        path.write_text(text.rstrip("\n")[:-40])
    elif kind == "empty":
        path.write_text("")
    elif kind == "header only":
        path.write_text(text.splitlines()[0] + "\n")
    elif kind == "wrong delimiter":
        path.write_text(text.replace(",", ";"))
    elif kind == "wrong encoding":
        path.write_bytes(text.replace("On or near", "Café near", 1).encode("cp1252"))
    elif kind == "zip holding something else":
        path = folder / "archive.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("README.txt", "not data")
            archive.writestr("report.pdf", b"%PDF-1.4")
    elif kind == "symlink out of the folder":
        outside = folder.parent / "elsewhere" / "2022-12-city-of-london-street.csv"
        outside.parent.mkdir()
        outside.write_text(text)
        path.symlink_to(outside)
    return path


BAD = {
    "wrong header": "does not have a data.police.uk street file's header",
    "truncated": "looks truncated",
    "empty": "is empty",
    "header only": "has a header but no rows",
    "wrong delimiter": "separated by semicolons, not commas",
    "wrong encoding": "is not utf-8 text",
    "zip holding something else": "holds no data.police.uk street files",
    "symlink out of the folder": "outside the input folder",
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_is_refused_naming_the_file_and_publishes_nothing(kind, tmp_path, capsys, serving,
                                                                     police_uk_slice):
    out, before = serving
    release = publish.current(out)
    folder = good_month(tmp_path, police_uk_slice)
    bad = break_file(kind, folder, street_text(police_uk_slice))
    status = main(["ingest", "police-uk", str(folder), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    [first] = [line for line in err.splitlines() if line.startswith("error:")]  # one error, naming the file
    assert first.startswith(f"error: {bad}") and BAD[kind] in first, err
    assert "Nothing was published" in err and "Traceback" not in err
    assert publish.current(out) == release
    assert answers(out) == before
    assert not list(publish.releases_dir(out).glob("*.partial"))


def test_allow_partial_publishes_the_rest_with_the_month_missing(tmp_path, capsys, police_uk_slice):
    folder = good_month(tmp_path, police_uk_slice, "2023-01")
    with zipfile.ZipFile(police_uk_slice) as archive:
        archive.extract("2022-11/2022-11-city-of-london-street.csv", folder)
    bad = break_file("truncated", folder, street_text(police_uk_slice))
    out = tmp_path / "data"
    assert main(["ingest", "police-uk", str(folder), "--out", str(out), "--allow-partial"]) == 0
    captured = capsys.readouterr()
    assert f"{bad} was refused" in captured.err
    assert main(["--data", str(out), "info"]) == 0
    info = capsys.readouterr().out
    assert "crimes: 2022-12" in info and "calls: 2022-12" in info  # missing, not zero
    report = Store(out).import_report
    [refused] = [f for f in report["files"] if f["refused"]]
    assert refused["months"] == ["2022-12"] and "truncated" in refused["note"]


def test_a_gap_month_is_missing_in_info_and_analyses(tmp_path, capsys, police_uk_slice):
    folder = tmp_path / "in"
    with zipfile.ZipFile(police_uk_slice) as archive:
        for month in ("2022-11", "2023-01", "2023-02"):  # no December file
            archive.extract(f"{month}/{month}-city-of-london-street.csv", folder)
    out = tmp_path / "data"
    assert main(["ingest", "police-uk", str(folder), "--out", str(out)]) == 0
    assert "Months of crimes: 2022-11 to 2023-02; missing: 2022-12" in capsys.readouterr().out
    assert main(["--data", str(out), "info"]) == 0
    info = capsys.readouterr().out
    assert "  crimes: 2022-12" in info and "  calls: 2022-12" in info
    assert "  missing_episodes: not held in this data" in info
    # January against December, which is missing: no data for the period before, never zero.
    assert main(["--data", str(out), "compare", "--window", "28d", "--as-of", "2023-01-01", "--format", "csv"]) == 0
    compared = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert compared["previous_count"].isna().all() and set(compared["significance"]) == {"no_data"}
    assert set(compared["months_missing"]) == {"crimes: 2022-12"}
    assert compared["count"].sum() > 0 and set(compared["previous_coverage"]) == {"no crime data for this period"}


def test_no_street_file_in_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.csv").write_text("a,b\n1,2\n")
    assert main(["ingest", "police-uk", str(tmp_path / "in"), "--out", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "notes.csv: is not a data.police.uk street, outcomes or stop-and-search file" in err
    assert not (tmp_path / "data").exists()


def test_a_directory_of_hand_placed_extracts_is_not_overwritten(tmp_path, capsys, police_uk_slice):
    out = tmp_path / "data"
    out.mkdir()
    (out / "crimes.parquet").write_text("a force's own file")
    assert main(["ingest", "police-uk", str(police_uk_slice), "--out", str(out)]) == 2
    assert "is a directory of files, not a published data link" in capsys.readouterr().err
    assert (out / "crimes.parquet").read_text() == "a force's own file"


def test_every_real_file_kind_in_the_archive_layout_is_recognised(tmp_path, police_uk_slice):
    folder = tmp_path / "in"
    with zipfile.ZipFile(police_uk_slice) as archive:
        archive.extractall(folder)
    entries = police_uk.classify(police_uk.sources.expand([folder], (".csv",)), str(folder))
    assert Counter(e.kind for e in entries) == {"street": 4, "outcomes": 4, "stop-and-search": 1}
    assert {e.month for e in entries} == set(MONTHS) and {e.force for e in entries} == {"city-of-london"}
    shutil.rmtree(folder)
