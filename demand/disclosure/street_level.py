"""data.police.uk street-level rows for a protected summary.

data.police.uk publishes one row per crime, at an anonymous street point, dated to the month.
Rows are counts in disguise: the rows of one street, category and month are a count, and set
against the summary's tables they are more relations to subtract from. So the rows obey the
same rule, and go through the same audit, as the tables:

1. **Rows only of published figures.** A month × category figure the summary hides ('<5',
   '[c]' or '–') has no rows; every published one has exactly its count of rows, so the file
   adds nothing to what the table of months by category says.
2. **A street point only for a group of at least the threshold.** A row keeps its street's
   point ("On or near Grange Avenue", at the middle of the places on that street the data
   holds) only when at least ``threshold`` rows share its street, category and month, and
   the street holds at least MIN_PLACES places (data.police.uk's map points each cover at
   least 8 addresses). Every other row is published with no location (blank coordinates,
   "No location"), as data.police.uk publishes crimes it cannot place.
3. **No small remainder.** Within a month × category, the rows with no location number 0 or
   at least the threshold: the smallest located groups lose their point until they do.
4. **The audit.** The located groups join the summary's cells (``model`` "group" cells over
   the streets they split), and a group whose point would let an attacker narrow any hidden
   count (the summary's, or a street's small group left without a point) loses its point
   until the audit passes. The summary's own figures never change for the file's sake.

Nothing else is published: no outcome, no context, no LSOA (the data holds none), and each
crime row gets a fresh random Crime ID (``formats.police_uk``), never the force's reference.
Anti-social behaviour rows have no Crime ID, as on data.police.uk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from demand.disclosure import model
from demand.disclosure.model import CATEGORIES, CURRENT, UNPLACED
from demand.disclosure.suppression import (
    PUBLISHED,
    WITHHELD,
    Protection,
    Rule,
    SuppressionError,
    audit,
    sensitive,
)

MIN_PLACES = 8
MAX_ROUNDS = 100
COORDINATE_DECIMALS = 6  # as data.police.uk


def _groups(inputs, points: dict) -> pd.DataFrame:
    """True counts per (ward, street, category, month) of the current window, on streets with a point."""
    counts = inputs.counts
    if not isinstance(counts, pd.DataFrame):
        raise TypeError("the street-level rows need the counts by street (read_inputs(..., street_level=True))")
    frame = counts[counts["month"].isin(inputs.scope.months(CURRENT)) & counts["street"].notna()].assign(
        w=lambda f: f["ward_code"].fillna(UNPLACED))
    frame = frame[_pairs_in(frame["w"], frame["street"], points) & model.covered_rows(inputs.scope, frame)]
    return frame.groupby(["w", "street", "category", "month"], as_index=False)["count"].sum()


def _pairs_in(first: pd.Series, second: pd.Series, pairs) -> np.ndarray:
    """Whether each (first, second) is one of ``pairs``, for a whole column at once."""
    if not len(first) or not pairs:
        return np.zeros(len(first), dtype=bool)
    return pd.MultiIndex.from_arrays([first, second]).isin(list(pairs))


def _points(inputs) -> dict[tuple[str, str], tuple[float, float]]:
    table = inputs.points
    table = table[table["places"] >= MIN_PLACES]
    return {(w if isinstance(w, str) else UNPLACED, s): (round(float(lat), COORDINATE_DECIMALS),
                                                         round(float(lon), COORDINATE_DECIMALS))
            for w, s, lat, lon in zip(table["ward_code"], table["street"], table["lat"], table["lon"])}


def rows(inputs, rule: Rule, streets: list[tuple[str, str]], protection: Protection) -> tuple[pd.DataFrame, dict]:
    """The street-level rows (month, category, street, lat, lon; street None = no location) and
    a report: rows, located rows, figures left out, groups given a point."""
    figures = protection.by_key()
    published = {(key[1], key[2]): value for key, (status, value) in figures.items()
                 if key[0] == "month" and key[1] in CATEGORIES and status == PUBLISHED
                 and key[2] in set(inputs.scope.months(CURRENT))}
    points = _points(inputs)
    groups = _groups(inputs, points)
    wanted = groups[_pairs_in(groups["category"], groups["month"], published)
                    & (groups["count"] >= rule.threshold).to_numpy()]
    split = set(zip(wanted["w"], wanted["street"]))
    located: dict[tuple, int] = {}
    if split:
        located = _protect_groups(inputs, rule, streets, protection, groups, split, published)

    out = []
    for (category, month), value in sorted(published.items(), key=lambda kv: (kv[0][1], CATEGORIES.index(kv[0][0]))):
        here = {street: n for (street, c, m), n in located.items() if c == category and m == month}
        for (w, street), n in sorted(here.items()):
            lat, lon = points[w, street]
            out += [(month, category, street, lat, lon)] * n
        out += [(month, category, None, None, None)] * (value - sum(here.values()))
    frame = pd.DataFrame(out, columns=["month", "category", "street", "lat", "lon"])
    hidden = sum(1 for key, (status, _) in figures.items() if key[0] == "month" and key[1] in CATEGORIES
                 and key[2] in set(inputs.scope.months(CURRENT)) and status != PUBLISHED)
    return frame, {"rows": len(frame), "located": int(frame["street"].notna().sum()), "groups": len(located),
                   "figures_left_out": hidden}


def _protect_groups(inputs, rule: Rule, streets, protection: Protection, groups: pd.DataFrame,
                    split: set, published: dict) -> dict[tuple, int]:
    """Which (street, category, month) groups keep their point. The summary's hidden figures are
    audited over every atom; a street's small groups left without a point are audited street by
    street, every other street's groups held at their true counts (``suppression.audit``'s
    ``free``: conservative, and small enough for a force's year). A failure takes the point from
    the located group that binds it (never changes a summary figure), until the audit passes."""
    on_split = groups[_pairs_in(groups["w"], groups["street"], split)]
    keys = [((w, s), c, m) for w, s, c, m in zip(on_split["w"], on_split["street"], on_split["category"],
                                                  on_split["month"])]
    problem, frame = model.build_with_atoms(inputs.scope, inputs.counts, streets, groups=keys)
    fixed = protection.by_key()
    status, candidates, of_street = [], set(), {}
    for i, cell in enumerate(problem.cells):
        if cell.key[0] == "group":
            _, street, category, month = cell.key
            visible = (category, month) in published and cell.value >= rule.threshold
            status.append(PUBLISHED if visible else WITHHELD)
            candidates.add(i)
            of_street.setdefault(street, []).append(i)
        else:
            status.append(fixed[cell.key][0])
    is_z = (frame["kind"] == "z").to_numpy()
    others = [int(a) for a in frame.index[~is_z]]
    street_atoms = {street: [int(a) for a in frame.index[is_z & (frame["w"] == street[0]).to_numpy()
                                                         & (frame["s"] == street[1]).to_numpy()]]
                    for street in of_street}
    summary_cells = [i for i in sensitive(problem, rule, status) if i not in candidates]

    _fold(problem, rule, status, published)
    for _ in range(MAX_ROUNDS):
        failing = [iv for iv in audit(problem, rule, status, check=summary_cells) if iv.values < rule.protection]
        doubtful = []  # failing with the other streets held fixed: settled over every atom
        for street, members in of_street.items():
            small = [i for i in members if status[i] != PUBLISHED and rule.is_small(problem.cells[i].value)]
            if small:
                doubtful += [iv.cell for iv in audit(problem, rule, status, check=small,
                                                      free=others + street_atoms[street])
                             if iv.values < rule.protection]
        if doubtful:
            failing += [iv for iv in audit(problem, rule, status, check=doubtful) if iv.values < rule.protection]
        if not failing:
            break
        before = list(status)
        for interval in failing:
            options = [j for j in interval.binding if j in candidates and status[j] == PUBLISHED]
            if not options:  # nothing located binds it: the points of its street (or all) go
                key = problem.cells[interval.cell].key
                options = of_street.get(key[1], []) if key[0] == "group" else list(candidates)
            for j in ([min(options, key=lambda j: (problem.cells[j].value, j))] if interval.binding and any(
                    j in candidates and status[j] == PUBLISHED for j in interval.binding) else options):
                status[j] = WITHHELD
        _fold(problem, rule, status, published)
        if status == before:
            raise SuppressionError("the street-level rows cannot be protected further; no file is made")
    else:
        raise SuppressionError("the street-level rows did not settle; no file is made")
    return {problem.cells[i].key[1:]: problem.cells[i].value for i in candidates if status[i] == PUBLISHED}


def _fold(problem, rule: Rule, status: list[str], published: dict) -> bool:
    """Rule 3: in each month x category, while the rows left without a point are a small count,
    the smallest located group loses its point. Returns whether anything changed."""
    changed = False
    by_cell: dict[tuple, list[int]] = {}
    for i, cell in enumerate(problem.cells):
        if cell.key[0] == "group" and status[i] == PUBLISHED:
            by_cell.setdefault((cell.key[2], cell.key[3]), []).append(i)
    for figure, members in by_cell.items():
        members.sort(key=lambda i: (problem.cells[i].value, i))
        while members and rule.is_small(published[figure] - sum(problem.cells[i].value for i in members)):
            status[members.pop(0)] = WITHHELD
            changed = True
    return changed
