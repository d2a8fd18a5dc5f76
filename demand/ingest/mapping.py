"""The mapping file: how a force's own exports become the contract's tables.

TOML (or YAML, the same structure). One section per contract table the force delivers, plus
``[defaults]`` for every file and ``[wards]`` for its areas; ``deploy/mapping.example.toml``
documents every key on a worked example. In brief::

    [defaults]
    encoding = "cp1252"                  # CSV text encoding (default utf-8)
    delimiter = ","
    datetime_format = "%d/%m/%Y %H:%M"   # how dates are written (ISO dates are always read)
    true_values = ["Y", "Yes"]           # what a true / false flag looks like
    false_values = ["N", "No"]

    [wards]                              # the force's own areas (beats, neighbourhoods) ...
    files = ["areas.csv"]
    columns = { ward_code = "Beat", ward_name = "Beat name", district = "Sector" }
    # ... or ONS wards of these districts:  ons_districts = ["E06000016", "E07000135"]

    [calls]
    files = ["storm/incidents_*.csv"]    # glob patterns inside the extracts folder
    columns = { incident_id = "Incident No", received_at = "Date Received", grade = "Grade" }
    values.grade = { G1 = "emergency", G2 = "priority", G3 = "scheduled" }
    formats.received_at = "%d/%m/%Y %H:%M"
    location = { address = "Location", lat = "Lat", lon = "Long" }   # locations on the rows
    constants = { asb = false }

A column a table's files lack, a contract column that does not exist, a required column left
unmapped: each is refused before any file is read, naming the mapping file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from demand.errors import ImportFailure
from demand.schema import TABLES

SECTIONS_OTHER = ("defaults", "wards")
TABLE_KEYS = {"files", "columns", "values", "formats", "location", "constants", "encoding", "delimiter",
              "sheet", "skip_rows", "datetime_format", "true_values", "false_values"}
DEFAULT_KEYS = {"encoding", "delimiter", "sheet", "skip_rows", "datetime_format", "true_values", "false_values"}
LOCATION_COLUMNS = ("location_id", "address", "street", "location_type", "lat", "lon", "precision")
# Columns a table's rows may carry that are not contract columns: an LSOA code to place a row
# in an ONS ward when the export has no ward.
EXTRA_COLUMNS = ("lsoa",)
# Where each event table keeps its location reference.
LOCATION_OF = {"calls": "location_id", "crimes": "location_id", "missing_episodes": "from_location_id"}
TRUE_VALUES = ("true", "t", "yes", "y", "1")
FALSE_VALUES = ("false", "f", "no", "n", "0")


class MappingError(ImportFailure):
    """A mapping file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Options:
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    skip_rows: int = 0
    datetime_format: str | None = None
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES


@dataclass(frozen=True)
class TableMapping:
    table: str
    files: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> the file's column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column -> value map
    formats: dict[str, str] = field(default_factory=dict)  # contract column -> strptime format
    location: dict[str, str] = field(default_factory=dict)  # locations column -> the file's column
    constants: dict[str, object] = field(default_factory=dict)  # contract column -> one value for all
    options: Options = Options()
    by_name: bool = False  # contract-shaped files: every contract column found is taken as is

    def source_columns(self) -> list[str]:
        return list(dict.fromkeys([*self.columns.values(), *self.location.values()]))


@dataclass(frozen=True)
class Mapping:
    path: Path | None  # None for contract-shaped parquet read as it is
    tables: dict[str, TableMapping]
    wards: TableMapping | None = None
    ons_districts: tuple[str, ...] = ()


