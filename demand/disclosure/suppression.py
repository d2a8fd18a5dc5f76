"""Disclosure control of published counts: small-count suppression, secondary suppression over
every published linear relation at once, and an audit of what an attacker can still work out.

Why this module exists rather than a library: on PyPI, ``acro`` (SACRO) suppresses small
cells of one cross-table but does no secondary suppression; ``pytauargus`` drives the
Tau-Argus program, a Windows/Java binary we cannot ship in a Debian app. R's ``sdcTable`` and
``GaussSuppression`` do the job but are R. The method below is the standard one (threshold
rule, secondary suppression, audit by linear programming, as Tau-Argus audits), written once.

The model
---------
What is published is a set of **cells**, each the sum of some **atoms**: the true counts of
the finest pieces the published tables can be cut into (for a crime summary: ward × street ×
month × category). A category's count in a window, a month's total, a ward's row, a street's
count: each is one cell, a sum of atoms. Every linear relation between published figures
(row and column totals, ward rows adding up to the district, months adding up to the window,
a street inside its ward) follows from the atoms, so none can be forgotten.

The rule (``Rule``)
-------------------
1. **Primary suppression.** A count from 1 to ``threshold - 1`` is not published; it is shown
   as ``<5`` (threshold 5 by default). Zeros are published: "no burglary" discloses no
   person, and hiding zeros would make every table unreadable. Optionally (``rounding=5``)
   every other count is rounded to the nearest 5, as ONS does; totals are rounded on their
   own, so they need not add up.
2. **Secondary suppression.** A hidden count must not be recoverable by subtraction. Cells of
   5 or more are hidden as well (shown as ``[c]``) until no ``<5`` can be worked out: first the
   textbook pass (``Relation``: a total and its parts; a relation with exactly one hidden cell
   gives it away, so a second is hidden, preferring a cell whose own other relation also
   lacks a second hidden cell, then the cheapest), then the audit below decides, and each
   failure hides one of the published cells that pinned it (the linear program's binding
   constraints), cheapest first (count × the cell's weight: margins and totals cost more).
   Zeros are never hidden to protect another cell, but for one last resort: when published
   zeros pin a small count that no cell of 5 or more can protect (a month of 3 crimes in 3
   categories, the other 10 categories 0: each can only be 1 or 2), the cheapest breakdown
   holding it (that month's figures by category) is withheld whole, zeros included, shown as
   "–", so the attacker no longer knows which are empty.
3. **Audit.** An attacker knows the method, so knows that a ``<5`` cell holds 1 to 4, that a
   ``[c]`` cell holds 5 or more, that a rounded 10 holds 8 to 12, and every published figure.
   For each hidden small count the audit solves two linear programs (HiGHS, through its own
   Python interface ``highspy``, which re-solves one model warm with the primal simplex for
   each cell's objective: 20 to 80 times faster here than ``scipy.optimize.linprog``, which
   builds the same solver's model afresh for every solve): the
   least and the most the cell can be, over all atoms >= 0 meeting everything published. The protection required (``Rule.protection``): the attacker
   can narrow it to no fewer than ``(threshold + 1) // 2`` whole values (3 for threshold 5:
   at worst "2, 3 or 4"), never to one value. Like Tau-Argus and sdcTable, the audit uses the
   linear relaxation; its bounds are rounded inwards to whole numbers.

Derived figures (a change, a percentage, a significance test, a chart) are computed by the
callers from *published* values only, so they cannot reveal more than the cells do.

``WITHHELD`` is for figures that are simply left out without a marker, such as a group of
street-level rows that is not given its street point: the attacker learns nothing about them,
not even that they are small.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse

PUBLISHED = "published"
PRIMARY = "primary"  # 1 .. threshold-1, shown as '<5'
SECONDARY = "secondary"  # threshold or more, hidden to protect a primary, shown as '[c]'
WITHHELD = "withheld"  # left out with no marker: the reader knows nothing of it
STATUSES = (PUBLISHED, PRIMARY, SECONDARY, WITHHELD)
SECONDARY_MARK = "[c]"
_EPS = 1e-7


class SuppressionError(RuntimeError):
    """The problem is inconsistent (a published figure contradicts the atoms): a bug."""


@dataclass(frozen=True)
class Rule:
    """Threshold rule: counts 1..threshold-1 are hidden; ``rounding`` 5 rounds the rest to the
    nearest 5 (0: exact). ``protection``: the fewest whole values an attacker may be left with
    for a hidden small count."""

    threshold: int = 5
    rounding: int = 0
    min_values: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or not 3 <= self.threshold <= 50:
            raise ValueError(f"the threshold must be a whole number from 3 to 50, not {self.threshold!r} "
                             "(below 3 a hidden count would be known exactly)")
        if self.rounding not in (0, 5):
            raise ValueError(f"rounding must be 0 (exact) or 5 (to the nearest 5), not {self.rounding!r}")
        if self.min_values is not None and not 2 <= self.min_values <= self.threshold - 1:
            raise ValueError(f"the protection must be 2 to {self.threshold - 1} values, not {self.min_values!r}")

    @property
    def protection(self) -> int:
        return self.min_values or max(2, (self.threshold + 1) // 2)

    @property
    def small_mark(self) -> str:
        return f"<{self.threshold}"

    def is_small(self, value: int) -> bool:
        return 1 <= value < self.threshold

    def published(self, value: int) -> int:
        """The value as published: exact, or rounded to the nearest ``rounding``."""
        if not self.rounding or value == 0:
            return int(value)
        return int(self.rounding * math.floor(value / self.rounding + 0.5))

    def bounds(self, shown: int) -> tuple[float, float]:
        """What a published (not hidden) figure tells the attacker about the true count."""
        if not self.rounding or shown == 0:
            return float(shown), float(shown)
        half = (self.rounding - 1) // 2
        return float(max(self.threshold, shown - half)), float(shown + half)


@dataclass(frozen=True)
class Cell:
    """One published figure: the sum of ``atoms`` (indices), whose true sum is ``value``.
    ``weight`` multiplies its count when choosing what to hide: 1 for an inner cell, more for a
    total whose loss costs the reader more."""

    key: Hashable
    atoms: tuple[int, ...]
    value: int
    weight: float = 1.0


@dataclass(frozen=True)
class Relation:
    """A total and the cells that add up to it (a row with its margin): the textbook pass works
    on these. The audit does not need them: it reads every relation from the atoms."""

    total: int
    parts: tuple[int, ...]


@dataclass
class Problem:
    """``links``: equalities that always hold between atoms (sum of the first tuple's atoms =
    sum of the second's), for a model that stands for finer atoms by their totals."""

    n_atoms: int
    cells: list[Cell]
    relations: list[Relation] = field(default_factory=list)
    links: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    values: Sequence[int] | None = None  # the atoms' true counts, for an audit with some held fixed
    _incidence: sparse.csr_matrix | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for cell in self.cells:
            if any(not 0 <= a < self.n_atoms for a in cell.atoms):
                raise SuppressionError(f"cell {cell.key!r} names an atom outside 0..{self.n_atoms - 1}")

    def incidence(self) -> sparse.csr_matrix:
        """Cells then links (rows) by atoms: 1 where a cell holds an atom, +1/-1 in a link."""
        if self._incidence is None:
            rows, columns, data = [], [], []
            for i, cell in enumerate(self.cells):
                rows += [i] * len(cell.atoms)
                columns += cell.atoms
                data += [1.0] * len(cell.atoms)
            for r, (plus, minus) in enumerate(self.links, start=len(self.cells)):
                rows += [r] * (len(plus) + len(minus))
                columns += [*plus, *minus]
                data += [1.0] * len(plus) + [-1.0] * len(minus)
            self._incidence = sparse.csr_matrix((data, (rows, columns)),
                                                shape=(len(self.cells) + len(self.links), self.n_atoms))
        return self._incidence

    def index(self) -> dict[Hashable, int]:
        return {cell.key: i for i, cell in enumerate(self.cells)}


@dataclass(frozen=True)
class Interval:
    """What an attacker can work out about hidden cell ``cell``: it lies in [low, high]
    (whole numbers; high may be inf). ``binding``: published cells that limit it."""

    cell: int
    low: float
    high: float
    binding: tuple[int, ...] = ()

    @property
    def values(self) -> float:
        return math.inf if math.isinf(self.high) else self.high - self.low + 1


@dataclass
class Protection:
    """The outcome: a status per cell, the published value of each published cell (None when
    hidden), and the final audit of every hidden small count."""

    problem: Problem
    rule: Rule
    status: list[str]
    intervals: list[Interval]
    rounds: int = 0

    def published(self, i: int) -> int | None:
        return self.rule.published(self.problem.cells[i].value) if self.status[i] == PUBLISHED else None

    def by_key(self) -> dict[Hashable, tuple[str, int | None]]:
        return {cell.key: (self.status[i], self.published(i)) for i, cell in enumerate(self.problem.cells)}

    @property
    def narrowest(self) -> float:
        """The fewest values any hidden small count can be narrowed to (inf when none is hidden)."""
        return min((iv.values for iv in self.intervals), default=math.inf)

    def count(self, status: str) -> int:
        return sum(1 for s in self.status if s == status)


# --- the rule's first step ----------------------------------------------------------------------


def primary(problem: Problem, rule: Rule, status: Sequence[str] | None = None) -> list[str]:
    """Hide every small count (keeping any status already given that is not PUBLISHED)."""
    start = list(status) if status is not None else [PUBLISHED] * len(problem.cells)
    return [PRIMARY if s == PUBLISHED and rule.is_small(c.value) else s for s, c in zip(start, problem.cells)]


def sensitive(problem: Problem, rule: Rule, status: Sequence[str]) -> list[int]:
    """Hidden cells whose true count is small: the ones the audit protects."""
    return [i for i, (c, s) in enumerate(zip(problem.cells, status)) if s != PUBLISHED and rule.is_small(c.value)]


# --- the audit ------------------------------------------------------------------------------------


def _quiet_highs():
    """A HiGHS solver that prints nothing. HiGHS writes its banner to standard output when the
    first solver of a process is made, before any option can be set; the command line's output
    must stay clean (a CSV may go to stdout), so that one moment's output is sent to /dev/null."""
    global _banner_shown
    if not _banner_shown:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                solver = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    else:
        solver = highspy.Highs()
    solver.silent()
    # Only the objective changes between solves, so the last basis stays primal feasible: the
    # primal simplex starts from it (measured: 20x faster here than the default dual simplex).
    solver.setOptionValue("simplex_strategy", 4)
    return solver


_banner_shown = False


def _constraints(problem: Problem, rule: Rule, status: Sequence[str], free: np.ndarray | None = None):
    """What the attacker knows, as rows lower <= sum of atoms <= upper: a published figure (its
    value, or the range a rounded value allows), a '<5' (1..threshold-1), a '[c]' (at least the
    threshold), and the links (always 0). With ``free`` (a mask of atoms) every other atom is held
    at its true count: its part moves into the bounds, and rows left with no free atom go.
    Returns the matrix, the bounds and the cell each row is (-1: a link)."""
    lower = np.full(len(problem.cells) + len(problem.links), -np.inf)
    upper = np.full(len(lower), np.inf)
    kept = np.zeros(len(lower), dtype=bool)
    for i, (cell, s) in enumerate(zip(problem.cells, status)):
        if s == PUBLISHED:
            lower[i], upper[i] = rule.bounds(rule.published(cell.value))
        elif s == PRIMARY:
            lower[i], upper[i] = 1, rule.threshold - 1
        elif s == SECONDARY:
            lower[i] = rule.threshold
        else:
            continue  # WITHHELD: nothing is known
        kept[i] = True
    lower[len(problem.cells):], upper[len(problem.cells):], kept[len(problem.cells):] = 0.0, 0.0, True
    matrix = problem.incidence()
    if free is not None:
        fixed = matrix[:, ~free] @ np.asarray(problem.values, float)[~free]
        lower, upper = lower - fixed, upper - fixed
        matrix = matrix[:, free]
        kept &= np.diff(matrix.indptr) > 0
    rows = np.flatnonzero(kept)
    cells = np.where(rows < len(problem.cells), rows, -1)
    return matrix[rows].tocsr(), lower[rows], upper[rows], cells


def audit(problem: Problem, rule: Rule, status: Sequence[str], check: Iterable[int] | None = None,
          free: Sequence[int] | None = None) -> list[Interval]:
    """For each hidden small count (or the cells in ``check``), the least and the most an attacker
    who knows the rule and every published figure can make it: two linear programs per cell over
    one HiGHS model, re-solved warm with the next cell's objective.

    ``free``: audit as if the attacker also knew the true count of every other atom
    (``Problem.values``). The region is smaller, so an interval found is never wider than the
    true one: a cell that passes this way passes in truth (conservative, and far smaller for a
    large problem). Cells in ``check`` need a free atom. Raises SuppressionError when the
    published figures contradict the atoms (which would be a bug in the caller)."""
    mask = None
    if free is not None:
        mask = np.zeros(problem.n_atoms, dtype=bool)
        mask[np.asarray(free, dtype=int)] = True
    matrix, lower, upper, row_cells = _constraints(problem, rule, status, mask)
    column = np.cumsum(mask) - 1 if mask is not None else None  # an atom's column among the free ones
    solver = _quiet_highs()
    n = matrix.shape[1]
    solver.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
    solver.addRows(len(lower), np.where(np.isinf(lower), -highspy.kHighsInf, lower),
                   np.where(np.isinf(upper), highspy.kHighsInf, upper), matrix.nnz,
                   matrix.indptr[:-1].astype(np.int32), matrix.indices.astype(np.int32), matrix.data)
    unbounded = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)
    intervals, previous = [], np.zeros(0, np.int32)
    for i in (sensitive(problem, rule, status) if check is None else check):
        cell_atoms = np.asarray(problem.cells[i].atoms, dtype=int)
        offset = 0.0
        if mask is not None:
            offset = float(np.asarray(problem.values, float)[cell_atoms[~mask[cell_atoms]]].sum())
            cell_atoms = column[cell_atoms[mask[cell_atoms]]]
        atoms = cell_atoms.astype(np.int32)
        solver.changeColsCost(len(previous), previous, np.zeros(len(previous)))
        solver.changeColsCost(len(atoms), atoms, np.ones(len(atoms)))
        previous = atoms
        ends, binding = [], set()
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solver.changeObjectiveSense(sense)
            solver.run()
            result = solver.getModelStatus()
            if result == highspy.HighsModelStatus.kOptimal:
                ends.append(solver.getInfo().objective_function_value + offset)
                duals = np.abs(np.asarray(solver.getSolution().row_dual))
                binding |= {int(row_cells[r]) for r in np.flatnonzero(duals > _EPS) if row_cells[r] >= 0}
            elif sense == highspy.ObjSense.kMaximize and result in unbounded:
                ends.append(math.inf)  # the minimum was found, so the model is feasible: unbounded above
            else:
                raise SuppressionError(f"the audit of cell {problem.cells[i].key!r} failed: "
                                       f"{solver.modelStatusToString(result)}")
        low, high = ends
        intervals.append(Interval(i, float(math.ceil(low - _EPS)), high if math.isinf(high)
                                  else float(math.floor(high + _EPS)), tuple(sorted(binding - {i}))))
    return intervals


