"""The DuckDB layer: every read of the data goes through a Store.

A Store checks a directory of parquet extracts against the contract in ``demand.schema``,
builds a DuckDB database file from them (the snapshot) and answers the queries in
``queries/``. Why a database file: on this machine DuckDB reads its own tables about 2x
faster than its own sorted parquet, and 5x faster than pyarrow's parquet (STYLE.md), and a
file can be swapped whole, so a refresh never leaves a half-built snapshot serving.

The snapshot is named after a fingerprint of the extract files (the directory they resolve
to, and each file's name, size and mtime), so a changed extract is noticed on the next
``refresh()``. The data directory may be a symbolic link that an import switches to a new
release (``demand.ingest.publish``): the Store resolves it once per refresh and reads that
release only, so a switch in the middle of a build cannot mix two releases. A broken
extract raises ExtractError naming the table, column and row; the snapshot already serving
keeps serving.

A ``Snapshot`` is one built snapshot, open read-only; ``Store.pin()`` hands it out so that
everything one page run or one command reads comes from the same data, even if a refresh
lands meanwhile (the old snapshot stays open until nobody holds it). A Snapshot answers the
analyses as a Store does.

DuckDB connections are not thread-safe and Streamlit sessions are threads: each snapshot has
one read-only connection and every query runs on its own cursor. That connection
is locked once open: no file outside the snapshot can be read or written, no extension
loaded or installed, memory and threads capped by settings, and the configuration frozen.

Reads are the read gate's job (``demand.reader``): ``Store._query`` is private to the
analyses the gate runs, and refuses a query over events or persons without the Scope the
gate resolved, or with a parameter that would override it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd

from demand import config, sql
from demand.schema import TABLES, TYPE_FAMILIES, Table

# Bump when the build changes what a snapshot holds, so old snapshots are rebuilt.
SNAPSHOT_FORMAT = 21  # 3: in_covered_month; 4: event_kinds, the data's span; 5: context, snapshot_facts;
# 6: event_details and person_role_events (plan assessments), in_covered_month as IN;
# 7: the optional tables (powers, wanted) always present, held_tables says which were delivered;
# 8: derived tables for the analyses (snapshot_derived.sql), in_area, wards_known;
# 10: location_totals (each place's events per ward, for the searches), location_events.people (the
#     people on each event at a place, for its profile); 9 was used by work in flight, never on main;
# 11: map_events (the map's events with their coordinates, sorted by time)
# 12: crime_links once per person, crime and role group (victim, offender), sorted by group and time
# 13: in_months_held (the uncovered-months test the counts shared, written once)
# 14: integer keys for places and callers (location_keys, caller_keys), crime_kinds, and the rankings'
#     narrow counts tables location_counts and caller_calls (grouped by the key, not the text reference)
# 15: crime_streets (each crime's street and covered month, sorted by time, for the public summary),
#     person_events.linked (the other people on a crime as a person's timeline words them)
# 16: passes_filters, the repeat lists' category, weapon and domestic filters as one macro
# 17: the derived tables in row groups of DERIVED_ROW_GROUP_SIZE rows; crime_links, location_counts
#     and caller_calls sorted by quarter, then ward, then time
# 18: the Find page's search tables (location_search, person_search with the text lowered once and
#     the whole data's totals, person_totals, street_places, street_totals) and every_row
# 19: person_events and location_events without the columns a reader works out per row (role,
#     category, offence; a call's or an episode's linked, timeline_what but for episodes)
# 20: person_totals sorted by ward (it serves as person_wards, which is gone)
# 21: in_area written so that DuckDB skips row groups by ward (the ward-sorted tables were read whole
#     for the window's quarters)
#
# The derived tables are sorted for range reads (a ward's window, a person's or a place's events),
# and DuckDB skips a row group by its least and greatest values: in its default row groups of
# 122,880 rows a ward's 90 days, or 50 people's events, touched several whole row groups, of which
# a few thousand rows were wanted. Smaller ones skip finer. The contract's tables keep the default:
# they are read whole or by index, and compress better in large row groups.
DERIVED_ROW_GROUP_SIZE = 16_384

# Written by an import beside the tables it published (demand.ingest.report).
IMPORT_REPORT = "import_report.json"
# How many snapshot files to keep: the one serving and the one before it.
SNAPSHOTS_KEPT = 2
# How many values Snapshot.memo keeps (areas resolved for users, the months each source covers).
MEMOS_KEPT = 10_000


@dataclass(frozen=True)
class Problem:
    table: str
    message: str
    column: str | None = None
    file: str | None = None
    row: int | None = None  # 0-based row number within the file; shown counting from 1

    def __str__(self) -> str:
        where = self.file or f"{self.table}"
        if self.column:
            where += f", column {self.column}"
        if self.row is not None:
            where += f", row {self.row + 1}"
        return f"{where}: {self.message}"


class ExtractError(Exception):
    """The extracts break the contract; each problem names table, column and row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Scope:
    """The wards a query may read. Events with no ward are read only when the area is
    the whole force (include_unwarded), never for a ward or district."""

    wards: tuple[str, ...]
    include_unwarded: bool = False
    label: str = ""

    def params(self) -> dict:
        return {"wards": list(self.wards), "include_unwarded": self.include_unwarded}