def load(path: Path) -> Mapping:
    """Read and check a mapping file (``.toml``, ``.yaml`` or ``.yml``)."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"mapping file {path} does not exist")
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        raw = (yaml.safe_load(text) or {}) if path.suffix.lower() in (".yaml", ".yml") else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: cannot be read ({error})") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: expected sections ([calls], [crimes], ...), found {type(raw).__name__}")
    return _check(raw, path)


def by_name(src: Path) -> Mapping:
    """Contract-shaped parquet (``crimes.parquet`` or a ``crimes/`` folder), read as it is."""
    tables = {}
    for name in TABLES:
        if (src / f"{name}.parquet").is_file() or (src / name).is_dir():
            tables[name] = TableMapping(name, (f"{name}.parquet", f"{name}/*.parquet"), by_name=True)
    if "wards" not in tables:
        raise MappingError(f"{src} holds no mapping.toml and no contract-shaped parquet (wards.parquet, ...): "
                           "give --mapping FILE")
    return Mapping(None, tables, tables.pop("wards"))


def _check(raw: dict, path: Path) -> Mapping:
    def fail(message: str):
        raise MappingError(f"{path}: {message}")

    unknown = [s for s in raw if s not in TABLES and s not in SECTIONS_OTHER]
    if unknown:
        fail(f"unknown section [{unknown[0]}]; sections: [defaults], "
             + ", ".join(f"[{t}]" for t in TABLES if t != "coverage"))
    defaults = raw.get("defaults", {})
    for key in defaults:
        if key not in DEFAULT_KEYS:
            fail(f"unknown key [defaults] {key}; known: {', '.join(sorted(DEFAULT_KEYS))}")
    tables = {}
    for name, section in raw.items():
        if name in SECTIONS_OTHER:
            continue
        if name == "coverage":
            fail("[coverage] is not mapped: it is worked out from the months each table holds")
        tables[name] = _table(name, section, defaults, fail)
    wards_section = raw.get("wards")
    if wards_section is None:
        fail("no [wards] section: map the force's area table (files, columns) or name its ONS districts "
             "(ons_districts = [\"E06000016\", ...])")
    ons = tuple(wards_section.get("ons_districts", ()))
    wards = None
    if not ons:
        wards = _table("wards", wards_section, defaults, fail)
    elif set(wards_section) - {"ons_districts"}:
        fail("[wards] takes either ons_districts or a mapped area file, not both")
    if not tables:
        fail("maps no event table: add [calls], [crimes] or [missing_episodes]")
    return Mapping(path, tables, wards, ons)


def _table(name: str, section, defaults: dict, fail) -> TableMapping:
    if not isinstance(section, dict):
        fail(f"[{name}] must be a section")
    for key in section:
        if key not in TABLE_KEYS and not (name == "wards" and key == "ons_districts"):
            fail(f"unknown key [{name}] {key}; known: {', '.join(sorted(TABLE_KEYS))}")
    files = section.get("files")
    if isinstance(files, str):
        files = [files]
    if not files or not all(isinstance(f, str) for f in files):
        fail(f"[{name}] files must list the file names or patterns to read (\"calls_*.csv\")")
    spec = TABLES[name]
    columns = _text_map(section.get("columns", {}), f"[{name}.columns]", fail)
    for column in columns:
        if column not in spec.column_names and column not in EXTRA_COLUMNS:
            fail(f"[{name}.columns] {column} is not a column of {name}; its columns: {', '.join(spec.column_names)}")
    location = _text_map(section.get("location", {}), f"[{name}.location]", fail)
    if location and name not in LOCATION_OF:
        fail(f"[{name}.location] only calls, crimes and missing_episodes carry locations")
    for column in location:
        if column not in LOCATION_COLUMNS:
            fail(f"[{name}.location] {column} is not a column of locations; its columns: {', '.join(LOCATION_COLUMNS)}")
    constants = section.get("constants", {})
    for column in constants:
        if column not in spec.column_names:
            fail(f"[{name}.constants] {column} is not a column of {name}")
    given = set(columns) | set(constants) | ({LOCATION_OF.get(name)} if location else set())
    for column in spec.columns:
        if not column.nullable and column.name not in given:
            fail(f"[{name}.columns] must map {column.name} ({column.description}), which is never empty")
    values = section.get("values", {})
    for column, mapped in values.items():
        if column not in spec.column_names:
            fail(f"[{name}.values] {column} is not a column of {name}")
        _text_map(mapped, f"[{name}.values.{column}]", fail, values_may_be_any=True)
    formats = _text_map(section.get("formats", {}), f"[{name}.formats]", fail)
    for column in formats:
        if column not in spec.column_names or spec.column(column).type not in ("TIMESTAMP", "DATE"):
            fail(f"[{name}.formats] {column} is not a date column of {name}")
    merged = {**defaults, **{k: v for k, v in section.items() if k in DEFAULT_KEYS}}
    options = Options(
        encoding=str(merged.get("encoding", "utf-8")),
        delimiter=str(merged.get("delimiter", ",")),
        sheet=merged.get("sheet"),
        skip_rows=int(merged.get("skip_rows", 0)),
        datetime_format=merged.get("datetime_format"),
        true_values=tuple(str(v).lower() for v in merged.get("true_values", TRUE_VALUES)),
        false_values=tuple(str(v).lower() for v in merged.get("false_values", FALSE_VALUES)),
    )
    if len(options.delimiter) != 1:
        fail(f"[{name}] delimiter must be one character, not {options.delimiter!r}")
    return TableMapping(name, tuple(files), columns, {c: {str(k): v for k, v in m.items()} for c, m in values.items()},
                        formats, location, dict(constants), options)


def _text_map(value, where: str, fail, values_may_be_any: bool = False) -> dict:
    if not isinstance(value, dict):
        fail(f"{where} must be a table of name = value")
    for key, item in value.items():
        if not values_may_be_any and not isinstance(item, str):
            fail(f"{where} {key} must be text (a column name), not {item!r}")
    return dict(value)
