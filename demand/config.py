"""Settings, each read in one place.

| setting | environment | default |
|---|---|---|
| data directory | DEMAND_DATA (or ``--data DIR``) | ``data/synthetic`` in the project |
| snapshot cache | DEMAND_CACHE | ``.snapshots`` inside the data directory |
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_DIR / "queries"
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
DEFAULT_DATA_DIR = PROJECT_DIR / "data" / "synthetic"

DATA_ENV = "DEMAND_DATA"
CACHE_ENV = "DEMAND_CACHE"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The extracts directory: the command-line value, else DEMAND_DATA, else the default."""
    chosen = override or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().resolve()


def cache_dir(data: Path) -> Path:
    """Where built snapshots live; beside the extracts so one clean-up removes both."""
    chosen = os.environ.get(CACHE_ENV)
    return Path(chosen).expanduser().resolve() if chosen else data / ".snapshots"
