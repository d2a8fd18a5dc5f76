"""Disclosure control, worked by hand on small tables: primary suppression, the second hidden
cell a lone one forces, the audit's intervals, a hidden 5 that protects nothing, zeros that pin,
rounding, and the conservative audit with atoms held fixed."""

from __future__ import annotations

import math

import pytest

from demand.disclosure.suppression import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    WITHHELD,
    Cell,
    Problem,
    Relation,
    Rule,
    audit,
    protect,
)


def table(rows: list[list[int]]) -> tuple[Problem, dict]:
    """A two-way table with its row, column and grand totals: one atom per inner cell."""
    cells, index = [], {}

    def add(key, atoms, weight=1.0):
        value = sum(rows[r][c] for r, c in atoms)
        index[key] = len(cells)
        cells.append(Cell(key, tuple(r * len(rows[0]) + c for r, c in atoms), value, weight))
        return index[key]

    n_rows, n_columns = len(rows), len(rows[0])
    inner = {(r, c): add((r, c), [(r, c)]) for r in range(n_rows) for c in range(n_columns)}
    row_totals = {r: add(("row", r), [(r, c) for c in range(n_columns)], 2.0) for r in range(n_rows)}
    column_totals = {c: add(("column", c), [(r, c) for r in range(n_rows)], 2.0) for c in range(n_columns)}
    grand = add("total", [(r, c) for r in range(n_rows) for c in range(n_columns)], 10.0)
    relations = [Relation(row_totals[r], tuple(inner[r, c] for c in range(n_columns))) for r in range(n_rows)]
    relations += [Relation(column_totals[c], tuple(inner[r, c] for r in range(n_rows))) for c in range(n_columns)]
    relations += [Relation(grand, tuple(row_totals.values())), Relation(grand, tuple(column_totals.values()))]
    values = [v for row in rows for v in row]
    return Problem(n_rows * n_columns, cells, relations, values=values), index


def hidden(problem: Problem, status: list[str]) -> dict:
    return {problem.cells[i].key: s for i, s in enumerate(status) if s != PUBLISHED}


def test_one_suppressed_cell_in_a_row_forces_a_second():
    # 20  3 12 | 35      The 3 is primary. Published alone, 35 - 20 - 12 gives it away, so its row
    # 8 15  9 | 32      needs a second hidden cell, and so does its column. Worked by hand: the row
    # 11 10 14 | 35      pass hides the row's cheapest other cell with room (12); column B then hides
    # ---------          10 (its cheapest); column C and row 3 each hold one hidden cell, and 14 closes
    # 39 28 35 | 102     both at once: the rectangle 3, 12 / 10, 14. Nothing else.
    problem, _ = table([[20, 3, 12], [8, 15, 9], [11, 10, 14]])
    result = protect(problem, Rule())
    assert hidden(problem, result.status) == {(0, 1): PRIMARY, (0, 2): SECONDARY, (2, 1): SECONDARY,
                                              (2, 2): SECONDARY}
    # The attacker moves d round the rectangle: 3+d, 12-d, 10-d, 14+d with 3+d in 1..4 and the
    # others at least 5: d from -2 to 1, so the 3 could be 1, 2, 3 or 4. Nothing narrower.
    (interval,) = result.intervals
    assert (interval.low, interval.high) == (1, 4)


def test_a_lone_hidden_cell_is_recovered_by_the_audit():
    problem, index = table([[20, 3, 12], [8, 15, 9], [11, 10, 14]])
    status = [PUBLISHED] * len(problem.cells)
    status[index[0, 1]] = PRIMARY
    (interval,) = audit(problem, Rule(), status)
    assert (interval.low, interval.high) == (3, 3)  # 35 - 20 - 12
    assert {problem.cells[i].key for i in interval.binding} >= {(0, 0), (0, 2), ("row", 0)}


