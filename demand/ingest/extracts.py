"""A force's own exports (CSV, parquet, XLSX) into the contract, through a mapping file.

Exports from command-and-control and crime systems are written for people, not programs:
other column names, UK dates (``31/01/2025 23:59``), the force's own codes, Windows-1252
text, a header row repeated on every printed page, a total row at the end, blank lines.
Each row is read, mapped (``demand.ingest.mapping``) and coerced to its contract type; a row
that cannot be (a date that is not one, a code the mapping does not know, an empty key) goes
to quarantine with the file, row, field, value and reason, and the good rows still load.

Coverage: each event table covers the months from its first to its last row; with
``--allow-partial`` a refused file's month (``2025-01`` or ``202501`` in its name) is left
out, so the pages show it missing, never zero.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from demand.ingest import mapping as mapping_file
from demand.ingest import sources, tables, wards
from demand.ingest.mapping import LOCATION_OF, Mapping, MappingError, TableMapping
from demand.ingest.progress import Progress
from demand.ingest.quarantine import FileTally, Quarantine
from demand.ingest.report import ImportReport
from demand.ingest.sources import InputError, InputFile
from demand.schema import GEOCODE_PRECISIONS, TABLES

CHUNK_ROWS = 50_000
TOTAL_ROW = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b|^\s*(record\s+)?count\b|^\s*\d+\s+(rows|records)\b",
                       re.IGNORECASE)
MONTH_IN_NAME = re.compile(r"(20\d{2})[-_]?(0[1-9]|1[0-2])(?!\d)")
LOCATION_TYPES = {"location_id": "VARCHAR", "address": "VARCHAR", "street": "VARCHAR", "location_type": "VARCHAR",
                  "lat": "DOUBLE", "lon": "DOUBLE", "precision": "VARCHAR"}
EVENT_ORDER = ("calls", "crimes", "missing_episodes", "persons", "crime_people", "locations", "powers", "wanted",
               "coverage")


class Coerced:
    """One chunk of rows coerced to contract types, and the first problem of each bad row."""

    def __init__(self, index: pd.Index):
        self.columns: dict[str, pd.Series] = {}
        self.problem = pd.Series(None, index=index, dtype=object)  # (field, value, reason, rule)

    def flag(self, bad: pd.Series, field: str, raw: pd.Series, reason, rule: str | None = None) -> None:
        fresh = bad & self.problem.isna()
        for i in np.flatnonzero(fresh.to_numpy()):
            label = fresh.index[i]
            text = reason(raw.loc[label]) if callable(reason) else reason
            self.problem.loc[label] = (field, raw.loc[label], text, rule or text)


# --- values ------------------------------------------------------------------------------------


def _text(series: pd.Series) -> pd.Series:
    """Cells as trimmed text, None when empty. A whole number a spreadsheet stored as 12345.0
    is the text '12345'; a date cell becomes its ISO text."""
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (datetime, date)):
            return v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat()
        text = str(v).strip()
        return text or None
    return series.map(one).astype(object)


def _example(fmt: str) -> str:
    return datetime(2025, 1, 31, 23, 59).strftime(fmt)


def coerce(series: pd.Series, kind: str, field: str, out: Coerced, options, fmt: str | None,
           where: str) -> pd.Series:
    """``series`` as the contract type ``kind``; cells that are not get flagged on ``out``."""
    text = _text(series)
    empty = text.isna()
    if kind == "VARCHAR":
        return text
    if kind in ("TIMESTAMP", "DATE"):
        native = series.map(lambda v: isinstance(v, (datetime, date)))
        parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
        if native.any():
            parsed[native] = pd.to_datetime(series[native].map(pd.Timestamp)).astype("datetime64[us]")
        rest = ~native & ~empty
        fmt = fmt or options.datetime_format
        if rest.any():
            attempt = pd.Series(pd.NaT, index=text[rest].index, dtype="datetime64[us]")
            for pattern in [fmt, "ISO8601"] if fmt else ["ISO8601"]:
                todo = attempt.isna()
                if todo.any():
                    attempt[todo] = pd.to_datetime(text[rest][todo], format=pattern, errors="coerce")
            parsed[rest] = attempt
        wanted = f"a date like {_example(fmt)} ({fmt})" if fmt else "a date (YYYY-MM-DD HH:MM)"
        out.flag(parsed.isna() & ~empty, field, text, f"not {wanted}", "not a date")
        return parsed.dt.normalize() if kind == "DATE" else parsed
    if kind in ("INTEGER", "DOUBLE"):
        number = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = number.isna() & ~empty
        if kind == "INTEGER":
            bad |= number.notna() & (number % 1 != 0)
            out.flag(bad, field, text, "not a whole number")
            return number.where(~bad).astype("Int64")
        out.flag(bad, field, text, "not a number")
        return number.astype("float64")
    if kind == "BOOLEAN":
        lowered = text.str.lower()
        value = pd.Series(pd.NA, index=series.index, dtype="boolean")
        value[series.map(lambda v: v is True)] = True
        value[series.map(lambda v: v is False)] = False
        value[lowered.isin(options.true_values)] = True
        value[lowered.isin(options.false_values)] = False
        out.flag(value.isna() & ~empty, field, text, rule="not a yes/no value", reason=
                 f"not a yes/no value ({'/'.join(options.true_values[:2])} or {'/'.join(options.false_values[:2])}; "
                 f"set true_values and false_values in {where})")
        return value
    raise ValueError(kind)


def _mapped(series: pd.Series, value_map: dict | None) -> pd.Series:
    """Apply a value map: a cell whose text is a key becomes the key's value; others stay."""
    if not value_map:
        return series
    keys = series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    return series.where(~keys.isin(value_map), keys.map(value_map))


