"""The tables of a public crime summary as one disclosure-control problem
(``demand.disclosure.suppression``): the atoms, the published cells and their relations.

The true counts behind the tables are those of ward × street × month × category (crimes by
police.uk category, and anti-social behaviour). The atoms stand for them exactly, but small:

* ``u``: month × category: the events not on a *split* street, all wards together;
* ``R``: ward × window: the ward's crimes not on a split street, with one **link** per window:
  the wards' ``R`` add up to the window's crimes in ``u``;
* ``z``: ward × split street × month × category, for the streets the street-level file
  gives a point (their rows are published per month and category);
* ``y``: ward × named street (the summary's top streets that are not split) and ward ×
  "elsewhere", the current window's crimes, with one link per ward: its ``y`` add up to its
  current ``R``.

Why so few atoms lose nothing (the transportation problem): a ward enters the published
tables only as its total crimes in a window, and a named street only as its total crimes in
the current window. Within a window, the wards × (month, category) counts form a two-way
table of which only the row totals (``R``) and the column totals (``u``) are ever published
or related; a table of counts >= 0 with given row and column totals exists whenever both add
up to the same. The same holds for a ward's streets × (month, category). So the audit over
these atoms finds exactly what it would over the full ward × street × month × category table,
with a few hundred variables instead of tens of thousands. A month the source lacks has no
atom and no cell: it is missing, never zero.

Cells (keys are tuples, the first item names the table):

* ``("category", c, t)``: category c in window t ('current' or 'comparison');
  ``("category", ALL_CRIMES, t)`` the crimes of all 13 crime categories (ASB is its own row);
* ``("month", c, m)``: category c in month m of the current window; for ALL_CRIMES and ASB
  every month of both windows (the monthly trend);
* ``("ward", w, t)``: crimes in ward w (UNPLACED: no ward, force only) in window t, for a
  district or the force;
* ``("street", (w, street))``: crimes on a named street in the current window, and
  ``("street", OTHER)`` all other crimes of the current window;
* ``("group", (w, street), c, m)``: the street-level file's rows of one split street,
  category and month.

Weights say what a reader loses when a cell is hidden: a detail cell of the month table least,
the category and ward rows more, the all-crimes total most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from demand.disclosure.suppression import Cell, Problem, Relation
from demand.schema import CRIME_CATEGORIES
from demand.windows import Window, months_overlapped

ASB = "Anti-social behaviour"
CRIMES = tuple(c for c in CRIME_CATEGORIES if c != ASB)
CATEGORIES = (*CRIMES, ASB)
ALL_CRIMES = "All crimes"
CURRENT, COMPARISON = "current", "comparison"
UNPLACED = ""  # the ward of events with no ward (force only)
OTHER = ""  # the street slot of everything not on a named street
SOURCE_OF = {ASB: "calls"}  # every other category comes from the crimes table

WEIGHTS = {"month": 1.0, "trend": 2.0, "street": 2.0, "other_streets": 3.0, "category": 4.0, "ward": 4.0,
           "total": 10.0, "group": 0.5}


def source_of(category: str) -> str:
    return SOURCE_OF.get(category, "crimes")


@dataclass(frozen=True)
class Scope:
    """What the tables cover: the wards (codes, in display order), whether events with no ward
    are in (the force), the two windows, and the months each source lacks."""

    wards: tuple[str, ...]
    include_unplaced: bool
    current: Window
    comparison: Window
    gaps: frozenset[tuple[str, date]]  # (source table, first day of a month it lacks)
    ward_rows: bool  # a district or force summary has one row per ward

    def months(self, window: str) -> list[date]:
        return months_overlapped(self.current if window == CURRENT else self.comparison)

    def covered(self, month: date, category: str) -> bool:
        return (source_of(category), month) not in self.gaps


@dataclass(frozen=True)
class Totals:
    """The sums of the true counts that the tables are built from, when no street is split by
    month and category (every format but the street-level file). A table's cell is a sum of
    these, as of the ward x street x month x category counts they sum, so nothing is lost.

    ``by_ward``: w (UNPLACED: no ward), month, category, count: the covered counts of both
    windows by ward, month and category; ``streets``: w, street, count: the current window's
    crimes (the crime categories, not anti-social behaviour) on each known street."""

    by_ward: pd.DataFrame
    streets: pd.DataFrame


def covered_rows(scope: Scope, frame: pd.DataFrame) -> np.ndarray:
    """``Scope.covered`` for every row of a frame with month and category, at once."""
    lacking = np.zeros(len(frame), dtype=bool)
    if scope.gaps and len(frame):
        categories = frame["category"]
        present = list(categories.unique())
        for source in sorted({s for s, _ in scope.gaps}):
            months = [m for s, m in scope.gaps if s == source]
            of_source = [c for c in present if source_of(c) == source]
            if of_source:
                lacking |= (categories.isin(of_source) & frame["month"].isin(months)).to_numpy()
    return ~lacking


def totals(scope: Scope, counts: pd.DataFrame | Totals) -> Totals:
    """The Totals of the counts by ward, street, month and category (columns ward_code, street,
    month, category, count); Totals are returned as they are."""
    if isinstance(counts, Totals):
        return counts
    true = counts[covered_rows(scope, counts)]
    true = true.assign(w=true["ward_code"].fillna(UNPLACED))
    by_ward = true.groupby(["w", "month", "category"], as_index=False)["count"].sum()
    on_streets = true["month"].isin(scope.months(CURRENT)) & true["category"].isin(CRIMES) & true["street"].notna()
    streets = true[on_streets].groupby(["w", "street"], as_index=False)["count"].sum()
    return Totals(by_ward, streets)


def read_totals(scope: Scope, frame: pd.DataFrame) -> Totals:
    """The Totals from queries/export_totals.sql's two parts (its month a date)."""
    ward = frame[frame["part"] == "ward"]
    ward = ward.assign(w=ward["ward_code"].fillna(UNPLACED))[["w", "month", "category", "count"]]
    ward = ward[covered_rows(scope, ward)]  # (a crime recorded as anti-social behaviour: the calls' months)
    street = frame[frame["part"] == "street"]
    street = street.assign(w=street["ward_code"].fillna(UNPLACED))[["w", "street", "count"]]
    return Totals(ward.reset_index(drop=True), street.reset_index(drop=True))