def test_three_small_counts_that_add_up_to_three_are_each_pinned_to_one():
    # A column of 1, 1, 1 (each '<5') and 30, 40 with its total published: the three add up to 3,
    # and each is at least 1, so each is 1. Two hidden cells per column (the textbook rule) is not
    # enough; the audit sees it. Hiding a cell of exactly 5 would not help either (the attacker
    # knows a hidden cell is at least 5): the cell hidden has room, 30 (the cheapest with room).
    rows = [[1], [1], [1], [5], [30], [40]]
    problem, index = table(rows)
    status = [PUBLISHED] * len(problem.cells)
    for r in range(3):
        status[index[r, 0]] = PRIMARY
    assert all((iv.low, iv.high) == (1, 1) for iv in audit(problem, Rule(), status))
    result = protect(problem, Rule())
    assert result.status[index[3, 0]] == PUBLISHED  # the 5: no use hidden
    assert hidden(problem, result.status) == {(0, 0): PRIMARY, (1, 0): PRIMARY, (2, 0): PRIMARY,
                                              (4, 0): SECONDARY, ("row", 0): PRIMARY, ("row", 1): PRIMARY,
                                              ("row", 2): PRIMARY, ("row", 4): SECONDARY}
    # 1 + 1 + 1 + 30 = 33 hidden: each small one can be 1 to 4 (the 30 can give up to 25).
    assert all((iv.low, iv.high) == (1, 4) for iv in result.intervals)


def test_zeros_are_published_and_a_breakdown_they_pin_is_withheld_whole():
    # A month of 3 crimes in 3 types, every other type 0: each '<5' can only be 1 or 2 (all three
    # are at least 1 and the month total is at most 4). No cell of 5 or more can help, so the
    # month's breakdown is withheld whole, zeros included, and the attacker no longer knows which
    # types are empty.
    cells = [Cell(("type", t), (t,), v) for t, v in enumerate([1, 1, 1, 0, 0])]
    cells.append(Cell("month", (0, 1, 2, 3, 4), 3, 2.0))
    problem = Problem(5, cells, [Relation(5, (0, 1, 2, 3, 4))], values=[1, 1, 1, 0, 0])
    result = protect(problem, Rule())
    assert result.status[:5] == [WITHHELD] * 5 and result.status[5] == PRIMARY
    assert all(iv.values >= 3 for iv in result.intervals)


def test_rounding_publishes_ranges_and_needs_less_hiding():
    problem, _index = table([[20, 3, 12], [8, 15, 9], [11, 10, 14]])
    rule = Rule(rounding=5)
    assert [rule.published(v) for v in (0, 5, 7, 8, 12, 13, 102)] == [0, 5, 5, 10, 10, 15, 100]
    assert rule.bounds(10) == (8, 12) and rule.bounds(5) == (5, 7)  # a shown 5 is at least the threshold
    result = protect(problem, rule)
    assert hidden(problem, result.status) == {(0, 1): PRIMARY}
    assert result.intervals[0].values >= rule.protection


def test_the_rule_is_checked():
    with pytest.raises(ValueError, match="from 3 to 50"):
        Rule(threshold=2)
    with pytest.raises(ValueError, match="rounding"):
        Rule(rounding=10)
    assert Rule().protection == 3 and Rule(threshold=10).protection == 5 and Rule(threshold=3).protection == 2
    assert Rule().small_mark == "<5"


def test_holding_atoms_fixed_never_widens_an_interval():
    problem, _index = table([[20, 3, 12], [8, 15, 9], [11, 10, 14]])
    result = protect(problem, Rule())
    full = audit(problem, Rule(), result.status)
    # Free only the rectangle's four atoms: the same interval (the others cannot help).
    rectangle = [0 * 3 + 1, 0 * 3 + 2, 2 * 3 + 1, 2 * 3 + 2]
    fixed = audit(problem, Rule(), result.status, free=rectangle)
    assert [(iv.low, iv.high) for iv in fixed] == [(iv.low, iv.high) for iv in full]
    # Free one atom only: it is pinned by its row, so the interval shrinks to the truth.
    (alone,) = audit(problem, Rule(), result.status, free=[1])
    assert (alone.low, alone.high) == (3, 3)


def test_an_unbounded_hidden_cell_reports_infinity():
    cells = [Cell("a", (0,), 2), Cell("b", (1,), 7)]
    problem = Problem(2, cells, values=[2, 7])
    (interval,) = audit(problem, Rule(), [PRIMARY, SECONDARY], check=[1])
    assert interval.low == 5 and math.isinf(interval.high)
