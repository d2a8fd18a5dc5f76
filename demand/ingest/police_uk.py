"""data.police.uk street files, for any force in England and Wales, into the contract.

Input: the archive as data.police.uk lays it out (``YYYY-MM/YYYY-MM-<force>-street.csv``, with
``-outcomes.csv`` and ``-stop-and-search.csv`` beside them), single CSVs, or the archive zip;
one or more forces, any span of months.

What each row becomes:

* a crime row -> ``crimes``: its ``Crime ID``, dated the first day of its month (the files
  give months only), its category, ``Last outcome category`` as the outcome (an outcomes file
  for the crime, when loaded, gives the latest), ``Context`` kept;
* an anti-social behaviour row (no Crime ID) -> ``calls`` with ``asb`` true and an id made of
  its month, a hash of the whole row and its occurrence number among identical rows of the
  file, so loading the same file again gives the same ids;
* its anonymised "On or near ..." point -> ``locations`` (precision ``street``), and a ward
  (``demand.ingest.wards``).

A Crime ID that appears again (police.uk republishes some crimes in a later month, and some
files list one crime twice) is loaded once: the first row, with the outcome of the latest.
The repeats count as duplicates. Stop-and-search files are listed and not used.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from demand.ingest import sources, tables, wards
from demand.ingest.progress import Progress
from demand.ingest.quarantine import FileTally, Quarantine
from demand.ingest.report import ImportReport
from demand.ingest.sources import InputError, InputFile
from demand.schema import CRIME_CATEGORIES

STREET = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
          "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")
OUTCOMES = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
            "LSOA code", "LSOA name", "Outcome type")
STOP_AND_SEARCH_FIRST = ("Type", "Date")
FILE_NAME = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>.+)-(?P<kind>street|outcomes|stop-and-search)\.csv$",
                       re.IGNORECASE)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LSOA = re.compile(r"^[EW]0[12]\d{6}$")
ASB = "Anti-social behaviour"
# England and Wales with a margin: a point outside is not a police.uk map point.
LON_RANGE, LAT_RANGE = (-7.0, 2.5), (49.5, 56.5)
# The contract's outcome is NULL while under investigation.
OPEN_OUTCOMES = {"", "Under investigation"}
# police.uk names some map points by what is there rather than by street.
PLACE_TYPES = {
    "supermarket": "shop", "shopping area": "shop", "petrol station": "shop",
    "nightclub": "licensed premises", "pub/bar": "licensed premises",
    "hospital": "hospital", "school": "school", "further/higher educational building": "school",
    "sports/recreation area": "public space", "park/open space": "public space", "parking area": "public space",
    "theatre/concert hall": "public space", "conference/exhibition centre": "public space",
    "police station": "other", "prison": "other", "airport/airfield": "transport",
    "bus/coach station": "transport", "railway station": "transport", "pedestrian subway": "street",
}


@dataclass
class _File:
    """One input file, classified."""

    input: InputFile
    kind: str  # street, outcomes, stop-and-search
    month: str | None  # from the name; else from the rows
    force: str | None


def classify(found: list[InputFile], given: str) -> list[_File]:
    """The police.uk files among ``found`` (from the path ``given``); a path holding no street
    file is refused, naming it."""
    files = []
    for file in found:
        match = FILE_NAME.match(file.name)
        if match:
            files.append(_File(file, match["kind"].lower(), match["month"], match["force"].lower()))
            continue
        header = _peek_header(file)
        if tuple(header) == STREET:
            files.append(_File(file, "street", None, None))
        elif tuple(header) == OUTCOMES:
            files.append(_File(file, "outcomes", None, None))
        elif tuple(header[:2]) == STOP_AND_SEARCH_FIRST:
            files.append(_File(file, "stop-and-search", None, None))
        else:
            raise InputError(file.display, "is not a data.police.uk street, outcomes or stop-and-search file "
                                           f"(its name is not YYYY-MM-<force>-street.csv and its header is "
                                           f"{', '.join(header[:6])}{', ...' if len(header) > 6 else ''})")
    if not any(f.kind == "street" for f in files):
        names = ", ".join(f.input.name for f in files[:5]) or "no CSV files"
        raise InputError(given, f"holds no data.police.uk street files (YYYY-MM-<force>-street.csv); found: {names}")
    return files


def _peek_header(file: InputFile) -> list[str]:
    if file.size == 0:
        raise InputError(file.display, "is empty (0 bytes)")
    with sources.read_text(file) as rows:
        return rows.header


# --- reading one file -----------------------------------------------------------------------


def read_street(entry: _File, number: int, quarantine: Quarantine) -> tuple[pd.DataFrame, FileTally]:
    """The rows of a street file that pass its row rules; the others go to quarantine."""
    file = entry.input
    tally = FileTally(file.display, "street")
    month = entry.month
    good: list[list] = []
    with sources.read_any(file) as rows:
        _check_header(rows.header, STREET, file, "street")
        for row, values in rows.records:
            if not any(v.strip() for v in values):
                continue  # a blank line is not a row
            tally.read += 1
            if len(values) != len(STREET):
                quarantine.reject(tally, row, "(row)", ",".join(values),
                                  f"has {len(values)} fields, expected {len(STREET)}", "the wrong number of fields")
                continue
            month = month or values[1]
            problem = _street_problem(values, month)
            if problem:
                field, value, reason = problem
                quarantine.reject(tally, row, field, value, reason,
                                  "a row of another month" if reason.startswith("a row of") else None)
                continue
            good.append([number, row, *values])
    if tally.read == 0:
        raise InputError(file.display, "has a header but no rows: data.police.uk never publishes an empty month")
    tally.months = [month]
    frame = pd.DataFrame(good, columns=["file_no", "row", *STREET])
    return frame, tally


def _street_problem(values: list[str], month: str) -> tuple[str, str, str] | None:
    """(field, value, reason) of the first rule the row breaks, or None."""
    crime_id, row_month, *_ = values
    lon, lat, lsoa, category = values[4], values[5], values[7], values[9]
    if not MONTH.match(row_month):
        return "Month", row_month, "not a month (YYYY-MM)"
    if row_month != month:
        return "Month", row_month, f"a row of {row_month} in the file of {month}"
    if category not in CRIME_CATEGORIES:
        return "Crime type", category, "not one of the 14 police.uk categories"
    if category != ASB and not crime_id.strip():
        return "Crime ID", crime_id, "a crime with no Crime ID"
    if bool(lon.strip()) != bool(lat.strip()):
        return "Longitude" if not lon.strip() else "Latitude", lon or lat, "a point needs both coordinates"
    if lon.strip():
        try:
            x, y = float(lon), float(lat)
        except ValueError:
            return "Longitude", f"{lon},{lat}", "not a number"
        if not (LON_RANGE[0] <= x <= LON_RANGE[1] and LAT_RANGE[0] <= y <= LAT_RANGE[1]):
            return "Longitude", f"{lon},{lat}", "not a point in England and Wales"
    if lsoa.strip() and not LSOA.match(lsoa.strip()):
        return "LSOA code", lsoa, "not an LSOA code (E01... or W01...)"
    return None


def read_outcomes(entry: _File, number: int, quarantine: Quarantine) -> tuple[pd.DataFrame, FileTally]:
    file = entry.input
    tally = FileTally(file.display, "outcomes")
    month = entry.month
    good = []
    with sources.read_any(file) as rows:
        _check_header(rows.header, OUTCOMES, file, "outcomes")
        for row, values in rows.records:
            if not any(v.strip() for v in values):
                continue
            tally.read += 1
            if len(values) != len(OUTCOMES):
                quarantine.reject(tally, row, "(row)", ",".join(values),
                                  f"has {len(values)} fields, expected {len(OUTCOMES)}", "the wrong number of fields")
                continue
            month = month or values[1]
            if values[1] != month:
                quarantine.reject(tally, row, "Month", values[1], f"a row of {values[1]} in the file of {month}",
                                  "a row of another month")
            elif not values[0].strip():
                quarantine.reject(tally, row, "Crime ID", "", "an outcome with no Crime ID")
            elif not values[9].strip():
                quarantine.reject(tally, row, "Outcome type", "", "no outcome")
            else:
                good.append([number, row, values[0], values[1], values[9]])
    tally.months = [month] if month else []
    return pd.DataFrame(good, columns=["file_no", "row", "crime_id", "month", "outcome"]), tally


def _check_header(header: list[str], wanted: tuple[str, ...], file: InputFile, kind: str) -> None:
    if tuple(header) != wanted:
        raise InputError(file.display, f"does not have a data.police.uk {kind} file's header: expected "
                                       f"{', '.join(wanted)}; found {', '.join(header)}")


# --- from rows to tables ----------------------------------------------------------------------


def _hash(text: pd.Series, length: int) -> pd.Series:
    unique = text.drop_duplicates()
    digests = dict(zip(unique, (hashlib.sha1(t.encode("utf-8")).hexdigest()[:length] for t in unique)))
    return text.map(digests)


def _asb_ids(asb: pd.DataFrame) -> pd.Series:
    """Month, a hash of the whole row and its occurrence among identical rows of its file:
    the same file loaded again gives the same ids, and two identical reports stay two."""
    content = asb[STREET[0]]
    for column in STREET[1:]:
        content = content + "\x1f" + asb[column]
    nth = content.groupby([asb["file_no"], content]).cumcount() + 1
    return "ASB-" + asb["Month"] + "-" + _hash(content, 16) + "-" + nth.astype(str)


def _keep_first(rows: pd.DataFrame, tallies: list[FileTally], quarantine: Quarantine, field: str) -> pd.DataFrame:
    """One row per id: the earliest (by month, then file, then row). The others are
    duplicates, each quarantined naming the row that was kept."""
    rows = rows.sort_values(["Month", "file_no", "row"], kind="stable")
    repeated = rows.duplicated("id", keep="first")
    first = rows[~repeated].set_index("id")
    for dup in rows.loc[repeated, ["id", "file_no", "row"]].itertuples(index=False):
        kept = first.loc[dup.id]
        quarantine.duplicate(tallies[dup.file_no], dup.row, field, dup.id,
                             f"already loaded from {tallies[kept['file_no']].file} row {kept['row']}")
    return rows[~repeated]


def _latest_outcomes(outcomes: pd.DataFrame, crime_ids: set[str], tallies: list[FileTally],
                     quarantine: Quarantine) -> pd.Series:
    """The latest outcome of each crime in the outcomes files (by month, then file, then row).
    An outcome superseded by a later one of the same crime counts as a duplicate; one for a
    crime not in the street files loaded is rejected, with that reason."""
    if outcomes.empty:
        return pd.Series(dtype=object)
    outcomes = outcomes.sort_values(["month", "file_no", "row"], kind="stable")
    unknown = ~outcomes["crime_id"].isin(crime_ids)
    for row in outcomes.loc[unknown, ["crime_id", "file_no", "row"]].itertuples(index=False):
        quarantine.reject(tallies[row.file_no], row.row, "Crime ID", row.crime_id,
                          "an outcome of a crime not in the street files loaded")
    known = outcomes[~unknown]
    superseded = known.duplicated("crime_id", keep="last")
    for file_no, count in known.loc[superseded, "file_no"].value_counts().items():
        tallies[file_no].duplicates += int(count)  # an outcome history, not an error: not quarantined
    for file_no, count in known.loc[~superseded, "file_no"].value_counts().items():
        tallies[file_no].loaded += int(count)
    latest = known[~superseded]
    return latest.set_index("crime_id")["outcome"]


def _locations(rows: pd.DataFrame) -> pd.DataFrame:
    """One location per police.uk map point (coordinates and name); its ward is the one most
    of its rows were placed in."""
    points = rows[rows["location_id"].notna()]
    ward = (points.groupby(["location_id", "ward_code"]).size().rename("rows").reset_index()
            .sort_values(["location_id", "rows", "ward_code"], ascending=[True, False, True])
            .drop_duplicates("location_id").set_index("location_id")["ward_code"])
    located = points.drop_duplicates("location_id").set_index("location_id").sort_index()
    name = located["Location"].str.removeprefix("On or near ").str.strip()
    kind = name.str.lower().map(PLACE_TYPES)
    return pd.DataFrame({
        "location_id": located.index,
        "address": located["Location"].to_numpy(),
        "street": name.where(kind.isna()).to_numpy(),
        "location_type": kind.fillna("street").to_numpy(),
        "ward_code": ward.reindex(located.index).to_numpy(),
        "lat": located["Latitude"].astype(float).to_numpy(),
        "lon": located["Longitude"].astype(float).to_numpy(),
        "precision": "street",
    })


def _month_start(month: pd.Series) -> pd.Series:
    return pd.to_datetime(month + "-01", format="%Y-%m-%d")


def build(street: pd.DataFrame, outcomes: pd.DataFrame, tallies: list[FileTally], quarantine: Quarantine,
          months: int, districts: list[str] | None) -> tuple[dict[str, pd.DataFrame], dict]:
    """The contract's tables from the rows read, and the placement facts for the report."""
    is_asb = street["Crime type"] == ASB
    asb = street[is_asb].copy()
    asb["id"] = _asb_ids(asb) if len(asb) else pd.Series(dtype=object)
    crimes = street[~is_asb].copy()
    crimes["id"] = crimes["Crime ID"].str.strip()
    # A crime listed more than once keeps its first listing, with the latest listing's outcome,
    # and the outcomes files' latest outcome where they hold one.
    listed = crimes.sort_values(["Month", "file_no", "row"], kind="stable").groupby("id")["Last outcome category"]
    crimes = _keep_first(crimes, tallies, quarantine, "Crime ID")
    asb = _keep_first(asb, tallies, quarantine, "(row)")
    crimes["outcome"] = crimes["id"].map(_latest_outcomes(outcomes, set(crimes["id"]), tallies, quarantine))
    crimes["outcome"] = crimes["outcome"].fillna(crimes["id"].map(listed.last()))

    rows = pd.concat([crimes, asb], ignore_index=True)
    placed = wards.place(rows["LSOA code"].str.strip(), rows["Longitude"], rows["Latitude"])
    chosen = districts or wards.force_districts(placed["district_code"], months)
    ward_table = wards.wards_table(chosen)
    placed = wards.keep_force_wards(placed, ward_table)
    rows["ward_code"] = placed["ward_code"].to_numpy()
    rows["route"] = placed["route"].to_numpy()
    has_point = rows["Longitude"] != ""
    rows["location_id"] = ("L" + _hash(rows["Latitude"] + "|" + rows["Longitude"] + "|" + rows["Location"], 12)
                           ).where(has_point)
    rows["context"] = rows["Context"].where(rows["Context"].str.strip() != "")

    crime_rows, asb_rows = rows[rows["Crime type"] != ASB], rows[rows["Crime type"] == ASB]
    frames = {
        "wards": ward_table,
        "locations": _locations(rows),
        "crimes": pd.DataFrame({
            "crime_id": crime_rows["id"], "recorded_at": _month_start(crime_rows["Month"]), "offence": None,
            "category": crime_rows["Crime type"], "ward_code": crime_rows["ward_code"],
            "location_id": crime_rows["location_id"],
            "outcome": crime_rows["outcome"].where(~crime_rows["outcome"].isin(OPEN_OUTCOMES)),
            "domestic": None, "weapon": None, "context": crime_rows["context"]}),
        "calls": pd.DataFrame({
            "incident_id": asb_rows["id"], "received_at": _month_start(asb_rows["Month"]),
            "incident_type": ASB, "grade": None, "closing_code": None, "ward_code": asb_rows["ward_code"],
            "location_id": asb_rows["location_id"], "caller_id": None, "asb": True, "mental_health": None,
            "domestic": None, "context": asb_rows["context"]}),
    }
    loaded = rows["file_no"].value_counts()
    for number, tally in enumerate(tallies):
        if tally.kind == "street":
            tally.loaded = int(loaded.get(number, 0))
    return frames, {"routes": wards.route_counts(rows["route"]), "wards": ward_table}


