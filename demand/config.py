"""Settings, all read here: the environment, then the settings file, then the defaults.

The settings file is TOML, at ``$DEMAND_SETTINGS`` (or ``--settings FILE``), else
``demand.toml`` in the project folder; it is optional. Relative paths in it are relative to
the file's own folder. ``deploy/demand.example.toml`` shows every setting.

| setting | settings file | environment | default |
|---|---|---|---|
| settings file | | DEMAND_SETTINGS (or ``--settings FILE``) | ``demand.toml`` in the project |
| data directory | ``[data] dir`` | DEMAND_DATA (or ``--data DIR``) | ``data/synthetic`` in the project |
| snapshot cache | ``[data] cache`` | DEMAND_CACHE | ``.snapshots`` inside the data directory |
| stale after (days) | ``[data] max_age_days`` | DEMAND_MAX_AGE_DAYS | 2 |
| releases kept | ``[data] releases_kept`` | | 2 (the one serving and one to roll back to) |
| refresh: what to import | ``[refresh] source`` | | none: ``police-uk`` or ``extracts`` |
| refresh: input paths | ``[refresh] paths`` | | |
| refresh: mapping file | ``[refresh] mapping`` | | ``mapping.toml`` in the extracts folder |
| refresh: publish the rest | ``[refresh] allow_partial`` | | false |
| refresh: the force's districts | ``[refresh] districts`` | | found from the data |
| plans: flag one open longer than (days) | ``[plans] open_days`` | DEMAND_PLAN_OPEN_DAYS | 180 |
| DuckDB memory limit | | DEMAND_DUCKDB_MEMORY | ``768MB`` (see DEFAULT_DUCKDB_MEMORY) |
| DuckDB threads | | DEMAND_DUCKDB_THREADS | ``2`` |
| the force's name on public exports | | DEMAND_FORCE_NAME | ``Police force`` |

Settings of sign-in, roles and the state database are read in ``demand.access.config``
and ``demand.state``; those of the briefings and their mail (``[briefings]``, ``[mail]``) in
``demand.briefings.settings``, through ``file_sections``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from demand.errors import ImportFailure

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_DIR / "queries"
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
DEFAULT_DATA_DIR = PROJECT_DIR / "data" / "synthetic"
DEFAULT_SETTINGS_FILE = PROJECT_DIR / "demand.toml"

DATA_ENV = "DEMAND_DATA"
CACHE_ENV = "DEMAND_CACHE"
SETTINGS_ENV = "DEMAND_SETTINGS"
MAX_AGE_ENV = "DEMAND_MAX_AGE_DAYS"
MEMORY_ENV = "DEMAND_DUCKDB_MEMORY"
THREADS_ENV = "DEMAND_DUCKDB_THREADS"
PLAN_OPEN_DAYS_ENV = "DEMAND_PLAN_OPEN_DAYS"
FORCE_NAME_ENV = "DEMAND_FORCE_NAME"
ENVIRONMENT = (SETTINGS_ENV, DATA_ENV, CACHE_ENV, MAX_AGE_ENV, MEMORY_ENV, THREADS_ENV, PLAN_OPEN_DAYS_ENV,
               FORCE_NAME_ENV)
DEFAULT_FORCE_NAME = "Police force"
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)

# DuckDB's share of a serving process, for all its sessions together: the snapshot's blocks it
# keeps (the buffer pool) and every running query's hash tables and sorts. Measured at force
# scale with 4 sessions in one process (README, Performance: "Memory of a serving process"):
# 768MB keeps a process under 1 GB (957 MB at its peak with today's derived tables; 512MB 946
# MB), where 2GB let it reach 1.4 GB; each analysis is faster the more of the snapshot's blocks
# stay in the pool (quiet, 512MB against 2GB: 10-35% at the p50). A query that needs more than
# the limit spills to disk (store.lock) rather than failing.
DEFAULT_DUCKDB_MEMORY = "768MB"
DEFAULT_DUCKDB_THREADS = 2
DEFAULT_MAX_AGE_DAYS = 2.0
DEFAULT_RELEASES_KEPT = 2
DEFAULT_PLAN_OPEN_DAYS = 180  # the monthly review flags a plan open longer than this
SOURCES = ("police-uk", "extracts")
# Every key the settings file may hold, by section (a test keeps the README in step).
FILE_KEYS = {
    "data": ("dir", "cache", "max_age_days", "releases_kept"),
    "refresh": ("source", "paths", "mapping", "allow_partial", "districts"),
    "plans": ("open_days",),
    # read by demand.briefings.settings (a password never goes in this file: password_file)
    "briefings": ("cadence_days", "delivery"),
    "mail": ("host", "port", "security", "user", "password_file", "ca_file", "from", "timeout"),
}


class SettingsError(ImportFailure):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Refresh:
    """What ``python -m demand refresh`` imports."""

    source: str
    paths: tuple[Path, ...]
    mapping: Path | None = None
    allow_partial: bool = False
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    file: Path | None  # the settings file read, None when there was none
    data_dir: Path
    cache_dir: Path | None
    max_age_days: float
    releases_kept: int
    refresh: Refresh | None
    plan_open_days: int = DEFAULT_PLAN_OPEN_DAYS


def settings_file(override: str | os.PathLike | None = None) -> Path:
    chosen = override or os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_FILE
    return Path(chosen).expanduser().absolute()


def _read_file(path: Path, explicit: bool) -> dict:
    if not path.is_file():
        if explicit:
            raise SettingsError(f"settings file {path} does not exist")
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from None
    for section, values in raw.items():
        if section not in FILE_KEYS or not isinstance(values, dict):
            raise SettingsError(f"{path}: unknown section [{section}]; sections: "
                                + ", ".join(f"[{s}]" for s in FILE_KEYS))
        for key in values:
            if key not in FILE_KEYS[section]:
                raise SettingsError(f"{path}: unknown setting [{section}] {key}; known: "
                                    + ", ".join(FILE_KEYS[section]))
    return raw


def settings(override: str | os.PathLike | None = None) -> Settings:
    """Every setting, from the environment, the settings file and the defaults."""
    path = settings_file(override)
    raw = _read_file(path, explicit=bool(override or os.environ.get(SETTINGS_ENV)))
    data, refresh = raw.get("data", {}), raw.get("refresh")

    def located(value, key: str) -> Path:
        if not isinstance(value, str) or not value:
            raise SettingsError(f"{path}: {key} must be a path (text)")
        return (path.parent / Path(value).expanduser()).absolute()

    def number(value, key: str, kind=float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise SettingsError(f"{path}: {key} must be a positive number, not {value!r}")
        return kind(value)

    env_data, env_cache, env_age = (os.environ.get(k) for k in (DATA_ENV, CACHE_ENV, MAX_AGE_ENV))
    data_dir = (Path(env_data).expanduser().absolute() if env_data
                else located(data["dir"], "[data] dir") if "dir" in data else DEFAULT_DATA_DIR)
    cache = (Path(env_cache).expanduser().absolute() if env_cache
             else located(data["cache"], "[data] cache") if "cache" in data else None)
    try:
        max_age = float(env_age) if env_age else number(data.get("max_age_days", DEFAULT_MAX_AGE_DAYS),
                                                        "[data] max_age_days")
    except ValueError:
        raise SettingsError(f"{MAX_AGE_ENV}={env_age!r} is not a number of days") from None
    kept = number(data.get("releases_kept", DEFAULT_RELEASES_KEPT), "[data] releases_kept", int)
    env_open = os.environ.get(PLAN_OPEN_DAYS_ENV, "").strip()
    if env_open and not (env_open.isdigit() and int(env_open) >= 1):
        raise SettingsError(f"{PLAN_OPEN_DAYS_ENV}={env_open!r} is not a whole number of days")
    open_days = int(env_open) if env_open else number(
        raw.get("plans", {}).get("open_days", DEFAULT_PLAN_OPEN_DAYS), "[plans] open_days", int)
    return Settings(path if raw else None, data_dir, cache, max_age, max(kept, 1),
                    _refresh(refresh, path, located) if refresh is not None else None, open_days)


def file_sections(*sections: str, override: str | os.PathLike | None = None) -> tuple[Path, dict[str, dict]]:
    """Sections of the settings file as written (their keys checked), read once, and the file's
    path (paths in it are relative to the file's folder); empty sections when there is no file."""
    path = settings_file(override)
    raw = _read_file(path, explicit=bool(override or os.environ.get(SETTINGS_ENV)))
    return path, {section: raw.get(section, {}) for section in sections}


def _refresh(raw: dict, path: Path, located) -> Refresh:
    source = raw.get("source")
    if source not in SOURCES:
        raise SettingsError(f"{path}: [refresh] source must be one of {', '.join(SOURCES)}, not {source!r}")
    paths = raw.get("paths")
    if isinstance(paths, str):
        paths = [paths]
    if not paths or not isinstance(paths, list):
        raise SettingsError(f"{path}: [refresh] paths must list the folders, zips or files to import")
    districts = raw.get("districts", [])
    if not isinstance(districts, list) or not all(isinstance(d, str) for d in districts):
        raise SettingsError(f"{path}: [refresh] districts must be a list of ONS district codes")
    allow = raw.get("allow_partial", False)
    if not isinstance(allow, bool):
        raise SettingsError(f"{path}: [refresh] allow_partial must be true or false")
    return Refresh(source, tuple(located(p, "[refresh] paths") for p in paths),
                   located(raw["mapping"], "[refresh] mapping") if raw.get("mapping") else None,
                   allow, tuple(districts))


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The extracts directory: the command-line value, else DEMAND_DATA, else the settings
    file, else the default. Not resolved: it may be a link an import switches (publish)."""
    if override:
        return Path(override).expanduser().absolute()
    return settings().data_dir


def cache_dir(data: Path) -> Path:
    """Where built snapshots live; beside the extracts so one clean-up removes both."""
    chosen = settings().cache_dir
    return chosen if chosen else data / ".snapshots"


def max_age_days() -> float:
    """After how many days without a refresh the app warns that the data is old."""
    return settings().max_age_days


def plan_open_days() -> int:
    """The monthly review of problem-solving plans flags a plan open longer than this."""
    return settings().plan_open_days


def duckdb_limits() -> tuple[str, int]:
    """The serving connection's memory limit ('768MB') and thread count, checked, since both are
    written into a SET statement."""
    memory = os.environ.get(MEMORY_ENV, DEFAULT_DUCKDB_MEMORY).strip()
    if not _MEMORY.match(memory):
        raise ValueError(f"{MEMORY_ENV}={memory!r} is not a size such as 2GB or 512MB")
    threads = os.environ.get(THREADS_ENV, str(DEFAULT_DUCKDB_THREADS)).strip()
    if not threads.isdigit() or not 1 <= int(threads) <= 256:
        raise ValueError(f"{THREADS_ENV}={threads!r} is not a whole number of threads from 1 to 256")
    return memory, int(threads)


def force_name() -> str:
    """The force's name on public exports (data.police.uk's 'Reported by'), at most 80 characters."""
    return os.environ.get(FORCE_NAME_ENV, "").strip()[:80] or DEFAULT_FORCE_NAME