# --- reading one table -------------------------------------------------------------------------


def _is_repeated_header(values: list, header: list[str]) -> bool:
    cells = [("" if v is None else str(v).strip()) for v in values]
    named = [(c, h) for c, h in zip(cells, header) if h]
    return bool(named) and sum(c == h for c, h in named) >= max(1, len(named) // 2 + 1)


def _is_total_row(values: list, key_position: int | None) -> bool:
    if key_position is not None and key_position < len(values):
        key = values[key_position]
        if key is not None and str(key).strip() and not TOTAL_ROW.match(str(key)):
            return False
    return any(isinstance(v, str) and TOTAL_ROW.match(v) for v in values)


def read_file(tm: TableMapping, file: InputFile, number: int, quarantine: Quarantine, where: str
              ) -> tuple[pd.DataFrame, FileTally]:
    """The rows of one file as contract columns (plus file_no, row, and the location and
    LSOA columns the mapping names); bad rows go to quarantine."""
    tally = FileTally(file.display, tm.table)
    options = tm.options
    with sources.read_any(file, options.encoding, options.delimiter, options.sheet, options.skip_rows) as rows:
        return _read_rows(tm, rows, file, number, quarantine, where, tally)


def _read_rows(tm: TableMapping, rows: sources.Rows, file: InputFile, number: int, quarantine: Quarantine,
               where: str, tally: FileTally) -> tuple[pd.DataFrame, FileTally]:
    spec = TABLES[tm.table]
    header = rows.header
    columns = ({c: c for c in spec.column_names if c in header} if tm.by_name else dict(tm.columns))
    needed = list(dict.fromkeys([*columns.values(), *tm.location.values()]))
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(file.display, f"lacks the column(s) {', '.join(repr(c) for c in missing)} named in "
                                       f"{where} (its columns: {', '.join(header)})")
    position = {c: header.index(c) for c in needed}
    key_source = columns.get(spec.key) if spec.key else None
    key_position = header.index(key_source) if key_source else None
    is_text = file.suffix in sources.TEXT_SUFFIXES

    frames, batch, numbers = [], [], []

    def flush():
        if batch:
            frames.append(_coerce_chunk(tm, columns, pd.DataFrame(batch, columns=needed, dtype=object),
                                        numbers, number, tally, quarantine, where))
            batch.clear()
            numbers.clear()

    for row, values in rows.records:
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # a blank line is not a row
        tally.read += 1
        if is_text and len(values) != len(header):
            quarantine.reject(tally, row, "(row)", ",".join(map(str, values)),
                              f"has {len(values)} fields, the header has {len(header)}", "the wrong number of fields")
        elif _is_repeated_header(values, header):
            quarantine.reject(tally, row, "(row)", ",".join(map(str, values)), "a repeated header row, not a record")
        elif _is_total_row(values, key_position):
            quarantine.reject(tally, row, "(row)", ",".join("" if v is None else str(v) for v in values),
                              "a total row, not a record")
        else:
            values = list(values) + [None] * (len(header) - len(values))
            batch.append([values[position[c]] for c in needed])
            numbers.append(row)
            if len(batch) >= CHUNK_ROWS:
                flush()
    flush()
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return frame, tally


def _coerce_chunk(tm: TableMapping, columns: dict[str, str], raw: pd.DataFrame, numbers: list[int],
                  number: int, tally: FileTally, quarantine: Quarantine, where: str) -> pd.DataFrame:
    spec = TABLES[tm.table]
    out = Coerced(raw.index)
    for column in spec.columns:
        source = columns.get(column.name)
        if source is not None:
            values = _mapped(raw[source], tm.values.get(column.name))
            typed = coerce(values, column.type, source, out, tm.options, tm.formats.get(column.name), where)
        elif column.name in tm.constants:
            typed = pd.Series([tm.constants[column.name]] * len(raw), index=raw.index, dtype=object)
            typed = coerce(typed, column.type, f"{where} constants", out, tm.options, None, where)
        else:
            continue
        if column.allowed:
            outside = typed.notna() & ~typed.isin(column.allowed)
            out.flag(outside, source or column.name, typed, lambda v, c=column: (
                f"{v!r} is not one of: {', '.join(c.allowed)} (map it in [{tm.table}.values.{c.name}])"),
                "a value the mapping does not map")
        if not column.nullable:
            out.flag(typed.isna(), source or column.name, raw[source] if source else typed,
                     "is empty, but every row needs it")
        out.columns[column.name] = typed
    for name, source in tm.location.items():
        typed = coerce(raw[source], LOCATION_TYPES[name], source, out, tm.options, None, where)
        if name == "precision":
            out.flag(typed.notna() & ~typed.isin(GEOCODE_PRECISIONS), source, typed,
                     lambda v: f"{v!r} is not one of: {', '.join(GEOCODE_PRECISIONS)}", "not a precision")
        out.columns[f"loc_{name}"] = typed
    if "lsoa" in columns:
        out.columns["lsoa"] = _text(raw[columns["lsoa"]])
    frame = pd.DataFrame(out.columns, index=raw.index)
    frame["file_no"], frame["row"] = number, numbers
    bad = out.problem.notna()
    for label in np.flatnonzero(bad.to_numpy()):
        field, value, reason, rule = out.problem.iloc[label]
        quarantine.reject(tally, numbers[label], field, value, reason, rule)
    return frame[~bad.to_numpy()]


# --- the import ---------------------------------------------------------------------------------


def _files(src: Path, tm: TableMapping, where: str) -> list[InputFile]:
    found = sources.walk(src)
    relative = {p: p.relative_to(src).as_posix() for p in found}
    matched = [p for p in found if any(fnmatch.fnmatch(relative[p], pattern) for pattern in tm.files)]
    if not matched and not tm.by_name:
        raise InputError(str(src), f"no file matches {', '.join(tm.files)} ({where} files)")
    return [f for p in matched for f in sources._expand_file(p, sources.DATA_SUFFIXES, explicit=True)]


def _dedupe(frame: pd.DataFrame, key: str | None, tallies: list[FileTally], quarantine: Quarantine,
            source_key: str) -> pd.DataFrame:
    if key is None or frame.empty:
        return frame
    frame = frame.sort_values(["file_no", "row"], kind="stable")
    repeated = frame.duplicated(key, keep="first")
    first = frame[~repeated].set_index(key)[["file_no", "row"]]
    for dup in frame.loc[repeated, [key, "file_no", "row"]].itertuples(index=False):
        kept = first.loc[dup[0]]
        quarantine.duplicate(tallies[dup[1]], dup[2], source_key, dup[0],
                             f"already loaded from {tallies[kept['file_no']].file} row {kept['row']}")
    return frame[~repeated]


def _location_ids(frame: pd.DataFrame) -> pd.Series:
    """The location reference of each row: the export's own, else one made from its address
    (so a call and a crime at the same address share a location, as repeat locations need),
    else from its point."""
    given = frame["loc_location_id"] if "loc_location_id" in frame else pd.Series(None, index=frame.index)
    if "loc_address" in frame:
        address = frame["loc_address"].str.upper().str.replace(r"[\s,.]+", " ", regex=True).str.strip()
    else:
        address = pd.Series(None, index=frame.index, dtype=object)
    if "loc_lat" in frame and "loc_lon" in frame:
        point = frame["loc_lat"].round(5).astype(str) + "," + frame["loc_lon"].round(5).astype(str)
        point = point.where(frame["loc_lat"].notna() & frame["loc_lon"].notna())
        address = address.where(address.notna() & (address != ""), point)
    made = "L" + address.dropna().map(lambda t: hashlib.sha1(t.encode("utf-8")).hexdigest()[:12])
    return given.where(given.notna(), made.reindex(frame.index))


def import_folder(src: Path, out_dir: Path, *, mapping: Path | None = None, allow_partial: bool = False,
                  progress_stream=None) -> ImportReport:
    """Read the exports in ``src`` as the mapping says and write the contract's tables,
    quarantine and report to ``out_dir``."""
    src = Path(src)
    if not src.is_dir():
        raise InputError(str(src), "is not a folder of extracts")
    spec = _mapping(src, mapping)
    where_of = (lambda t: f"{spec.path} [{t}]") if spec.path else (lambda t: f"{t}.parquet")
    report = ImportReport("extracts", [str(src)])
    quarantine = Quarantine()
    tallies: list[FileTally] = []
    wanted = [spec.tables[t] for t in EVENT_ORDER if t in spec.tables] + ([spec.wards] if spec.wards else [])
    work = [(tm, file) for tm in wanted for file in _files(src, tm, where_of(tm.table))]
    progress = Progress(len(work), "file", progress_stream)
    read: dict[str, list[pd.DataFrame]] = {}
    refused_months: dict[str, set[str]] = {}
    for tm, file in work:
        progress.step(file.display)
        try:
            frame, tally = read_file(tm, file, len(tallies), quarantine, where_of(tm.table))
        except InputError as error:
            if not allow_partial:
                progress.close()
                raise
            quarantine.forget(file.display)
            month = MONTH_IN_NAME.search(file.name)
            months = [f"{month[1]}-{month[2]}"] if month else []
            tallies.append(FileTally(file.display, tm.table, refused=True, note=f"refused: {error.reason}",
                                     months=months))
            refused_months.setdefault(tm.table, set()).update(months)
            continue
        tallies.append(tally)
        read.setdefault(tm.table, []).append(frame)
    progress.close()

    frames = {name: _dedupe(pd.concat(parts, ignore_index=True), TABLES[name].key, tallies, quarantine,
                            spec.tables[name].columns.get(TABLES[name].key, TABLES[name].key)
                            if name in spec.tables else "ward_code")
              for name, parts in read.items() if parts and any(len(p) for p in parts)}
    for number, tally in enumerate(tallies):
        if not tally.refused:
            tally.loaded = tally.read - tally.rejected - tally.duplicates
    ward_table = _wards(spec, frames)
    routes = _place_events(frames, ward_table)
    out = _contract_frames(frames, ward_table)
    if "coverage" in frames:  # contract-shaped data that says which months it covers
        given = frames["coverage"]
        given = given[given["covered"].fillna(False).astype(bool)]
        months = {t: {f"{m:%Y-%m}" for m in given.loc[given["table_name"] == t, "month"]} - refused_months.get(t, set())
                  for t in ("calls", "crimes", "missing_episodes") if t in set(given["table_name"])}
    else:
        months = {t: _months(out.get(t), TABLES[t].time_column) - refused_months.get(t, set())
                  for t in ("calls", "crimes", "missing_episodes") if t in spec.tables}
    out["coverage"] = tables.coverage({t: sorted(m) for t, m in months.items()})
    report.tables = tables.write_all(out_dir, out)
    quarantine.write(out_dir)
    report.quarantined = quarantine.count()
    report.quarantine_reasons = quarantine.by_rule()

    report.files = tallies
    report.routes = routes
    codes = ward_table["district_code"] if "district_code" in ward_table else pd.Series(None, index=ward_table.index)
    report.districts = [{"code": codes[group.index].dropna().iloc[0] if codes[group.index].notna().any() else "",
                         "name": name, "wards": len(group)}
                        for name, group in ward_table.groupby("district", sort=True)]
    for table, held in months.items():
        ordered = sorted(held)
        report.covered[table] = ordered
        span = _between(ordered[0], ordered[-1]) if ordered else []
        report.missing[table] = [m for m in span if m not in held]
    report.not_held = [t for t in ("calls", "crimes", "missing_episodes") if t not in months]
    report.person_level = bool(len(out.get("persons", ())) or len(out.get("crime_people", ()))
                               or len(out.get("missing_episodes", ())))
    if not report.person_level:
        report.not_held.append("persons (no person-level data)")
    if not report.reconciles():
        raise AssertionError("import counts do not reconcile")
    report.finish()
    return report


def _mapping(src: Path, given: Path | None) -> Mapping:
    if given is not None:
        return mapping_file.load(given)
    for name in ("mapping.toml", "mapping.yaml", "mapping.yml"):
        if (src / name).is_file():
            return mapping_file.load(src / name)
    return mapping_file.by_name(src)


def _wards(spec: Mapping, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    if spec.ons_districts:
        try:
            return wards.wards_table(list(spec.ons_districts))
        except ValueError as error:
            raise MappingError(f"{spec.path} [wards] ons_districts: {error}") from None
    table = frames.get("wards")
    if table is None or table.empty:
        raise MappingError(f"{spec.path or 'wards.parquet'}: the area table holds no usable row")
    return table[[c for c in TABLES["wards"].column_names if c in table]].reset_index(drop=True)


def _place_events(frames: dict[str, pd.DataFrame], ward_table: pd.DataFrame) -> dict[str, int]:
    """Each event's ward: the code in the extract when it is one of the force's areas; else,
    for ONS wards, the row's point or LSOA (demand.ingest.wards)."""
    known = set(ward_table["ward_code"])
    routes = pd.Series(dtype=object)
    for name in ("calls", "crimes", "missing_episodes"):
        frame = frames.get(name)
        if frame is None:
            continue
        given = frame["ward_code"] if "ward_code" in frame else pd.Series(None, index=frame.index, dtype=object)
        route = pd.Series(np.where(given.isin(known), "given", None), index=frame.index, dtype=object)
        route[given.notna() & ~given.isin(known)] = "unknown_ward"
        todo = route.isna()
        if todo.any() and ("lsoa" in frame or "loc_lat" in frame):
            placed = wards.keep_force_wards(wards.place(
                frame.loc[todo, "lsoa"] if "lsoa" in frame else [None] * int(todo.sum()),
                frame.loc[todo, "loc_lon"] if "loc_lon" in frame else [None] * int(todo.sum()),
                frame.loc[todo, "loc_lat"] if "loc_lat" in frame else [None] * int(todo.sum())), ward_table)
            given = given.copy()
            given[todo] = placed["ward_code"].to_numpy()
            route[todo] = placed["route"].to_numpy()
        route[route.isna()] = "no_location"
        frame["ward_code"] = given.where(route.isin(["given", *wards.ROUTES]))
        routes = pd.concat([routes, route])
    return wards.route_counts(routes)


def _contract_frames(frames: dict[str, pd.DataFrame], ward_table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {"wards": ward_table}
    derived = []
    for name, frame in frames.items():
        if name in ("wards", "coverage"):
            continue
        if name in LOCATION_OF and any(c.startswith("loc_") for c in frame):
            ids = _location_ids(frame)
            frame[LOCATION_OF[name]] = frame[LOCATION_OF[name]].where(frame[LOCATION_OF[name]].notna(), ids) \
                if LOCATION_OF[name] in frame else ids
            located = frame[ids.notna()]
            derived.append(pd.DataFrame({
                "location_id": ids[ids.notna()],
                **{c: located[f"loc_{c}"] for c in ("address", "street", "location_type", "lat", "lon", "precision")
                   if f"loc_{c}" in located},
                "ward_code": located.get("ward_code"),
            }))
        out[name] = frame[[c for c in TABLES[name].column_names if c in frame]]
    if derived:
        # One row per location: the first value each column has on any of its rows.
        from_rows = pd.concat(derived, ignore_index=True).groupby("location_id", sort=True).first().reset_index()
        given = out.get("locations")
        out["locations"] = from_rows if given is None else pd.concat(
            [given, from_rows[~from_rows["location_id"].isin(given["location_id"])]], ignore_index=True)
    return out


def _months(frame: pd.DataFrame | None, column: str) -> set[str]:
    if frame is None or frame.empty or frame[column].isna().all():
        return set()
    first, last = frame[column].min(), frame[column].max()
    return set(_between(f"{first:%Y-%m}", f"{last:%Y-%m}"))


def _between(first: str, last: str) -> list[str]:
    return [f"{m:%Y-%m}" for m in pd.date_range(f"{first}-01", f"{last}-01", freq="MS")]