# --- secondary suppression ------------------------------------------------------------------------


def _cost(problem: Problem, rule: Rule, j: int) -> tuple:
    """Cheapest first, but a cell too close to the threshold first of all avoided: the attacker
    knows a hidden cell holds at least the threshold, so a hidden 5 can give a neighbouring
    '<5' no room at all. A cell with room for the protection comes first."""
    cell = problem.cells[j]
    cramped = cell.value < rule.threshold + rule.protection - 1
    return (cramped, cell.value * cell.weight, cell.value, j)


def _hideable(problem: Problem, rule: Rule, status: Sequence[str], candidates: set[int] | None, j: int) -> bool:
    """A published cell that may be hidden to protect another: never a zero, never a small count
    (those are primary already), and only among ``candidates`` when given."""
    return (status[j] == PUBLISHED and problem.cells[j].value >= rule.threshold
            and (candidates is None or j in candidates))


def relation_pass(problem: Problem, rule: Rule, status: list[str], hide_as: str = SECONDARY,
                  candidates: set[int] | None = None) -> int:
    """The textbook pass: while a relation (a total and its parts) holds exactly one hidden cell,
    hide a second one in it. Prefer a part over the total; among parts, one that is the only
    hidden cell's partner elsewhere too (so one hiding mends two relations: a rectangle in a
    two-way table), then the cheapest. Returns how many cells it hid."""
    members = [(r.total, *r.parts) for r in problem.relations]
    relations_of: dict[int, list[int]] = {}
    for number, cells in enumerate(members):
        for i in cells:
            relations_of.setdefault(i, []).append(number)

    def lone(number: int) -> bool:
        return sum(1 for i in members[number] if status[i] != PUBLISHED) == 1

    hidden = 0
    pending = [n for n in range(len(members)) if lone(n)]
    while pending:
        number = pending.pop(0)
        if not lone(number):
            continue
        relation = problem.relations[number]
        options = [j for j in relation.parts if _hideable(problem, rule, status, candidates, j)]
        if not options and _hideable(problem, rule, status, candidates, relation.total):
            options = [relation.total]
        if not options:
            continue  # nothing here may be hidden; the audit will look for help elsewhere

        def preference(j: int, number: int = number) -> tuple:
            mends = any(lone(other) for other in relations_of.get(j, []) if other != number)
            cramped, *cost = _cost(problem, rule, j)
            return (cramped, not mends, *cost)

        chosen = min(options, key=preference)
        status[chosen] = hide_as
        hidden += 1
        pending.extend(n for n in relations_of.get(chosen, []) if lone(n))
    return hidden