SCOPE_PARAMS = frozenset({"wards", "include_unwarded"})


# --- finding and checking the extract files ----------------------------------------


def table_files(data_dir: Path, table: Table) -> list[Path]:
    """``<table>.parquet``, or every parquet file in a ``<table>/`` folder."""
    single = data_dir / f"{table.name}.parquet"
    if single.is_file():
        return [single]
    folder = data_dir / table.name
    if folder.is_dir():
        return sorted(folder.glob("*.parquet"))
    return []


def fingerprint(data_dir: Path) -> str:
    """Changes whenever an extract file changes, or the directory resolves somewhere else
    (a data link switched to a new release)."""
    digest = hashlib.sha256(f"format {SNAPSHOT_FORMAT}|{Path(data_dir).resolve()}".encode())
    for table in TABLES.values():
        for path in table_files(data_dir, table):
            stat = path.stat()
            digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def _read(files: list[Path], **options) -> str:
    """A read_parquet call over literal paths. Paths are quoted here because DuckDB cannot
    bind parameters inside a CREATE TABLE ... AS; they come from the file system, not
    from a user."""
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    extra = "".join(f", {k}={v}" for k, v in options.items())
    return f"read_parquet([{listed}], union_by_name=true{extra})"


def _base_type(duck_type: str) -> str:
    return duck_type.split("(")[0].strip()


def check_table(con: duckdb.DuckDBPyConnection, data_dir: Path, table: Table) -> list[Problem]:
    problems, found = _check_shape(con, data_dir, table)
    if problems or not found:
        return problems
    files = table_files(data_dir, table)
    return _check_values(con, files, table, found) + _check_key(con, files, table)


def _check_shape(con: duckdb.DuckDBPyConnection, data_dir: Path, table: Table) -> tuple[list[Problem], dict[str, str]]:
    """The table's files, each column's type and the required columns (read from the files'
    metadata, not their rows): the problems found, and the columns present with their types."""
    files = table_files(data_dir, table)
    if not files:
        if table.optional:
            return [], {}
        return [Problem(table.name, f"table missing: expected {table.name}.parquet "
                        f"or a {table.name}/ folder of parquet files in {data_dir}")], {}
    problems: list[Problem] = []
    found: dict[str, str] = {}
    for path in files:
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {_read([path])}").fetchall()
        except duckdb.Error as error:
            first_line = str(error).splitlines()[0]
            problems.append(Problem(table.name, f"unreadable parquet file ({first_line})",
                                    file=str(path)))
            continue
        for name, duck_type, *_ in described:
            found.setdefault(name, duck_type)
            if name in table.column_names:
                wanted = table.column(name).type
                if _base_type(duck_type) not in TYPE_FAMILIES[wanted]:
                    problems.append(Problem(table.name, f"has type {duck_type}, expected {wanted}",
                                            column=name, file=str(path)))
    if problems:
        return problems, found
    for column in table.columns:
        if column.required and column.name not in found:
            problems.append(Problem(table.name, f"required column missing (has: {', '.join(found)})",
                                    column=column.name))
    return problems, found


