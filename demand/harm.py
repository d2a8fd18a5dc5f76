"""Indicative harm weights per crime (data/reference/harm_weights.csv; see its README).

A crime weighs the row for its category and offence, else its category's default (blank
offence), else 0. Calls and missing episodes weigh 0. Queries receive the table as the bound
parameter ``$harm`` (a list of {category, offence, weight}), never as SQL text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from demand.config import REFERENCE_DIR

HARM_FILE = REFERENCE_DIR / "harm_weights.csv"
COLUMNS = ("category", "offence", "weight", "source")


@cache
def load(path: Path = HARM_FILE) -> pd.DataFrame:
    table = pd.read_csv(path, dtype={"category": str, "offence": str, "source": str})
    missing = set(COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    table["weight"] = table["weight"].astype(float)
    return table


def param(path: Path = HARM_FILE) -> list[dict]:
    """The weights as a bound query parameter: blank offence becomes NULL (the default)."""
    return [dict(row) for row in _rows(path)]


@cache
def _rows(path: Path) -> tuple[tuple[tuple[str, object], ...], ...]:
    table = load(path)
    return tuple(
        (("category", row.category), ("offence", None if pd.isna(row.offence) else row.offence),
         ("weight", float(row.weight)))
        for row in table.itertuples()
    )


def weight(category: str, offence: str | None = None, path: Path = HARM_FILE) -> float:
    """One crime's weight, by the same rule the queries apply (used by tests and pages)."""
    table = load(path)
    same = table[table["category"] == category]
    exact = same[same["offence"] == offence]
    if offence is not None and not exact.empty:
        return float(exact["weight"].iloc[0])
    default = same[same["offence"].isna()]
    return float(default["weight"].iloc[0]) if not default.empty else 0.0