def _breakdown(problem: Problem, status: Sequence[str], cell: int) -> set[int]:
    """The last resort, when nothing of the threshold or more can protect ``cell`` (its
    neighbours are published zeros, which pin it: three '<5' parts of a '<5' total with every
    other part 0 can each only be 1 or 2). Withhold, with no marker, every part of the cheapest
    relation holding the cell that has a published zero among its parts (a month's breakdown by
    category, say), zeros included, so the attacker no longer knows which parts are empty."""
    holding = [r for r in problem.relations if cell == r.total or cell in r.parts]
    zeroed = [r for r in holding if any(status[p] == PUBLISHED and problem.cells[p].value == 0 for p in r.parts)]
    open_parts = [[p for p in r.parts if status[p] != WITHHELD] for r in (zeroed or holding)]
    open_parts = [parts for parts in open_parts if parts]
    if not open_parts:
        return set()
    return set(min(open_parts, key=lambda parts: (sum(problem.cells[p].weight for p in parts) / len(parts),
                                                 len(parts), parts)))


def protect(problem: Problem, rule: Rule, status: Sequence[str] | None = None, *, hide_as: str = SECONDARY,
            candidates: set[int] | None = None, max_rounds: int = 200) -> Protection:
    """Apply the rule: primary suppression, the textbook pass (exact publication only; with
    rounding the audit alone decides), then audit and hide until every hidden small count keeps
    ``rule.protection`` possible values. ``status`` may fix cells beforehand; ``candidates``
    limits which cells may be hidden to protect others, and ``hide_as`` says how (SECONDARY: shown
    as '[c]', known to be at least the threshold; WITHHELD: left out with no marker)."""
    current = primary(problem, rule, status)
    if not rule.rounding:
        relation_pass(problem, rule, current, hide_as, candidates)
    for rounds in range(1, max_rounds + 1):
        intervals = audit(problem, rule, current)
        failing = [iv for iv in intervals if iv.values < rule.protection]
        if not failing:
            return Protection(problem, rule, current, intervals, rounds)
        chosen: set[int] = set()
        withheld: set[int] = set()
        for interval in failing:
            options = [j for j in interval.binding if _hideable(problem, rule, current, candidates, j)]
            if options:
                chosen.add(min(options, key=lambda j: _cost(problem, rule, j)))
            elif candidates is None:
                withheld |= _breakdown(problem, current, interval.cell)
            else:  # only some cells may change (the street-level file's groups): all of them then
                withheld |= {j for j in candidates if current[j] == PUBLISHED}
        if not chosen and not withheld:
            keys = ", ".join(repr(problem.cells[iv.cell].key) for iv in failing[:3])
            raise SuppressionError(f"cannot protect {keys}: nothing left that may be hidden")
        for j in withheld:
            current[j] = WITHHELD
        for j in chosen:
            current[j] = hide_as
        if not rule.rounding:
            relation_pass(problem, rule, current, hide_as, candidates)
    raise SuppressionError(f"secondary suppression did not settle in {max_rounds} rounds")