def _check_values(con, files: list[Path], table: Table, found: dict[str, str]) -> list[Problem]:
    """NULLs where the contract forbids them and values outside a closed vocabulary: the
    first offending row of each, with its file and row number."""
    checks = []
    for column in table.columns:
        if column.name not in found:
            continue
        quoted = f'"{column.name}"'
        if not column.nullable:
            checks.append((column, f"{quoted} IS NULL", "is empty (NULL) but is required"))
        if column.allowed:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in column.allowed)
            checks.append((column, f"{quoted} IS NOT NULL AND {quoted}::VARCHAR NOT IN ({allowed})",
                           "value {value!r} is not one of: " + ", ".join(column.allowed)))
    if not checks:
        return []
    source = _read(files, filename="true", file_row_number="true")
    selects = ", ".join(
        f"min_by(struct_pack(f := filename, r := file_row_number, v := \"{c.name}\"::VARCHAR), "
        f"file_row_number) FILTER (WHERE {condition})"
        for c, condition, _ in checks
    )
    first_bad = con.execute(f"SELECT {selects} FROM {source}").fetchone()
    problems = []
    for (column, _, message), bad in zip(checks, first_bad):
        if bad is not None:
            problems.append(Problem(table.name, message.format(value=bad["v"]), column=column.name,
                                    file=bad["f"], row=bad["r"]))
    return problems


def _check_key(con, files: list[Path], table: Table) -> list[Problem]:
    """A key that repeats would count one event twice: name its second row."""
    if table.key is None:
        return []
    source = _read(files, filename="true", file_row_number="true")
    repeat = con.execute(
        f'SELECT "{table.key}"::VARCHAR, filename, file_row_number FROM ('
        f'  SELECT *, row_number() OVER (PARTITION BY "{table.key}" ORDER BY filename, file_row_number) AS nth'
        f"  FROM {source}) WHERE nth = 2 LIMIT 1"
    ).fetchone()
    if repeat is None:
        return []
    value, file, row = repeat
    return [Problem(table.name, f"value {value!r} appears more than once; each row needs its own",
                    column=table.key, file=file, row=row)]


def check_extracts(data_dir: Path) -> list[Problem]:
    if not data_dir.is_dir():
        return [Problem("*", f"data directory {data_dir} does not exist")]
    con = _quiet_connection()
    try:
        return [p for table in TABLES.values() for p in check_table(con, data_dir, table)]
    finally:
        con.close()


# --- building a snapshot --------------------------------------------------------------


