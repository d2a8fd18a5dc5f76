"""Small crafted extracts, written to parquet exactly as a force would deliver them.

One builder for the unit tests, the page tests and the browser tests: name only the fields a
test is about and the rest take the defaults below. Persons and locations that events refer
to are created when a test does not list them.

    write_extracts(tmp_path, crimes=[{"crime_id": "R1", "recorded_at": "2026-06-30 23:59"}])
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from demand.schema import TABLES

NORTH, SOUTH = "Northtown", "Southvale"
WARDS = [
    {"ward_code": "E05000001", "ward_name": "Abbey", "district": NORTH, "district_code": "E07000001", "population": 10000},
    {"ward_code": "E05000002", "ward_name": "Beacon", "district": NORTH, "district_code": "E07000001", "population": 8000},
    {"ward_code": "E05000003", "ward_name": "Castle", "district": SOUTH, "district_code": "E07000002", "population": None},
]
ABBEY, BEACON, CASTLE = (w["ward_code"] for w in WARDS)

DEFAULTS = {
    "calls": {"incident_type": "Suspicious circumstances", "grade": "priority",
              "closing_code": "Advice given", "ward_code": ABBEY, "location_id": None,
              "caller_id": None, "asb": False, "mental_health": False, "domestic": False},
    "crimes": {"offence": "Theft from shop", "category": "Shoplifting", "ward_code": ABBEY,
               "location_id": None, "outcome": None, "domestic": False, "weapon": False},
    "missing_episodes": {"found_at": None, "risk": "medium", "from_location_id": None, "ward_code": ABBEY},
    "crime_people": {"role": "victim"},
}
ID_PREFIX = {"calls": ("incident_id", "C"), "crimes": ("crime_id", "R"), "missing_episodes": ("episode_id", "M")}


def _complete(table: str, rows: list[dict]) -> list[dict]:
    completed = []
    for number, row in enumerate(rows, start=1):
        full = {**DEFAULTS.get(table, {}), **row}
        if table in ID_PREFIX:
            key, prefix = ID_PREFIX[table]
            full.setdefault(key, f"{prefix}{number}")
        completed.append(full)
    return completed


def _implied_persons(tables: dict[str, list[dict]]) -> list[dict]:
    ids = {r["caller_id"] for r in tables["calls"] if r.get("caller_id")}
    ids |= {r["person_id"] for r in tables["crime_people"]}
    ids |= {r["person_id"] for r in tables["missing_episodes"]}
    return [{"person_id": p, "name": f"Person {p}", "birth_year": 1980, "gender": "F"} for p in sorted(ids)]


def _implied_locations(tables: dict[str, list[dict]]) -> list[dict]:
    first_ward: dict[str, str | None] = {}
    for table, column in (("calls", "location_id"), ("crimes", "location_id"),
                          ("missing_episodes", "from_location_id")):
        for row in tables[table]:
            if row.get(column):
                first_ward.setdefault(row[column], row.get("ward_code"))
    return [
        {"location_id": loc, "address": f"{loc} Test Street", "street": "Test Street",
         "location_type": "dwelling", "ward_code": ward, "lat": 52.63, "lon": -1.13, "precision": "address"}
        for loc, ward in sorted(first_ward.items())
    ]


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with every contract column, in contract order."""
    columns = TABLES[table].column_names
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def write_table(directory: Path, table: str, rows: list[dict]) -> Path:
    """One contract table as parquet, each column cast to its contract type."""
    path = Path(directory) / f"{table}.parquet"
    data = frame(table, rows)
    casts = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in TABLES[table].columns)
    con = duckdb.connect()
    try:
        con.register("rows_in", data)
        con.execute(f"COPY (SELECT {casts} FROM rows_in) TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
    return path


def write_extracts(
    directory: Path,
    *,
    wards: list[dict] | None = None,
    locations: list[dict] | None = None,
    persons: list[dict] | None = None,
    calls: list[dict] = (),
    crimes: list[dict] = (),
    crime_people: list[dict] = (),
    missing_episodes: list[dict] = (),
    coverage: list[dict] | None = None,
) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "calls": _complete("calls", list(calls)),
        "crimes": _complete("crimes", list(crimes)),
        "crime_people": _complete("crime_people", list(crime_people)),
        "missing_episodes": _complete("missing_episodes", list(missing_episodes)),
    }
    tables["wards"] = WARDS if wards is None else wards
    tables["persons"] = _implied_persons(tables) if persons is None else persons
    tables["locations"] = _implied_locations(tables) if locations is None else locations
    if coverage is not None:
        tables["coverage"] = coverage
    for table, rows in tables.items():
        write_table(directory, table, rows)
    return directory


def coverage_rows(first_month: str, last_month: str, tables=("calls", "crimes", "missing_episodes"),
                  uncovered: dict[str, list[str]] | None = None) -> list[dict]:
    """A coverage table marking every month from first_month to last_month ('YYYY-MM') covered
    for each table, except the months listed in ``uncovered`` ({'crimes': ['2026-05']})."""
    uncovered = uncovered or {}
    months = pd.date_range(f"{first_month}-01", f"{last_month}-01", freq="MS")
    return [
        {"table_name": t, "month": m.date(), "covered": f"{m:%Y-%m}" not in uncovered.get(t, [])}
        for t in tables for m in months
    ]