def _on_split(scope: Scope, counts: pd.DataFrame, split: set[tuple[str, str]]) -> pd.DataFrame:
    """The covered counts of the current window on the split streets: w, s, month, category, count."""
    if not isinstance(counts, pd.DataFrame):
        raise TypeError("splitting streets by month and category needs the counts by street (export_counts)")
    true = counts[covered_rows(scope, counts)]
    w, s = true["ward_code"].fillna(UNPLACED), true["street"].fillna(OTHER)
    on = pd.MultiIndex.from_arrays([w, s]).isin(sorted(split)) & true["month"].isin(scope.months(CURRENT)).to_numpy()
    return true[on].assign(w=w[on], s=s[on])


def atoms(scope: Scope, counts: pd.DataFrame | Totals, named: list[tuple[str, str]],
          split: set[tuple[str, str]] = frozenset()
          ) -> tuple[pd.DataFrame, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """The atoms with their true counts (columns kind, w, s, m, c, t, value) and their links.
    ``counts``: by ward, street, month and category, or their ``Totals`` (no ``split`` then);
    ``named``: the street table's (ward, street) pairs; ``split``: the streets split by month
    and category (the street-level file's)."""
    wards = [*scope.wards, *([UNPLACED] if scope.include_unplaced else [])]
    window_of = {m: t for t in (CURRENT, COMPARISON) for m in scope.months(t)}
    sums = totals(scope, counts)
    by_ward = sums.by_ward
    u = by_ward.groupby(["month", "category"])["count"].sum().to_dict()
    crime_rows = by_ward[by_ward["category"].isin(CRIMES)]
    big_r = crime_rows.assign(t=crime_rows["month"].map(window_of)).groupby(["w", "t"])["count"].sum().to_dict()
    streets = sums.streets  # a district's year: 12,000 streets, of which the table names ten
    streets = streets[pd.MultiIndex.from_arrays([streets["w"], streets["street"]]).isin(list(named))] if named \
        else streets.iloc[:0]
    y = dict(zip(zip(streets["w"], streets["street"]), streets["count"]))
    z = {}
    if split:  # the split streets' counts are atoms of their own: out of u and R
        z = _on_split(scope, counts, split).groupby(["w", "s", "month", "category"])["count"].sum().to_dict()
        for (w, _, m, c), n in z.items():
            u[m, c] -= n
            if c in CRIMES:
                big_r[w, CURRENT] -= n
    unsplit = [street for street in named if street not in split]

    rows: list[tuple] = []
    for t in (CURRENT, COMPARISON):
        for m in scope.months(t):
            for c in CATEGORIES:
                if scope.covered(m, c):
                    rows.append(("u", None, None, m, c, t, u.get((m, c), 0)))
                    if t == CURRENT:
                        rows += [("z", w, s, m, c, t, z.get((w, s, m, c), 0)) for w, s in sorted(split)]
        if any(scope.covered(m, CRIMES[0]) for m in scope.months(t)):  # a window with no crime data: no ward rows
            rows += [("R", w, None, None, None, t, big_r.get((w, t), 0)) for w in wards]
    if named:
        rows += [("y", w, s, None, None, CURRENT, y.get((w, s), 0)) for w, s in unsplit]
        for w in wards:
            elsewhere = big_r.get((w, CURRENT), 0) - sum(y.get(street, 0) for street in unsplit if street[0] == w)
            rows.append(("y", w, OTHER, None, None, CURRENT, elsewhere))
    frame = pd.DataFrame(rows, columns=["kind", "w", "s", "m", "c", "t", "value"])
    frame["value"] = frame["value"].astype("int64")

    def ids(mask: np.ndarray) -> tuple[int, ...]:
        return tuple(int(i) for i in np.flatnonzero(mask))

    # plain arrays: a few hundred atoms, compared once per ward (pandas' string columns cost
    # milliseconds a comparison, half a second for a district's links)
    kind, ward, window = (frame[k].to_numpy(dtype=object) for k in ("kind", "w", "t"))
    crime = frame["c"].isin(CRIMES).to_numpy()
    links = [(ids((kind == "R") & (window == t)), ids((kind == "u") & (window == t) & crime))
             for t in (CURRENT, COMPARISON)]
    if named:
        links += [(ids((kind == "y") & (ward == w)), ids((kind == "R") & (ward == w) & (window == CURRENT)))
                  for w in wards]
    return frame, [link for link in links if link[0] or link[1]]


class Builder:
    """Cells and relations over an atoms frame; ``cell`` adds one (once per key)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.values = frame["value"].to_numpy()
        self.cells: list[Cell] = []
        self.index: dict = {}
        self.relations: list[Relation] = []

    def cell(self, key, mask, weight: str) -> int | None:
        """The cell summing the atoms where ``mask`` holds (a boolean mask, or the atoms' indices);
        None when it holds no atom (a month or window the source lacks)."""
        mask = np.asarray(mask)
        found = np.flatnonzero(mask) if mask.dtype == bool else mask
        if not len(found):
            return None
        if key not in self.index:
            atoms = tuple(int(a) for a in found)
            value = int(self.values[found].sum())
            self.index[key] = len(self.cells)
            self.cells.append(Cell(key, atoms, value, WEIGHTS[weight]))
        return self.index[key]

    def relation(self, total, parts) -> None:
        parts = tuple(p for p in parts if p is not None)
        if total is not None and len(parts) > 1:
            self.relations.append(Relation(total, parts))

    def problem(self, links=()) -> Problem:
        return Problem(len(self.frame), self.cells, self.relations, list(links), self.values)


def build(scope: Scope, counts: pd.DataFrame, streets: list[tuple[str, str]],
          groups: list[tuple[tuple[str, str], str, date]] = ()) -> Problem:
    """The summary's tables as one Problem. ``streets``: the named streets (ward, street), in
    display order; ``groups``: the street-level file's (street, category, month) groups, whose
    streets are split by month and category."""
    return build_with_atoms(scope, counts, streets, groups)[0]


def build_with_atoms(scope: Scope, counts: pd.DataFrame, streets: list[tuple[str, str]],
                     groups: list[tuple[tuple[str, str], str, date]] = ()) -> tuple[Problem, pd.DataFrame]:
    """``build``, and the atoms frame (kind, w, s, m, c, t, value) its atoms index."""
    split = {g[0] for g in groups}
    frame, links = atoms(scope, counts, streets, split)
    b = Builder(frame)
    kind, w, s, m, c, t = (frame[k].to_numpy() for k in ("kind", "w", "s", "m", "c", "t"))
    events = frame["kind"].isin(["u", "z"]).to_numpy()  # by month and category; R and y total them
    crime = events & frame["c"].isin(CRIMES).to_numpy()

    totals = {}
    for window in (CURRENT, COMPARISON):
        parts = [b.cell(("category", cat, window), events & (c == cat) & (t == window), "category") for cat in CRIMES]
        totals[window] = b.cell(("category", ALL_CRIMES, window), crime & (t == window), "total")
        b.relation(totals[window], parts)
        b.cell(("category", ASB, window), events & (c == ASB) & (t == window), "category")

    current = scope.months(CURRENT)
    for month in current:  # the category x month table of the current window
        parts = [b.cell(("month", cat, month), events & (c == cat) & (m == month), "month") for cat in CRIMES]
        b.relation(b.cell(("month", ALL_CRIMES, month), crime & (m == month), "trend"), parts)
        b.cell(("month", ASB, month), events & (c == ASB) & (m == month), "trend")
    for cat in CRIMES:
        b.relation(b.index.get(("category", cat, CURRENT)), [b.index.get(("month", cat, mo)) for mo in current])
    for window in (CURRENT, COMPARISON):  # the monthly trend adds up to the window
        months = scope.months(window)
        trend = [b.cell(("month", ALL_CRIMES, mo), crime & (m == mo), "trend") for mo in months]
        b.relation(totals[window], trend)
        asb = [b.cell(("month", ASB, mo), events & (c == ASB) & (m == mo), "trend") for mo in months]
        b.relation(b.index.get(("category", ASB, window)), asb)

    if scope.ward_rows:
        wards = [*scope.wards, *([UNPLACED] if scope.include_unplaced else [])]
        for window in (CURRENT, COMPARISON):
            in_window = t == window
            rows = [b.cell(("ward", ward, window), (w == ward) & in_window & ((kind == "R") | ((kind == "z") & crime)),
                           "ward") for ward in wards]
            b.relation(totals[window], rows)

    if streets:
        named = []
        for ward, street in streets:
            on_it = (w == ward) & (s == street)
            mask = (on_it & crime) if (ward, street) in split else (on_it & (kind == "y"))
            named.append(b.cell(("street", (ward, street)), mask, "street"))
        shown = set(streets)
        split_unnamed = np.array([k == "z" and (a, z) not in shown for k, a, z in zip(kind, w, s)], dtype=bool)
        elsewhere = ((kind == "y") & (s == OTHER)) | (split_unnamed & crime)
        b.relation(totals[CURRENT], [*named, b.cell(("street", OTHER), elsewhere, "other_streets")])

    z_atom = {(a, z, mo, cat): i for i, (k, a, z, mo, cat) in enumerate(zip(kind, w, s, m, c)) if k == "z"}
    for street, cat, month in groups:
        atom = z_atom.get((*street, month, cat))
        b.cell(("group", street, cat, month), np.array([] if atom is None else [atom], dtype=int), "group")
    return b.problem(links), frame