def _quiet_connection(path: Path | None = None, row_group_size: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection for checking or building: DuckDB draws a progress bar on stdout for any
    statement longer than two seconds, even when stdout is a log file, so it is turned off.
    ``row_group_size``: the rows of each row group the connection writes (DuckDB's default
    when None); the file is attached with it, as DuckDB sets it per attached database."""
    if row_group_size is None:
        con = duckdb.connect(str(path) if path else ":memory:")
    else:
        con = duckdb.connect(":memory:")
        con.execute(f"ATTACH ? AS building (ROW_GROUP_SIZE {int(row_group_size)})", [str(path)])
        con.execute("USE building")
    con.execute("SET enable_progress_bar = false")
    return con


def _select_contract(con, files: list[Path], table: Table) -> str:
    present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {_read(files)}").fetchall()}
    columns = ", ".join(
        f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' if c.name in present
        else f'CAST(NULL AS {c.type}) AS "{c.name}"'
        for c in table.columns
    )
    order = f' ORDER BY "{table.time_column}"' if table.time_column else ""
    return f"SELECT {columns} FROM {_read(files)}{order}"


def _value_checks(table: Table, found: dict[str, str]) -> list[str]:
    """The checks of _check_values as SQL conditions on a loaded table, each true for a row
    that breaks the contract (the loaded values are the files' values cast to the contract's
    types, which keeps NULLs NULL and a vocabulary column's text unchanged)."""
    conditions = []
    for column in table.columns:
        if column.name not in found:
            continue
        quoted = f'"{column.name}"'
        if not column.nullable:
            conditions.append(f"{quoted} IS NULL")
        if column.allowed:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in column.allowed)
            conditions.append(f"{quoted} IS NOT NULL AND {quoted}::VARCHAR NOT IN ({allowed})")
    return conditions


def _loaded_table_is_suspect(con, table: Table, found: dict[str, str]) -> bool:
    """Whether a loaded table may break the contract's value or key rules: a quick look at
    DuckDB's own copy that settles the common case (no problem) without reading the files
    again. When it answers yes, check_extracts reads the files to name each problem's file
    and row, exactly as before."""
    checks = [f"bool_or({condition})" for condition in _value_checks(table, found)]
    if table.key is not None:
        key = f'"{table.key}"'
        # check_key partitions by the key: a value twice, or two NULLs, is a repeat.
        checks.append(f"count({key}) > count(DISTINCT {key}) OR count(*) - count({key}) >= 2")
    if not checks:
        return False
    return bool(con.execute(f"SELECT {' OR '.join(f'coalesce({c}, false)' for c in checks)} FROM {table.name}"
                            ).fetchone()[0])


def _empty_table(table: Table) -> str:
    columns = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
    return f"CREATE TABLE {table.name} ({columns})"


def build_snapshot(data_dir: Path, target: Path) -> None:
    """Check the extracts and write a DuckDB file at ``target``, atomically: the contract's
    tables, sorted by event time, and the derived tables the analyses read
    (queries/snapshot_derived.sql)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_suffix(f".building-{os.getpid()}-{threading.get_ident()}")
    building.unlink(missing_ok=True)
    con = _quiet_connection(building)
    try:
        shapes = {name: _check_shape(con, data_dir, table) for name, table in TABLES.items()}
        if any(problems for problems, _ in shapes.values()):
            raise ExtractError(check_extracts(data_dir))
        for table in TABLES.values():
            files = table_files(data_dir, table)
            if files:
                con.execute(f"CREATE TABLE {table.name} AS {_select_contract(con, files, table)}")
            elif table.optional and table.name != "coverage":
                con.execute(_empty_table(table))  # queries read it; held_tables says it was not delivered
        if any(_loaded_table_is_suspect(con, TABLES[name], found) for name, (_, found) in shapes.items() if found):
            raise ExtractError(check_extracts(data_dir))
        if not table_files(data_dir, TABLES["coverage"]):
            con.execute(sql.load("derive_coverage").text)
        # Which tables the extracts delivered: an optional table left out is "not held", never zero.
        con.execute("CREATE TABLE held_tables (table_name VARCHAR, held BOOLEAN)")
        con.executemany("INSERT INTO held_tables VALUES (?, ?)",
                        [[t.name, bool(table_files(data_dir, t))] for t in TABLES.values()])
        con.execute(sql.load("snapshot_views").text)
        # The data's span is a fact about the snapshot: reading it never touches the events.
        con.execute(
            "CREATE TABLE snapshot_meta AS SELECT ?::VARCHAR AS source, ?::TIMESTAMP AS built_at, "
            "min(\"at\") AS first_at, max(\"at\") AS last_at FROM events",
            [str(data_dir), datetime.now().replace(microsecond=0)],
        )
        con.execute(sql.load("derive_snapshot_facts").text)
        # DuckDB sets the row group size per attached file: the derived tables are written
        # through a second connection that attaches the same file with theirs.
        con.execute("CHECKPOINT")
        con.close()
        con = _quiet_connection(building, row_group_size=DERIVED_ROW_GROUP_SIZE)
        con.execute(sql.load("snapshot_derived").text)
        con.execute(sql.load("snapshot_indexes").text)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(building, target)


# --- serving --------------------------------------------------------------------------


def lock(connection: duckdb.DuckDBPyConnection) -> None:
    """Close a serving connection to everything but its snapshot: no external files (so no
    query can read /etc/passwd or write a copy of the data), no extension loaded or installed,
    memory and threads from settings, no progress bar, and the configuration locked so none of
    this can be undone from SQL.

    The memory limit bounds DuckDB's part of a serving process: its buffer pool (the blocks of
    the snapshot it has read) and every running query's hash tables and sorts, for all sessions
    together (see config.DEFAULT_DUCKDB_MEMORY). A query that needs more spills to DuckDB's
    temporary directory, ``<snapshot>.duckdb.tmp`` beside the snapshot (each process its own
    files in it), rather than failing; external access off does not prevent that."""
    memory, threads = config.duckdb_limits()
    # DuckDB shares one database instance between connections to the same file in a process,
    # so a second Store over the same snapshot finds it locked already.
    if connection.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        if connection.execute("SELECT current_setting('enable_external_access')").fetchone()[0]:
            raise RuntimeError("a DuckDB connection was locked with external access still enabled")
        return
    for statement in (
        "SET enable_external_access = false",
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        f"SET memory_limit = '{memory}'",
        f"SET threads = {threads}",
        "SET enable_progress_bar = false",
        "SET lock_configuration = true",
    ):
        connection.execute(statement)


def snapshot_file(source: Path, cache: Path | None = None) -> Path:
    """Where the snapshot of the extracts in ``source`` lives, built or not."""
    return (cache or config.cache_dir(source)) / f"snapshot-{fingerprint(source)}.duckdb"


def prepare(source: Path, cache: Path | None = None) -> Path:
    """Build the snapshot a Store would open for ``source`` (raising ExtractError when the
    extracts break the contract), so an import can publish data that serves at once."""
    path = snapshot_file(source, cache)
    if not path.exists():
        build_snapshot(source, path)
    return path


class Snapshot:
    """One built snapshot, open read-only and locked: a page run or a command reads all it
    needs from one of these, so its answers never mix two versions of the data."""

    def __init__(self, path: Path, fingerprint_: str, source: Path, data_dir: Path):
        self.path = path
        self.fingerprint = fingerprint_
        self.source = source  # the directory the extracts were read from (a release, resolved)
        self.data_dir = data_dir  # the directory as configured (perhaps a link)
        self.connection = duckdb.connect(str(path), read_only=True)
        lock(self.connection)
        self.opened_at = time.time()
        self._references: dict[str, pd.DataFrame] = {}
        self._memos: dict[tuple, object] = {}
        self._reference_lock = threading.Lock()

    @property
    def version(self) -> str:
        """Changes whenever the data changes: use it in result-cache keys."""
        return self.fingerprint

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.connection.cursor()

    def _query(self, name: str, scope: Scope | None = None, **params) -> pd.DataFrame:
        """Run ``queries/<name>.sql`` with its named parameters bound. Private to the analyses
        the read gate runs (demand.analytics, demand.records, demand.areas): a query over
        events or persons needs the gate's Scope, and no parameter may override it."""
        query = sql.load(name)
        if "build" in query.reads:
            raise PermissionError(f"query {name} builds a snapshot; it is never served")
        overriding = SCOPE_PARAMS & params.keys()
        if overriding:
            raise PermissionError(f"query {name}: {sorted(overriding)} come from the Scope only")
        if query.scoped and scope is None:
            raise PermissionError(f"query {name} reads {', '.join(sorted(query.reads))}: it needs a Scope")
        values = {**(scope.params() if scope and "wards" in query.params else {}), **params}
        if scope is not None and "include_unwarded" not in query.params:
            values.pop("include_unwarded", None)
        elif scope is not None and "wards" in query.params and self._every_row(scope):
            values["wards"] = None  # in_area: every row, so DuckDB drops the test
        cursor = self.cursor()
        try:
            return cursor.execute(query.text, query.bind(values)).df()
        finally:
            cursor.close()

    # --- facts about this data (worked out when the snapshot was built) --------------------

    def reference(self, name: str) -> pd.DataFrame:
        """The answer of a reference query that takes no parameter (the wards, the data's span,
        the coverage table, the vocabulary of event kinds), read once per snapshot: a snapshot
        never changes, so every later call is a copy of the first answer, not a query."""
        query = sql.load(name)
        if query.params or query.reads != frozenset({"reference"}):
            raise PermissionError(f"query {name} is not a reference query without parameters")
        with self._reference_lock:
            if name not in self._references:
                self._references[name] = self._query(name)
            return self._references[name].copy()

    def memo(self, key: tuple, compute):
        """A value worked out once per snapshot from its reference data (the months each
        source covers, the Scope of an area): ``compute()`` the first time, the same object
        after. Callers must not change what it returns."""
        with self._reference_lock:
            if key in self._memos:
                return self._memos[key]
        value = compute()
        with self._reference_lock:
            if len(self._memos) >= MEMOS_KEPT:  # keys come from what people ask: keep a bounded few
                return value
            return self._memos.setdefault(key, value)

    @cached_property
    def _facts(self) -> dict:
        return self.reference("snapshot_facts").iloc[0].to_dict()

    @cached_property
    def _ward_codes(self) -> frozenset[str]:
        return frozenset(self.reference("ward_list")["ward_code"])

    def _every_row(self, scope: Scope) -> bool:
        """Whether a scope reads every row: the whole force (every ward and the rows with no
        ward) where every ward a row names is one of the wards table's."""
        return scope.include_unwarded and bool(self._facts["wards_known"]) and set(scope.wards) == self._ward_codes

    @property
    def person_level(self) -> bool:
        """Whether person-level data is loaded (people, their links to crimes, missing
        episodes). Public data (data.police.uk) has none: person lists and profiles say so."""
        return bool(self._facts["person_level"])

    @property
    def held_sources(self) -> tuple[str, ...]:
        """The event sources this data holds: a source with no rows and no coverage row
        (missing episodes in police.uk data) is not held, which is not the same as zero."""
        return tuple(t for t in ("calls", "crimes", "missing_episodes") if self._facts[f"{t}_held"])

    @property
    def month_dated(self) -> bool:
        """Whether events carry their month only (data.police.uk): every one at midnight on
        the first of its month. Pages then speak of months, not days and weeks."""
        return bool(self._facts["month_dated"])

    @cached_property
    def import_report(self) -> dict | None:
        """The report of the import that published this data, when an import did."""
        path = self.source / IMPORT_REPORT
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @cached_property
    def refreshed_at(self) -> datetime:
        """When this data was published: by the import that wrote it, else when its newest
        extract file was written."""
        published = (self.import_report or {}).get("published_at")
        if published:
            return datetime.fromisoformat(published)
        times = [p.stat().st_mtime for t in TABLES.values() for p in table_files(self.source, t)]
        return datetime.fromtimestamp(max(times)) if times else datetime.fromtimestamp(self.opened_at)

    def close(self) -> None:
        self.connection.close()