# --- the import -----------------------------------------------------------------------------

NOT_HELD = ["missing_episodes", "persons (no person-level data: victims, offenders, callers)"]


def import_files(paths: list[Path], out_dir: Path, *, allow_partial: bool = False,
                 districts: list[str] | None = None, progress_stream=None) -> ImportReport:
    """Read police.uk files and write the contract's tables, quarantine and report to
    ``out_dir``. A file that cannot be used raises InputError, unless ``allow_partial``: then
    it is recorded as refused and its month is missing from the coverage."""
    report = ImportReport("police-uk", [str(p) for p in paths])
    quarantine = Quarantine()
    tallies: list[FileTally] = []
    entries = _entries(paths, allow_partial, tallies)
    progress = Progress(len(entries), "file", progress_stream)
    street, outcomes, months_of = [], [], {}
    for entry in entries:
        progress.step(entry.input.display)
        number = len(tallies)
        if entry.kind == "stop-and-search":
            tallies.append(FileTally(entry.input.display, "not used",
                                     note="not used: stop and search is not part of the contract"))
            continue
        try:
            reader = read_street if entry.kind == "street" else read_outcomes
            frame, tally = reader(entry, number, quarantine)
        except InputError as error:
            if not allow_partial:
                progress.close()
                raise
            quarantine.forget(entry.input.display)
            tallies.append(FileTally(entry.input.display, entry.kind, refused=True, note=f"refused: {error.reason}",
                                     months=[entry.month] if entry.month else []))
            continue
        tallies.append(tally)
        if entry.kind == "street":
            street.append(frame)
            force = entry.force or _slug(frame["Falls within"].iloc[0]) if len(frame) else entry.force
            months_of.setdefault(force, set()).update(tally.months)
        else:
            outcomes.append(frame)
    progress.close()
    if not street:
        raise InputError(", ".join(map(str, paths)), "no street file could be read")

    street_rows = pd.concat(street, ignore_index=True)
    outcome_rows = pd.concat(outcomes, ignore_index=True) if outcomes else pd.DataFrame(
        columns=["file_no", "row", "crime_id", "month", "outcome"])
    every_month = sorted(set().union(*months_of.values()))
    frames, facts = build(street_rows, outcome_rows, tallies, quarantine, len(every_month), districts)

    # A month is covered when every force loaded has its file: a force-wide count is never
    # short of a force's month. Months without a file get no coverage row: missing, not zero.
    covered = sorted(set.intersection(*months_of.values()))
    frames["coverage"] = tables.coverage({"crimes": covered, "calls": covered})
    report.tables = tables.write_all(out_dir, frames)
    quarantine.write(out_dir)
    report.quarantined = quarantine.count()
    report.quarantine_reasons = quarantine.by_rule()

    report.files = tallies
    report.routes = facts["routes"]
    ward_table = facts["wards"]
    report.districts = [{"code": code, "name": group["district"].iloc[0], "wards": len(group)}
                        for code, group in ward_table.groupby("district_code")]
    span = _months_between(covered[0], covered[-1]) if covered else []
    report.covered = {"crimes": covered, "calls": covered}
    report.missing = {t: [m for m in span if m not in covered] for t in ("crimes", "calls")}
    report.not_held = NOT_HELD
    report.person_level = False
    report.notes.append("data.police.uk gives months only: every crime and ASB report is dated the first "
                        "day of its month. Anti-social behaviour reports are loaded as calls (asb).")
    if len(months_of) > 1:
        report.notes.append(f"{len(months_of)} forces loaded; a month is covered only when every one has it.")
    if not report.reconciles():
        raise AssertionError("import counts do not reconcile: " + "; ".join(
            f"{f.file}: {f.read} != {f.loaded} + {f.rejected} + {f.duplicates}" for f in tallies if not f.reconciles()))
    report.finish()
    return report


def _entries(paths: list[Path], allow_partial: bool, tallies: list[FileTally]) -> list[_File]:
    """The police.uk files under every path, in month order; a path that is not usable is
    refused (or, with allow_partial, recorded as refused)."""
    entries: list[_File] = []
    for path in paths:
        try:
            found = sources.expand([Path(path)], (".csv",), what="data.police.uk street files")
            entries += classify(found, str(path))
        except InputError as error:
            if not allow_partial:
                raise
            tallies.append(FileTally(error.file, "input", refused=True, note=f"refused: {error.reason}"))
    return sorted(entries, key=lambda e: (e.month or "", e.force or "", e.kind, e.input.display))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _months_between(first: str, last: str) -> list[str]:
    return [f"{m:%Y-%m}" for m in pd.date_range(f"{first}-01", f"{last}-01", freq="MS")]
