"""Indicative police costs per call, crime and missing episode (data/reference/unit_costs.csv;
see its README): a force replaces the file with its own figures.

A crime costs its category and offence's row, else its category's default (blank offence); a
call its grade's row; a missing episode the one missing-episode row. Events with no row cost
nothing and are counted as uncosted, so an assessment can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from demand.config import REFERENCE_DIR

COSTS_FILE = REFERENCE_DIR / "unit_costs.csv"
COLUMNS = ("source", "key", "offence", "low", "high", "basis", "reference")
SOURCES = ("calls", "crimes", "missing_episodes")


class CostsFileError(ValueError):
    """The unit costs file cannot be used; the message names the file, row and column."""


@cache
def load(path: Path = COSTS_FILE) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as error:
        raise CostsFileError(f"{path}: cannot be read ({error})") from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise CostsFileError(f"{path}: missing columns {', '.join(missing)}")
    for number, row in enumerate(table.itertuples(index=False), start=2):
        if row.source not in SOURCES:
            raise CostsFileError(f"{path}, row {number}, column source: '{row.source}' is not one of "
                                 f"{', '.join(SOURCES)}")
        for column in ("low", "high"):
            try:
                value = float(getattr(row, column))
            except ValueError:
                raise CostsFileError(f"{path}, row {number}, column {column}: '{getattr(row, column)}' "
                                     "is not a number of pounds") from None
            if value < 0:
                raise CostsFileError(f"{path}, row {number}, column {column}: a cost cannot be negative")
        if float(row.low) > float(row.high):
            raise CostsFileError(f"{path}, row {number}: low ({row.low}) is above high ({row.high})")
    table["low"] = table["low"].astype(float)
    table["high"] = table["high"].astype(float)
    return table


@dataclass(frozen=True)
class UnitCost:
    low: float
    high: float
    basis: str
    reference: str


@cache
def _index(path: Path = COSTS_FILE) -> dict[tuple[str, str, str], UnitCost]:
    """(source, key, offence) -> UnitCost; the first row of each wins."""
    index: dict[tuple[str, str, str], UnitCost] = {}
    for row in load(path).itertuples(index=False):
        index.setdefault((row.source, row.key, row.offence), UnitCost(row.low, row.high, row.basis, row.reference))
    return index


def unit_cost(source: str, what: str | None, detail: str | None, path: Path = COSTS_FILE) -> UnitCost | None:
    """The cost of one event: source 'calls' (detail: its grade), 'crimes' (what: its
    category, detail: its offence) or 'missing_episodes'; None when the file has no row."""
    index = _index(path)
    if source == "calls":
        return index.get((source, detail or "", ""))
    if source == "crimes":
        return index.get((source, what or "", detail or "")) or index.get((source, what or "", ""))
    return index.get((source, "", ""))


def mean_cost(source: str, mix: pd.DataFrame, path: Path = COSTS_FILE) -> tuple[UnitCost | None, int]:
    """The average cost of one event of ``source`` given its mix (rows of what, detail, count):
    (UnitCost of the weighted means, or None when nothing in the mix is costed; events uncosted)."""
    low = high = costed = uncosted = 0.0
    bases, references = [], []
    for row in mix.itertuples(index=False):
        cost = unit_cost(source, row.what, row.detail, path)
        if cost is None:
            uncosted += row.count
            continue
        low, high, costed = low + cost.low * row.count, high + cost.high * row.count, costed + row.count
        if cost.basis not in bases:
            bases.append(cost.basis)
        if cost.reference and cost.reference not in references:
            references.append(cost.reference)
    if not costed:
        return None, int(uncosted)
    return UnitCost(low / costed, high / costed, "; ".join(bases), ", ".join(references)), int(uncosted)