class Store:
    """The data a running app or command reads. Open with ``Store(data_dir)``.

    Reads go to the snapshot serving at the time of the call; ``pin()`` returns that
    snapshot so a sequence of reads (a page run) stays on it."""

    def __init__(self, data_dir: Path | str | None = None, cache: Path | None = None):
        self.data_dir = config.data_dir(data_dir)
        self._cache = cache
        self.last_error: ExtractError | None = None
        self._lock = threading.Lock()
        self._snapshot = self._open(self._source())

    @property
    def cache_dir(self) -> Path:
        return self._cache or config.cache_dir(self._snapshot.source)

    def _source(self) -> Path:
        """The directory the data directory resolves to now: resolved once, so a link
        switched meanwhile cannot mix two releases into one build."""
        return self.data_dir.resolve()

    def _open(self, source: Path) -> Snapshot:
        path = snapshot_file(source, self._cache)
        if not path.exists():
            build_snapshot(source, path)
            self._prune(path.parent, keep=path)
        return Snapshot(path, path.stem.removeprefix("snapshot-"), source, self.data_dir)

    def _prune(self, folder: Path, keep: Path) -> None:
        files = sorted(folder.glob("snapshot-*.duckdb"), key=lambda p: p.stat().st_mtime)
        in_use = {keep, getattr(getattr(self, "_snapshot", None), "path", None)}
        for old in files[:-SNAPSHOTS_KEPT]:
            if old not in in_use:
                old.unlink(missing_ok=True)

    def pin(self) -> Snapshot:
        """The snapshot serving now. Everything read through it comes from the same data;
        it stays open for as long as it is held, even after a refresh."""
        return self._snapshot

    @property
    def version(self) -> str:
        """Changes whenever the data serving changes: use it in result-cache keys."""
        return self._snapshot.fingerprint

    def refresh(self) -> bool:
        """Serve the extracts as they are now, if they changed. Returns True when a new
        snapshot is serving. A broken extract leaves the old snapshot serving and sets
        ``last_error``."""
        source = self._source()
        print_ = fingerprint(source)
        if print_ == self._snapshot.fingerprint:
            return False
        with self._lock:
            if print_ == self._snapshot.fingerprint:
                return False
            try:
                # The old snapshot is not closed: pinned readers may still hold it; its
                # connection closes when the last of them lets go.
                self._snapshot = self._open(source)
            except ExtractError as error:
                self.last_error = error
                return False
            self.last_error = None
            return True

    # Reads through the snapshot serving now (each call may see a newer one: pin() for a run).

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._snapshot.cursor()

    def _query(self, name: str, scope: Scope | None = None, **params) -> pd.DataFrame:
        return self._snapshot._query(name, scope, **params)

    def reference(self, name: str) -> pd.DataFrame:
        return self._snapshot.reference(name)

    def memo(self, key: tuple, compute):
        return self._snapshot.memo(key, compute)

    @property
    def person_level(self) -> bool:
        return self._snapshot.person_level

    @property
    def held_sources(self) -> tuple[str, ...]:
        return self._snapshot.held_sources

    @property
    def month_dated(self) -> bool:
        return self._snapshot.month_dated

    @property
    def import_report(self) -> dict | None:
        return self._snapshot.import_report

    @property
    def refreshed_at(self) -> datetime:
        return self._snapshot.refreshed_at

    def close(self) -> None:
        self._snapshot.close()
