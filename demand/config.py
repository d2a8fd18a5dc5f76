"""Settings, each read in one place.

| setting | environment | default |
|---|---|---|
| data directory | DEMAND_DATA (or ``--data DIR``) | ``data/synthetic`` in the project |
| snapshot cache | DEMAND_CACHE | ``.snapshots`` inside the data directory |
| DuckDB memory limit | DEMAND_DUCKDB_MEMORY | ``2GB`` |
| DuckDB threads | DEMAND_DUCKDB_THREADS | ``2`` |

Settings of sign-in, roles and the state database are read in ``demand.access.config``
and ``demand.state``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_DIR / "queries"
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
DEFAULT_DATA_DIR = PROJECT_DIR / "data" / "synthetic"

DATA_ENV = "DEMAND_DATA"
CACHE_ENV = "DEMAND_CACHE"
MEMORY_ENV = "DEMAND_DUCKDB_MEMORY"
THREADS_ENV = "DEMAND_DUCKDB_THREADS"
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The extracts directory: the command-line value, else DEMAND_DATA, else the default."""
    chosen = override or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().resolve()


def cache_dir(data: Path) -> Path:
    """Where built snapshots live; beside the extracts so one clean-up removes both."""
    chosen = os.environ.get(CACHE_ENV)
    return Path(chosen).expanduser().resolve() if chosen else data / ".snapshots"


def duckdb_limits() -> tuple[str, int]:
    """The serving connection's memory limit ('2GB') and thread count, checked, since both are
    written into a SET statement."""
    memory = os.environ.get(MEMORY_ENV, "2GB").strip()
    if not _MEMORY.match(memory):
        raise ValueError(f"{MEMORY_ENV}={memory!r} is not a size such as 2GB or 512MB")
    threads = os.environ.get(THREADS_ENV, "2").strip()
    if not threads.isdigit() or not 1 <= int(threads) <= 256:
        raise ValueError(f"{THREADS_ENV}={threads!r} is not a whole number of threads from 1 to 256")
    return memory, int(threads)
