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
    "powers": {"power": "dispersal direction", "ward_code": ABBEY, "location_id": None, "person_id": None,
               "outcome": None},
    "wanted": {"ended_at": None, "reason": "Failed to appear at court", "ward_code": ABBEY, "location_id": None,
               "warnings": None},
}
ID_PREFIX = {"calls": ("incident_id", "C"), "crimes": ("crime_id", "R"), "missing_episodes": ("episode_id", "M"),
             "powers": ("power_id", "W"), "wanted": ("wanted_id", "N")}


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
    ids |= {r["person_id"] for r in tables.get("powers", []) + tables.get("wanted", []) if r.get("person_id")}
    return [{"person_id": p, "name": f"Person {p}", "birth_year": 1980, "gender": "F"} for p in sorted(ids)]


def _implied_locations(tables: dict[str, list[dict]]) -> list[dict]:
    first_ward: dict[str, str | None] = {}
    for table, column in (("calls", "location_id"), ("crimes", "location_id"),
                          ("missing_episodes", "from_location_id"), ("powers", "location_id"),
                          ("wanted", "location_id")):
        for row in tables.get(table, []):
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
    powers: list[dict] | None = None,
    wanted: list[dict] | None = None,
) -> Path:
    """The contract tables as parquet in ``directory``. The optional tables (coverage, powers,
    wanted) are written only when given: None leaves the table out, [] writes it empty."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "calls": _complete("calls", list(calls)),
        "crimes": _complete("crimes", list(crimes)),
        "crime_people": _complete("crime_people", list(crime_people)),
        "missing_episodes": _complete("missing_episodes", list(missing_episodes)),
    }
    for name, rows in (("powers", powers), ("wanted", wanted)):
        if rows is not None:
            tables[name] = _complete(name, list(rows))
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


# --- a force's own exports, for the extracts importer -------------------------------------------

EXAMPLE_MAPPING = Path(__file__).resolve().parent.parent / "deploy" / "mapping.example.toml"

STORM_HEADER = ["Incident Number", "Date/Time Received", "Opening Code", "Grade", "Closing Code", "Beat",
                "Location", "Latitude", "Longitude", "Caller Nominal", "ASB", "MH", "DA"]
# January's command-and-control export, as the system writes it (Windows-1252, UK dates). In
# the comments, what the importer must make of each line: 9 rows read, 4 loaded, 4 rejected,
# 1 duplicate; blank lines are not rows.
STORM_JANUARY = [
    STORM_HEADER,
    ["C25-0001", "03/01/2025 08:15", "ASB1", "G2", "Advice", "NA01", "12 High St, Northtown", "52.6301", "-1.1302",
     "N1", "Y", "N", "N"],                                    # row 2: loaded
    ["C25-0002", "05/01/2025 23:59", "SUS", "G1", "Arrest", "NA02", "St Mary’s Walk", "52.6402", "-1.1201",
     "", "N", "N", "N"],                                      # row 3: loaded (’ is Windows-1252 0x92)
    [],                                                       # row 4: blank, not a row
    STORM_HEADER,                                             # row 5: a repeated header, rejected
    ["C25-0003", "31/01/2025 23:59", "CFW", "G3", "Referred", "SV01", "Oak House Care Home", "52.5803", "-1.0904",
     "N2", "N", "Y", "N"],                                    # row 6: loaded
    ["C25-0004", "32/01/2025 10:00", "SUS", "G2", "Advice", "NA01", "Market Sq", "", "", "", "N", "N", "N"],
    #                                                           row 7: rejected, no 32 January
    ["C25-0005", "10/01/2025 10:00", "DOM", "G9", "Advice", "NA01", "12 High St, Northtown", "52.6301", "-1.1302",
     "N1", "N", "N", "Y"],                                    # row 8: rejected, grade G9 not mapped
    ["C25-0002", "05/01/2025 23:59", "SUS", "G1", "Arrest", "NA02", "St Mary’s Walk", "52.6402", "-1.1201",
     "", "N", "N", "N"],                                      # row 9: a duplicate of row 3
    ["C25-0006", "15/01/2025 02:30", "ASB1", "G4", "NFA", "ZZ99", "Unknown Lane", "", "", "", "Y", "N", "N"],
    #                                                           row 10: loaded, beat ZZ99 unknown: no ward
    [],                                                       # row 11: blank
    ["Total incidents: 8", "", "", "", "", "", "", "", "", "", "", "", ""],  # row 12: a total row, rejected
]
BEATS = [
    ["Beat Code", "Beat Name", "Sector", "Residents"],
    ["NA01", "Abbey & Riverside", "Northtown", "10200"],
    ["NA02", "St Mary’s", "Northtown", "8100"],
    ["SV01", "Castle Hill", "Southvale", ""],
]
CRIMES_HEADER = ["Crime Reference", "Recorded Date", "HO Offence", "Category", "Beat", "Address", "Outcome",
                 "DA Flag", "Weapon Flag"]
NICHE_CRIMES = [  # 4 rows read, 3 loaded, 1 rejected (FRAUD is not a police.uk category the mapping knows)
    CRIMES_HEADER,
    ["R25/001", "02/01/2025 14:00", "Burglary - residential", "BURG", "NA01", "12 High St, Northtown",
     "Under investigation", "N", "N"],
    ["R25/002", "20/01/2025 02:10", "Assault occasioning actual bodily harm", "VIOL", "NA02", "Café Nero, Market Sq",
     "", "Y", "N"],
    ["R25/003", "11/02/2025 11:00", "Theft from shop", "SHOP", "SV01", "Castle Retail Park", "Local resolution",
     "N", "N"],
    ["R25/004", "12/02/2025 09:00", "Fraud by false representation", "FRAUD", "SV01", "Castle Retail Park", "",
     "N", "N"],
]


def write_force_exports(directory: Path) -> Path:
    """The exports the example mapping (deploy/mapping.example.toml) reads: a beats table and
    two months of command-and-control incidents (CSV and XLSX), crimes, nominals and their
    links (parquet), and missing episodes (XLSX)."""
    import csv
    from datetime import datetime

    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    for folder in ("storm", "niche", "missing"):
        (directory / folder).mkdir(parents=True, exist_ok=True)

    def write_csv(path: Path, rows: list[list[str]]) -> None:
        with path.open("w", encoding="cp1252", newline="") as out:
            csv.writer(out, lineterminator="\r\n").writerows(rows)

    write_csv(directory / "beats.csv", BEATS)
    write_csv(directory / "storm" / "incidents_2025-01.csv", STORM_JANUARY)
    write_csv(directory / "niche" / "crimes.csv", NICHE_CRIMES)

    def write_xlsx(path: Path, rows: list[list]) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        book.save(path)

    # February: dates as real spreadsheet dates, one typed as text; 4 rows read, 2 loaded,
    # 2 rejected (an empty incident number, a total row).
    write_xlsx(directory / "storm" / "incidents_2025-02.xlsx", [
        STORM_HEADER,
        ["C25-0101", datetime(2025, 2, 3, 9, 0), "ASB1", "G2", "Advice", "NA01", "12 High St, Northtown", 52.6301,
         -1.1302, "N1", "Y", "N", "N"],
        ["C25-0102", "14/02/2025 17:30", "SUS", "G3", "NFA", "NA02", "St Mary’s Walk", 52.6402, -1.1201, None,
         "N", "N", "N"],
        [None, datetime(2025, 2, 20, 12, 0), "SUS", "G3", "NFA", "NA02", "Market Sq", None, None, None, "N", "N", "N"],
        [None] * len(STORM_HEADER),
        ["Total", None, None, None, None, None, None, None, None, None, None, None, 3],
    ])
    write_xlsx(directory / "missing" / "episodes.xlsx", [
        ["Report Number", "Nominal ID", "Reported", "Found", "Risk", "Beat", "Missing From"],
        ["M25/01", "N3", datetime(2025, 1, 10, 22, 0), datetime(2025, 1, 11, 8, 0), "H", "SV01", "Oak House Care Home"],
        ["M25/02", "N3", "28/02/2025 21:15", None, "M", "SV01", "Oak House Care Home"],
    ])
    pq.write_table(pa.table({
        "Nominal ID": ["N1", "N2", "N3"], "Name": ["Ann Example", "Bob Sample", "Cara Test"],
        "Year of Birth": [1980, 1975, 2009], "Gender": ["F", "M", "F"]}), directory / "niche" / "nominals.parquet")
    # 5 links read, 4 loaded, 1 rejected (involvement X is not mapped).
    pq.write_table(pa.table({
        "Crime Reference": ["R25/001", "R25/002", "R25/002", "R25/003", "R25/003"],
        "Nominal ID": ["N1", "N2", "N1", "N2", "N9"],
        "Involvement": ["V", "S", "V", "O", "X"]}), directory / "niche" / "crime_nominals.parquet")
    return directory


# --- problem-solving plans: crafted cases worked by hand (tests/test_plans.py) --------------------

PLAN_RESPONSE = "2026-01-01"  # the response date of every crafted plan
PLAN_AS_OF = "2026-06-30"  # the data's last day: the 90-day periods either side have run their course
# 90 days before the response: 2025-10-03 to 2025-12-31; 90 days from it: 2026-01-01 to 2026-03-31.
PLAN_BEFORE, PLAN_AFTER = ("2025-10-03", 90), ("2026-01-01", 90)
# Places: the target, a place 100 m north of it (the 200 m buffer), a place 1.7 km away in the same
# ward and one in the next ward of the district (the control), and one in the other district.
PLAN_PLACES = {
    "LT": (52.6300, -1.1300, ABBEY),
    "LB": (52.6309, -1.1300, ABBEY),
    "LF": (52.6450, -1.1300, ABBEY),
    "LC": (52.6800, -1.1300, BEACON),
    "LS": (52.7500, -1.1300, CASTLE),
}


def spread(count: int, first: str, days: int, skip_months: tuple[str, ...] = ()) -> list[str]:
    """``count`` times at noon spread evenly over the ``days`` days from ``first``, leaving out
    the months in ``skip_months`` ('YYYY-MM')."""
    start = pd.Timestamp(first)
    allowed = [start + pd.Timedelta(days=d) for d in range(days)
               if f"{start + pd.Timedelta(days=d):%Y-%m}" not in skip_months]
    return [f"{allowed[k * len(allowed) // count]:%Y-%m-%d} 12:00:00" for k in range(count)] if count else []


def plan_place_extracts(directory: Path, *, target: tuple[int, int], buffer: tuple[int, int],
                        control: tuple[int, int], other_district: tuple[int, int] = (0, 0),
                        uncovered: dict[str, list[str]] | None = None,
                        in_uncovered_month: int = 0, without_places: tuple[str, ...] = ()) -> Path:
    """Crimes before and after the plans' response date at the target place LT, its buffer LB,
    the control (half at LF in the target's ward, half at LC in the next ward) and LS in the other
    district. ``uncovered``: months a source lacks (the after period's events avoid them), plus
    ``in_uncovered_month`` target crimes dated inside the first such month (never counted).
    ``without_places``: places left out of the locations table (a refresh that lost them)."""
    skip = tuple(m for months in (uncovered or {}).values() for m in months)
    crimes: list[dict] = []

    def place(prefix: str, location: str, counts: tuple[int, int]) -> None:
        for period, (first, days), count in (("b", PLAN_BEFORE, counts[0]), ("a", PLAN_AFTER, counts[1])):
            for n, at in enumerate(spread(count, first, days, skip)):
                crimes.append({"crime_id": f"{prefix}{period}{n}", "recorded_at": at, "location_id": location,
                               "ward_code": PLAN_PLACES[location][2], "category": "Burglary",
                               "offence": "Burglary - residential"})

    place("T", "LT", target)
    place("B", "LB", buffer)
    place("F", "LF", (control[0] // 2, control[1] // 2))
    place("C", "LC", (control[0] - control[0] // 2, control[1] - control[1] // 2))
    place("S", "LS", other_district)
    for n in range(in_uncovered_month):
        month = skip[0]
        crimes.append({"crime_id": f"TX{n}", "recorded_at": f"{month}-1{n % 9 + 1} 12:00:00", "location_id": "LT",
                       "ward_code": ABBEY, "category": "Burglary"})
    crimes.append({"crime_id": "LAST", "recorded_at": f"{PLAN_AS_OF} 12:00:00", "location_id": "LS",
                   "ward_code": CASTLE, "category": "Shoplifting"})
    locations = [{"location_id": loc, "address": f"{loc} Plan Street", "street": "Plan Street",
                  "location_type": "dwelling", "ward_code": ward, "lat": lat, "lon": lon, "precision": "address"}
                 for loc, (lat, lon, ward) in PLAN_PLACES.items() if loc not in without_places]
    return write_extracts(directory, crimes=crimes, locations=locations,
                          coverage=coverage_rows("2025-01", PLAN_AS_OF[:7], uncovered=uncovered))


def plan_person_extracts(directory: Path) -> Path:
    """A person PV who is a victim of 6 crimes before the response and 2 after, the offender in
    3 more before, and both victim and offender in one crime before (linked twice, counted once).
    Two other repeat victims in the district, PC1 and PC2, have 8 crimes before and 8 after; PC3
    (3 before) is too occasional to be like the targets; PS in the other district has 9 and 9."""
    crimes, links = [], []

    def crime(crime_id: str, at: str, ward: str, *people: tuple[str, str]) -> None:
        crimes.append({"crime_id": crime_id, "recorded_at": at, "ward_code": ward,
                       "category": "Violence and sexual offences", "offence": "Common assault and battery"})
        links.extend({"crime_id": crime_id, "person_id": p, "role": r} for p, r in people)

    for n, at in enumerate(spread(6, *PLAN_BEFORE)):
        crime(f"V{n}", at, ABBEY, ("PV", "victim"), ("PO", "offender"))
    for n, at in enumerate(spread(2, *PLAN_AFTER)):
        crime(f"VA{n}", at, ABBEY, ("PV", "victim"))
    for n, at in enumerate(spread(3, *PLAN_BEFORE)):
        crime(f"O{n}", at, BEACON, ("PV", "offender"), ("PX", "victim"))
    crime("VO0", "2025-11-20 21:00:00", ABBEY, ("PV", "victim"), ("PV", "offender"))
    for person, ward in (("PC1", ABBEY), ("PC2", BEACON)):
        for period, (first, days) in (("b", PLAN_BEFORE), ("a", PLAN_AFTER)):
            for n, at in enumerate(spread(8, first, days)):
                crime(f"{person}{period}{n}", at, ward, (person, "victim"))
    for n, at in enumerate(spread(3, *PLAN_BEFORE)):
        crime(f"PC3b{n}", at, BEACON, ("PC3", "victim"))
    for period, (first, days) in (("b", PLAN_BEFORE), ("a", PLAN_AFTER)):
        for n, at in enumerate(spread(9, first, days)):
            crime(f"PS{period}{n}", at, CASTLE, ("PS", "victim"))
    crime("LAST", f"{PLAN_AS_OF} 12:00:00", CASTLE)
    return write_extracts(directory, crimes=crimes, crime_people=links,
                          coverage=coverage_rows("2025-01", PLAN_AS_OF[:7]))
