"""Exports end to end, through the real store and the gate: `python -m demand export` in every
format, the export log, bad input, a refused log, roles, the street files loaded back by the
police.uk importer, and no identifier of a person, place or record in any file's bytes."""

from __future__ import annotations

import csv
import io
import os
import string
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from demand.access import command_line_user
from demand.cli import main
from demand.disclosure import formats, model
from demand.disclosure.export import Request, produce, read_inputs, summarise
from demand.disclosure.model import ASB, CRIMES, CURRENT
from demand.disclosure.summary import build
from demand.disclosure.suppression import Rule
from demand.fixtures import ABBEY, BEACON, NORTH, write_extracts
from demand.reader import Reader
from demand.state import AuditWriteError, ExportLog, open_state
from demand.store import Store

AS_OF = date(2026, 6, 30)


def at(days_before: int) -> str:
    return (datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=9) - timedelta(days=days_before)).isoformat(" ")


# Abbey, April to June 2026: 8 burglaries on Mill Lane and 6 robberies on Quiet Close in June; 6
# burglaries on Quiet Close in April; 3 shoplifting and 2 drugs on Quiet Close in May. Beacon: 7
# vehicle crimes in June. ASB: 5 calls on Mill Lane in June. Nothing in January to March but an
# old crime and an old call (so both sources cover every month since).
CRIMES_ROWS = (
    [{"crime_id": f"REF-MILL-{n}", "recorded_at": at(n), "ward_code": ABBEY, "location_id": f"LM{n % 4}",
      "category": "Burglary"} for n in range(8)]
    + [{"crime_id": f"REF-ROB-{n}", "recorded_at": at(3 + n), "ward_code": ABBEY, "location_id": "LX",
        "category": "Robbery"} for n in range(6)]
    + [{"crime_id": f"REF-APR-{n}", "recorded_at": at(65 + n), "ward_code": ABBEY, "location_id": "LX",
        "category": "Burglary"} for n in range(6)]
    + [{"crime_id": f"REF-MAY-{n}", "recorded_at": at(40 + n), "ward_code": ABBEY, "location_id": "LX",
        "category": "Shoplifting" if n < 3 else "Drugs"} for n in range(5)]
    + [{"crime_id": f"REF-BEA-{n}", "recorded_at": at(n), "ward_code": BEACON, "location_id": "LB",
        "category": "Vehicle crime"} for n in range(7)]
    + [{"crime_id": "REF-OLD", "recorded_at": at(420), "ward_code": ABBEY, "location_id": "LX"}]
)
CALLS_ROWS = [{"incident_id": f"INC-ASB-{n}", "received_at": at(n), "ward_code": ABBEY, "location_id": "LM0",
               "asb": True, "caller_id": "PCALLER"} for n in range(5)] + [
    {"incident_id": "INC-OLD", "received_at": at(420), "ward_code": ABBEY, "location_id": "LM0"}]
LOCATIONS = (
    [{"location_id": f"LM{i}", "address": f"{i + 1} Mill Lane", "street": "Mill Lane", "location_type": "dwelling",
      "ward_code": ABBEY, "lat": 52.63 + i * 0.001, "lon": -1.13, "precision": "address"} for i in range(9)]
    + [{"location_id": "LX", "address": "The Hollies, Quiet Close", "street": "Quiet Close", "location_type": "dwelling",
        "ward_code": ABBEY, "lat": 52.64, "lon": -1.14, "precision": "address"},
       {"location_id": "LB", "address": "4 Beacon Road", "street": "Beacon Road", "location_type": "dwelling",
        "ward_code": BEACON, "lat": 52.65, "lon": -1.15, "precision": "address"}]
)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_extracts(tmp_path_factory.mktemp("export"), crimes=CRIMES_ROWS, calls=CALLS_ROWS,
                          locations=LOCATIONS,
                          crime_people=[{"crime_id": "REF-MILL-0", "person_id": "PVICTIM"}])


@pytest.fixture
def cli(data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DEMAND_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")

    def run(*args, user=None):
        code = main(["--data", str(data), *(["--user", user] if user else []), "export", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def exports_logged(tmp_path) -> list[dict]:
    state = open_state(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        return state.exports.records()
    finally:
        state.close()


def test_the_tables_read_their_sums_worked_by_hand_and_as_the_counts_by_street_sum(data):
    """Every format but the street files reads only sums (export_totals): Abbey's crimes and ASB
    by month and category, and its streets' crimes now, as worked out from the rows above; the
    same sums, and the same summary, as from the counts by street (export_counts)."""
    reader = Reader(Store(data), command_line_user(), None)
    request = Request(ABBEY, window="90d", as_of=AS_OF, format="csv")
    summed, by_street = read_inputs(reader, request), read_inputs(reader, request, street_level=True)
    assert isinstance(summed.counts, model.Totals) and summed.points is None
    assert isinstance(by_street.counts, pd.DataFrame) and len(by_street.points) == 2
    months = {(w, f"{m:%Y-%m}", c): n for w, m, c, n in summed.counts.by_ward.itertuples(index=False)}
    assert months == {(ABBEY, "2026-04", "Burglary"): 6, (ABBEY, "2026-05", "Shoplifting"): 3,
                      (ABBEY, "2026-05", "Drugs"): 2, (ABBEY, "2026-06", "Burglary"): 8, (ABBEY, "2026-06", "Robbery"): 6,
                      (ABBEY, "2026-06", ASB): 5}
    streets = summed.counts.streets
    assert dict(zip(zip(streets["w"], streets["street"]), streets["count"])) == {
        (ABBEY, "Mill Lane"): 8, (ABBEY, "Quiet Close"): 17}
    from_rows = model.totals(by_street.scope, by_street.counts)
    for mine, theirs, keys in ((summed.counts.by_ward, from_rows.by_ward, ["w", "month", "category"]),
                               (summed.counts.streets, from_rows.streets, ["w", "street"])):
        pd.testing.assert_frame_equal(mine.sort_values(keys).reset_index(drop=True),
                                      theirs.sort_values(keys).reset_index(drop=True), check_dtype=False)
    one, other = build(summed, Rule()), build(by_street, Rule())
    other.generated = one.generated
    assert one == other


def test_the_command_writes_each_format_and_logs_it(cli, tmp_path):
    for fmt in ("csv", "xlsx", "html", "police-uk"):
        out = tmp_path / f"abbey.{fmt}"
        code, _, err = cli("--area", ABBEY, "--as-of", "2026-06-30", "--format", fmt, "--out", str(out))
        assert code == 0, err
        assert out.stat().st_size > 0 and f"wrote {out}" in err
    logged = exports_logged(tmp_path)
    assert [r["format"] for r in logged] == ["police-uk", "html", "xlsx", "csv"]  # newest first
    assert {r["area"] for r in logged} == {ABBEY} and {r["file_name"] for r in logged} == {
        f"abbey.{f}" for f in ("csv", "xlsx", "html", "police-uk")}
    assert logged[0]["window"] == "90d (2026-04 to 2026-06, against 2026-01 to 2026-03)"
    # The street files: a row per crime of every published month x type: 6 + 8 + 6 crimes, 5 ASB.
    assert logged[0]["rows"] == 25
    state = open_state(f"sqlite:///{tmp_path / 'state.db'}")
    audit = state.audit.records(action="export")
    state.close()
    assert len(audit) == 4 and audit[0]["user_email"] == "local-command-line@localhost"


def test_what_the_csv_publishes_worked_by_hand(cli, tmp_path):
    out = tmp_path / "abbey.csv"
    assert cli("--area", ABBEY, "--as-of", "2026-06-30", "--format", "csv", "--out", str(out))[0] == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    shown = {(r.section, r.item, r.period, r.month): r.shown for r in table.itertuples()}

    def category(name):
        return shown["category", name, "current", ""], shown["category", name, "comparison", ""]

    # April to June: burglary 6 + 8, robbery 6, shoplifting 3 and drugs 2 (each '<5': May's 5 is
    # published, so either could be 1 to 4), 25 crimes in all; January to March: none.
    assert [category(c) for c in ("Burglary", "Robbery", "Shoplifting", "Drugs", "All crimes")] == [
        ("14", "0"), ("6", "0"), ("<5", "0"), ("<5", "0"), ("25", "0")]
    assert category("Anti-social behaviour") == ("5", "0")
    months = {(item, month): v for (section, item, _, month), v in shown.items() if section == "month"}
    assert [months["All crimes", m] for m in ("2026-04", "2026-05", "2026-06")] == ["6", "5", "14"]
    assert [months["Burglary", "2026-06"], months["Shoplifting", "2026-05"], months["Drugs", "2026-05"]] == [
        "8", "<5", "<5"]
    # Streets, "on or near", never an address: Quiet Close 6 + 6 + 3 + 2, Mill Lane 8, nothing else.
    assert [(k[1], v) for k, v in shown.items() if k[0] == "street"] == [
        ("On or near Quiet Close", "17"), ("On or near Mill Lane", "8"), ("All other streets and places", "0")]
    change = dict(zip(table.loc[table.section == "change", "item"], table.loc[table.section == "change", "note"]))
    assert change["Robbery"] == ("Robbery rose from 0 to 6 compared with the previous 3 months: a real rise, "
                                 "beyond the usual ups and downs.")
    assert change["Shoplifting"] == "Shoplifting rose from 0 to fewer than 5 compared with the previous 3 months " \
                                    "(too few to test)."
    about = dict(zip(table.loc[table.section == "about", "item"], table.loc[table.section == "about", "note"]))
    assert about["Current period"] == "April to June 2026 (2026-04-01 to 2026-06-30)"
    assert about["Threshold"] == "counts from 1 to 4 are shown as <5" and "Source" in about
    numbers = [int(s.replace(",", "")) for s in table["shown"] if s.replace(",", "").isdigit()]
    assert not [n for n in numbers if 1 <= n <= 4]


def test_the_workbook_states_its_method_on_a_notes_sheet(cli, tmp_path):
    out = tmp_path / "abbey.xlsx"
    assert cli("--area", ABBEY, "--as-of", "2026-06-30", "--format", "xlsx", "--out", str(out))[0] == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Months", "Streets", "Notes"]
    lines = [row[:2] for row in book["Notes"].iter_rows(min_row=3, values_only=True) if row[0]]
    notes = dict(lines)
    assert notes["Threshold"] == "counts from 1 to 4 are shown as <5"
    assert notes["Current period"].startswith("April to June 2026")
    assert "recorded crime" in notes["Source"]
    assert "linear programming" in " ".join(text for item, text in lines if item == "Method")
    summary = {row[0]: row[1:3] for row in book["Summary"].iter_rows(min_row=5, values_only=True) if row[0]}
    assert summary["Burglary"][0] == 14 and summary["Drugs"][0] == "<5"  # a number is a number


def test_the_street_files_are_data_police_uk_files(cli, tmp_path):
    out = tmp_path / "abbey.zip"
    assert cli("--area", ABBEY, "--as-of", "2026-06-30", "--format", "police-uk", "--out", str(out))[0] == 0
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        rows = [r for n in names if n.endswith(".csv")
                for r in csv.DictReader(io.StringIO(archive.read(n).decode()))]
        header = next(csv.reader(io.StringIO(archive.read(names[0]).decode())))
    # One file per month with rows, laid out as the archive: April (burglary 6) and June (burglary
    # 8, robbery 6, ASB 5). May's shoplifting and drugs are '<5': no rows, so no May file.
    assert names == ["2026-04/2026-04-police-force-street.csv", "2026-06/2026-06-police-force-street.csv",
                     "README.md"]
    assert header == ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                      "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
    # Mill Lane (9 places) gets its point for its 8 burglaries and 5 ASB calls; Quiet Close holds
    # one place only, so its rows have no location.
    located = sorted((r["Month"], r["Crime type"], r["Location"]) for r in rows)
    assert located == sorted([("2026-04", "Burglary", "No location")] * 6 + [("2026-06", "Burglary",
                             "On or near Mill Lane")] * 8 + [("2026-06", "Robbery", "No location")] * 6
                             + [("2026-06", ASB, "On or near Mill Lane")] * 5)
    crime_ids = [r["Crime ID"] for r in rows if r["Crime type"] != ASB]
    assert all(len(i) == 64 and set(i) <= set(string.hexdigits) for i in crime_ids)
    assert len(set(crime_ids)) == len(crime_ids) and not any(r["Crime ID"] for r in rows if r["Crime type"] == ASB)
    assert {r["Last outcome category"] for r in rows} == {""} and {r["LSOA code"] for r in rows} == {""}
    # Mill Lane's point is the middle of its 9 places, never one of them.
    point = {(r["Longitude"], r["Latitude"]) for r in rows if r["Location"] != "No location"}
    assert point == {("-1.130000", "52.634000")}


def test_crime_ids_are_made_afresh_each_time(data, tmp_path, monkeypatch):
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "cache"))
    reader = Reader(Store(data), command_line_user(), None)
    request = Request(ABBEY, as_of=AS_OF, format="police-uk")
    first, second = (produce(reader, request)[1].content for _ in range(2))

    def ids(content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {r["Crime ID"] for n in archive.namelist() if n.endswith(".csv")
                    for r in csv.DictReader(io.StringIO(archive.read(n).decode()))} - {""}

    assert ids(first) and not ids(first) & ids(second)
    reader.store.close()


@pytest.mark.parametrize("args, message", [
    (["--area", "Nowhere"], "unknown area 'Nowhere'"),
    (["--window", "7d"], "unknown window '7d' for an export: choose one of 90d, 12m"),
    (["--format", "docx"], "unknown format 'docx': choose one of csv, xlsx, html, pdf, police-uk"),
    (["--threshold", "2"], "the threshold must be a whole number from 3 to 50"),
    (["--baseline", "lastweek"], "unknown baseline 'lastweek'"),
    (["--format", "police-uk", "--round"], "rounding cannot apply to the police-uk format"),
    (["--as-of", "2031-01-01"], "as-of date 2031-01-01 is outside the data"),
    (["--out", "{missing}/x.csv"], "the folder {missing} does not exist"),
    (["--out", "{folder}"], "it is a folder; give a file name"),
])
def test_bad_input_gets_one_line_and_leaves_no_file(cli, tmp_path, args, message):
    folder = tmp_path / "out"
    folder.mkdir()
    missing = tmp_path / "nowhere"
    args = [a.format(missing=missing, folder=folder) for a in args]
    defaults = {"--format": "csv", "--out": str(folder / "x.csv")}
    for flag, value in defaults.items():
        if flag not in args:
            args += [flag, value]
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert message.format(missing=missing) in err
    assert list(folder.iterdir()) == []  # no file, no partial file


def test_an_unwritable_place_gets_one_line(cli, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        # A folder the user may not write (root may write anywhere: then a read-only file system).
        target = folder / "x.csv" if not os.access(folder, os.W_OK) else Path("/proc/x.csv")
        code, out, err = cli("--format", "csv", "--out", str(target))
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
        assert err.startswith(f"error: cannot write {target}")
        assert not target.exists()
    finally:
        folder.chmod(0o700)


def test_when_the_export_log_refuses_nothing_is_handed_out(cli, tmp_path, monkeypatch):
    def refuse(self, export):
        raise AuditWriteError("disk full")

    monkeypatch.setattr(ExportLog, "append", refuse)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "old.csv").write_text("an older file of that name")
    code, _, err = cli("--format", "csv", "--out", str(folder / "old.csv"))
    assert code == 2 and "disk full" in err
    assert [p.name for p in folder.iterdir()] == ["old.csv"] and (folder / "old.csv").read_text() == \
        "an older file of that name"


def test_exports_are_for_analysts(cli, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    users.write_text(f'[users."pc@force.example"]\nrole = "officer"\nwards = ["{ABBEY}"]\n'
                     '[users."partner@force.example"]\nrole = "viewer"\n')
    monkeypatch.setenv("DEMAND_USERS", str(users))
    for email, role in (("pc@force.example", "officer"), ("partner@force.example", "viewer")):
        code, _, err = cli("--format", "csv", "--out", str(tmp_path / "x.csv"), "--area", ABBEY, user=email)
        assert code == 2 and f"exports are for analysts; {email} is a {role}" in err
    assert not (tmp_path / "x.csv").exists() and exports_logged(tmp_path) == []


# --- the street files load back through the project's police.uk importer ----------------------------


def test_the_street_files_load_back_with_the_counts_published(small_store, tmp_path):
    from demand.ingest import police_uk

    reader = Reader(small_store, command_line_user(), None)
    ward = reader.wards().iloc[0]["ward_code"]
    summary, output, name = produce(reader, Request(ward, window="12m", format="police-uk"))
    archive = tmp_path / name
    archive.write_bytes(output.content)
    (tmp_path / "loaded").mkdir()
    police_uk.import_files([archive], tmp_path / "loaded")
    crimes = pd.read_parquet(tmp_path / "loaded" / "crimes.parquet")
    calls = pd.read_parquet(tmp_path / "loaded" / "calls.parquet")
    loaded = crimes.groupby([crimes["category"], crimes["recorded_at"].dt.strftime("%Y-%m")]).size().to_dict()
    asb = calls[calls["asb"]].groupby(calls["received_at"].dt.strftime("%Y-%m")).size().to_dict()
    for month in (m for m in summary.months if m.window == CURRENT):
        stamp = f"{month.month:%Y-%m}"
        for category in CRIMES:
            figure = month.categories[category]
            # A published figure loads back exactly; a hidden one has no rows (documented).
            assert loaded.get((category, stamp), 0) == (figure.value if figure.value is not None else 0), \
                (category, stamp, figure)
        assert asb.get(stamp, 0) == (month.asb.value if month.asb.value is not None else 0)
    assert len(crimes) + int(calls["asb"].sum()) == output.rows
    # A month with no row has no file, so the importer records it as missing, never zero.
    coverage = pd.read_parquet(tmp_path / "loaded" / "coverage.parquet")
    months_with_rows = {f"{m:%Y-%m}" for m in summary.street_rows["month"]}
    assert {f"{m:%Y-%m}" for m in coverage.loc[coverage["covered"], "month"]} == months_with_rows


# --- no person, place or record identifier in any file -----------------------------------------------


TOKEN = st.text(alphabet=string.ascii_uppercase, min_size=9, max_size=12)


@settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tokens=st.lists(TOKEN, min_size=40, max_size=40, unique=True), days=st.lists(
    st.integers(0, 150), min_size=30, max_size=30), threshold=st.sampled_from([3, 5]))
def test_no_identifier_of_a_person_place_or_record_reaches_any_file(tmp_path_factory, tokens, days, threshold):
    folder = tmp_path_factory.mktemp("identifiers")
    people = [{"person_id": f"P{t}", "name": f"Ms {t.title()} {t[::-1].title()}", "birth_year": 1970,
               "gender": "F"} for t in tokens[:6]]
    places = [{"location_id": f"L{t}", "address": f"{n + 2} {t.title()} House, Station Road", "street": "Station Road",
               "location_type": "dwelling", "ward_code": ABBEY if n % 2 else BEACON, "lat": 52.6 + n / 1000,
               "lon": -1.1, "precision": "address"} for n, t in enumerate(tokens[6:16])]
    crimes = [{"crime_id": f"C{tokens[16 + n % 12]}{n}", "recorded_at": at(d), "ward_code": places[n % 10]["ward_code"],
               "location_id": places[n % 10]["location_id"], "category": CRIMES[n % 3]} for n, d in enumerate(days)]
    calls = [{"incident_id": f"I{t}", "received_at": at(days[n]), "ward_code": ABBEY, "location_id": places[1]["location_id"],
              "asb": True, "caller_id": people[n % 6]["person_id"]} for n, t in enumerate(tokens[28:36])]
    links = [{"crime_id": c["crime_id"], "person_id": people[n % 6]["person_id"]} for n, c in enumerate(crimes)]
    missing = [{"episode_id": f"M{t}", "person_id": people[0]["person_id"], "reported_at": at(5)} for t in tokens[36:]]
    data = write_extracts(folder / "data", persons=people, locations=places, crimes=crimes, calls=calls,
                          crime_people=links, missing_episodes=missing)
    secrets_ = ([p["person_id"] for p in people] + [p["name"] for p in people] + [p["location_id"] for p in places]
                + [p["address"] for p in places] + [c["crime_id"] for c in crimes] + [c["incident_id"] for c in calls]
                + [m["episode_id"] for m in missing] + tokens)
    store = Store(data, cache=folder / "cache")
    try:
        reader = Reader(store, command_line_user(), None)
        for area in (ABBEY, NORTH):
            summary = summarise(reader, Request(area, threshold=threshold), street_rows=True)
            for fmt in ("csv", "xlsx", "html", "police-uk"):
                for part in _parts(formats.render(summary, fmt).content):
                    leaked = [s for s in secrets_ if s.encode() in part]
                    assert not leaked, (area, fmt, leaked[:3])
    finally:
        store.close()


def _parts(content: bytes) -> list[bytes]:
    """A file's bytes, or each member's when it is a zip (XLSX, the street files)."""
    if content[:2] != b"PK":
        return [content]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [archive.read(name) for name in archive.namelist()]
