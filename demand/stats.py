"""Is a change real? The one implementation of the statistics every page, the command line,
exports, briefings and plan assessments use to compare two windows of counts.

Pure functions over numbers and frames: no DuckDB, no Streamlit.

* **Exposure** is how many days of a window the source covers (``exposure_days``): a 12-month
  window whose source lacks May holds 334 covered days, not 365. Counts are compared as rates
  per covered day, so unequal exposure is never compared as if equal.
* **The test** for two observed counts with exposures is the E-test of Krishnamoorthy & Thomson
  (2004), the test of ``scipy.stats.poisson_means_test`` (``e_test``). 16 -> 25 crimes over the
  same days gives p = 0.165: not a real rise on its own.
* **The effect size** is the rate ratio (rate now / rate before) with its exact conditional
  95% interval (``rate_ratio_interval``), and the change in counts at equal exposure.
* **Many tests at once** (a table of categories or wards) control the false discovery rate at
  5% with Benjamini-Hochberg (``scipy.stats.false_discovery_control``): of the changes called
  real, about 5% or fewer are expected to be chance.
* **Did the intervention work?** The Weighted Displacement Difference (``wdd``; Wheeler &
  Ratcliffe 2018) counts the crimes a place-based response saved against a control and a
  displacement buffer, with its standard error, z and interval; ``scaled_wdd`` does the same
  against one large comparison area (the rest of a district) scaled to the target's size; the
  Weighted Displacement Quotient (``wdq``; Bowers & Johnson 2003) says whether the buffer
  shows displacement or a diffusion of benefits.

The public surface: ``compare_counts`` for one headline figure, ``compare_table`` for a table,
the closed vocabulary ``SIGNIFICANCE``, ``wdd``, ``scaled_wdd``, ``wdq`` and the pieces they are
built from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats as sp

__all__ = [
    "ALPHA",
    "FALL",
    "NO_CHANGE",
    "NO_DATA",
    "RISE",
    "SIGNIFICANCE",
    "WDD",
    "compare_counts",
    "compare_table",
    "e_test",
    "exposure_days",
    "false_discovery",
    "rate_ratio_interval",
    "scaled_wdd",
    "wdd",
    "wdq",
    "wdq_undefined_reason",
]

ALPHA = 0.05  # significance level of one comparison, and the false discovery rate of a table
RISE, FALL, NO_CHANGE, NO_DATA = "rise", "fall", "no_change", "no_data"
# The closed vocabulary of a comparison's verdict. NO_DATA: a window has no covered day.
SIGNIFICANCE = (RISE, FALL, NO_CHANGE, NO_DATA)

# The columns compare_table adds, in order.
STAT_COLUMNS = ["change", "pct_change", "p", "p_adjusted", "rate_ratio", "ci_low", "ci_high", "significance"]


# --- exposure ---------------------------------------------------------------------------------


def exposure_days(start: date, end: date, uncovered_months: Iterable[date]) -> int:
    """Days from ``start`` to ``end`` (both inclusive) that fall in no uncovered month.
    ``uncovered_months`` are any dates in the months the source lacks (their first days, as
    the coverage table holds them). 2025-04-02 .. 2025-06-30 without May: 90 - 31 = 59."""
    days = (end - start).days + 1
    for month in {date(m.year, m.month, 1) for m in uncovered_months}:
        after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        overlap = (min(end, after - timedelta(days=1)) - max(start, month)).days + 1
        days -= max(0, overlap)
    return max(0, days)


def month_dated_exposure_days(start: date, end: date, uncovered_months: Iterable[date]) -> int:
    """Covered days of a window over data dated by month only (data.police.uk: every event on
    the first day of its month, standing for the whole month): the days of each month whose
    first day lies in the window and that the source covers. 2022-11-03 .. 2023-02-01 holds
    the first days of December, January and February: 31 + 31 + 28 = 90; a 28-day window
    holding no first day covers nothing (no data, never zero)."""
    uncovered = {date(m.year, m.month, 1) for m in uncovered_months}
    month = date(start.year, start.month, 1)
    if month < start:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    days = 0
    while month <= end:
        after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month not in uncovered:
            days += (after - month).days
        month = after
    return days


# --- the E-test ---------------------------------------------------------------------------------


def _pivot(x1, x2, n1: float, n2: float):
    """The E-test's statistic (rate difference over its estimated standard error), with
    the same floating-point steps as scipy's; 0 where both counts are 0."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (x1 / n1 - x2 / n2) / np.sqrt(x1 / n1 / n1 + x2 / n2 / n2)
    return np.where((x1 == 0) & (x2 == 0), 0.0, t)


@lru_cache(maxsize=65_536)
def _e_test(k1: int, k2: int, n1: float, n2: float) -> float:
    # The E-test's p is a double sum over the counts (x1, x2) both windows could have held
    # under the pooled rate, of P(x1) P(x2) where |T(x1, x2)| >= |T(k1, k2)| [K&T (3.5)].
    # scipy.stats.poisson_means_test evaluates it over the whole grid of (x1, x2): 2 s for
    # 100,000 events, and a force's 1.5 million calls a year would need a grid of 320 million
    # cells. For a fixed x1, T falls as x2 grows, so the x2 that count form the two tails
    # x2 <= lo(x1) and x2 >= hi(x1): solving (x1/n1 - u)^2 = t^2 (x1/n1^2 + u/n2) for
    # u = x2/n2 gives them, and one exact evaluation of T either side settles rounding. The
    # sum is then one pass over x1 with cumulative sums over x2: the same terms, over the same
    # truncated ranges as scipy, in milliseconds (measured: 3 ms for 1.5 million events).
    # One difference, on purpose: scipy computes the observed statistic along another
    # floating-point path than the grid's, so in about 1 case in 40 it leaves out the observed
    # table itself and its mirror image (27 -> 16 over 28 days each: scipy 0.0909, the E-test
    # 0.0946). Here both come from _pivot. tests/test_stats.py checks both against scipy and a
    # plain double sum.
    pooled = (k1 + k2) / (n1 + n2)
    if pooled <= 0:
        return 1.0
    t = abs(float(_pivot(k1, k2, n1, n2)))
    if t == 0:  # the observed table is the least extreme there is (scipy: 1 - P(0, 0))
        return 1.0
    mu1, mu2 = n1 * pooled, n2 * pooled
    x1_lb, x1_ub = sp.poisson.ppf([1e-10, 1 - 1e-16], mu1)
    x2_lb, x2_ub = sp.poisson.ppf([1e-10, 1 - 1e-16], mu2)
    x1 = np.arange(x1_lb, x1_ub + 1)
    p1 = sp.poisson.pmf(x1, mu1)
    cumulative = np.concatenate([[0.0], np.cumsum(sp.poisson.pmf(np.arange(x2_lb, x2_ub + 1), mu2))])

    def mass_up_to(x):  # P(x2_lb <= X2 <= x) over scipy's truncated range
        return cumulative[np.clip(x - x2_lb + 1, 0, len(cumulative) - 1).astype(int)]

    rate = x1 / n1
    b = 2 * rate + t * t / n2
    root = np.sqrt(np.maximum(b * b - 4 * (rate * rate - t * t * x1 / n1 / n1), 0.0))
    lo = np.floor((b - root) / 2 * n2) + 1  # largest x2 with T >= t, found below
    hi = np.ceil((b + root) / 2 * n2) - 1  # smallest x2 with T <= -t, found below
    for _ in range(2):
        lo = np.where((lo >= 0) & (_pivot(x1, np.maximum(lo, 0), n1, n2) >= t), lo, lo - 1)
        hi = np.where(_pivot(x1, np.maximum(hi, 0), n1, n2) <= -t, hi, hi + 1)
    lower_tail = np.where(lo >= 0, mass_up_to(lo), 0.0)
    upper_tail = cumulative[-1] - mass_up_to(hi - 1)
    return float(min(1.0, np.sum(p1 * (lower_tail + upper_tail))))


def e_test(count: int, previous: int, exposure: float = 1.0, previous_exposure: float = 1.0) -> float:
    """Two-sided p-value of the E-test that two Poisson counts have the same rate per unit
    of exposure (Krishnamoorthy & Thomson 2004; the test of scipy.stats.poisson_means_test).
    16 -> 25 over the same days gives 0.165; 0 -> 0 gives 1."""
    if count != int(count) or previous != int(previous) or count < 0 or previous < 0:
        raise ValueError(f"counts must be whole numbers of at least 0, not {count!r} and {previous!r}")
    if not (exposure > 0 and previous_exposure > 0):
        raise ValueError(f"exposures must be above 0, not {exposure!r} and {previous_exposure!r}")
    return _e_test(int(count), int(previous), float(exposure), float(previous_exposure))


# --- the effect size ----------------------------------------------------------------------------


def rate_ratio_interval(count, previous, exposure=1.0, previous_exposure=1.0, level: float = 0.95):
    """(rate_ratio, low, high): the rate now over the rate before, and its exact conditional
    interval. Given the two windows' total N, the current count is binomial with
    proportion pi = n1 R / (n1 R + n2); the Clopper-Pearson interval of pi, mapped back to R,
    is the interval of R. It is exact (at least ``level`` coverage), so it can be a little
    wider than the E-test: a change just past p = 0.05 may have an interval touching 1.
    Works on numbers or arrays; ratio inf when previous is 0, NaN when both are 0."""
    k1, k2 = np.asarray(count, dtype=float), np.asarray(previous, dtype=float)
    n1, n2 = np.asarray(exposure, dtype=float), np.asarray(previous_exposure, dtype=float)
    total = k1 + k2
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (k1 / n1) / (k2 / n2)
        pi_low = np.where(k1 > 0, sp.beta.ppf(tail, k1, k2 + 1), 0.0)
        pi_high = np.where(k2 > 0, sp.beta.ppf(1 - tail, k1 + 1, k2), 1.0)
        low = pi_low / (1 - pi_low) * n2 / n1
        high = np.where(pi_high < 1, pi_high / (1 - pi_high) * n2 / n1, np.inf)
    undefined = ~(total > 0)
    ratio, low, high = (np.where(undefined, np.nan, a) for a in (ratio, low, high))
    if ratio.ndim == 0:
        return float(ratio), float(low), float(high)
    return ratio, low, high


# --- many tests at once -------------------------------------------------------------------------


def false_discovery(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (scipy.stats.false_discovery_control): a change
    whose adjusted p is below 0.05 is called real with the false discovery rate held at 5%.
    NaN (not tested) stays NaN and is not counted among the tests."""
    p = np.asarray(p, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        adjusted[tested] = sp.false_discovery_control(p[tested], method="bh")
    return adjusted


# --- one figure, and a table --------------------------------------------------------------------


def _verdict(p: float, ratio: float) -> str:
    if not p < ALPHA:
        return NO_CHANGE
    return RISE if ratio > 1 else FALL


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def compare_counts(count, previous, exposure: float, previous_exposure: float) -> dict:
    """One headline figure: this window's count against the previous window's, each over
    its covered days. A window with no covered day has no count (None), whatever was passed.

    Returns a dict: count, previous_count, exposure_days, previous_exposure_days, change
    (count minus the previous count scaled to this window's covered days), pct_change
    (NaN when the previous count is 0), p (E-test), rate_ratio, ci_low, ci_high (its 95%
    interval) and significance: 'rise' or 'fall' when p < 0.05, else 'no_change';
    'no_data' when a window has no covered day (p and the rest NaN).
    """
    row = compare_table(
        pd.DataFrame({"count": [count], "previous_count": [previous], "exposure_days": [exposure],
                      "previous_exposure_days": [previous_exposure]}),
        fdr=False,
    ).iloc[0]
    result = row.to_dict()
    for key in ("count", "previous_count"):
        result[key] = int(result[key]) if _known(result[key]) else None
    return result


def _codes(column: np.ndarray) -> tuple[np.ndarray | None, int]:
    """(code, how many codes) numbering the values of ``column`` so that equal values share a
    code (None, 1 for a column of one value: it tells no row from another). Whole numbers in a
    short range (counts) are their offset from the least, without sorting."""
    low, high = column.min(), column.max()
    if low == high:
        return None, 1
    if high - low < 1 << 20 and (column == np.floor(column)).all():
        return (column - low).astype(np.int64), int(high - low) + 1
    values, code = np.unique(column, return_inverse=True)
    return code.reshape(-1), len(values)


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse) for the distinct rows of equal-length columns: ``first`` a row of each
    distinct one, ``inverse`` each row's distinct one (so ``x[first][inverse]`` is ``x`` for a
    value that depends on the columns only). Neither order is meaningful."""
    rows = len(columns[0])
    if not rows:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    codes, size = np.zeros(rows, dtype=np.int64), 1
    for column in columns:  # one code per distinct combination, built column by column
        code, width = _codes(column)
        if code is None:
            continue
        if size * width >= 1 << 62:  # keep the codes small
            used, codes = np.unique(codes, return_inverse=True)
            codes, size = codes.reshape(-1), len(used)
        codes, size = codes * width + code, size * width
    if size <= 4 * rows + 1024:  # few possible codes: mark the ones used rather than sort
        used = np.zeros(size, dtype=bool)
        used[codes] = True
        inverse = (np.cumsum(used) - 1)[codes]
        first = np.empty(int(used.sum()), dtype=np.int64)
        first[inverse] = np.arange(rows)  # any row of each distinct one will do
        return first, inverse
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def comparisons(now: np.ndarray, before: np.ndarray, exposure: np.ndarray, before_exposure: np.ndarray,
                fdr: bool = True) -> dict[str, np.ndarray]:
    """compare_table's statistics as arrays over float arrays of the counts (NaN: the window
    has no covered day) and exposures: the STAT_COLUMNS, and ``known`` (both counts known)
    and ``tested`` (known, and an event in either window)."""
    known = ~np.isnan(now) & ~np.isnan(before)
    tested = known & ((now > 0) | (before > 0))

    with np.errstate(invalid="ignore", divide="ignore"):
        expected = before * exposure / before_exposure  # the previous count at this exposure
        change = np.round(now - expected, 1)
        pct_change = np.where(before > 0, (now / expected - 1) * 100, np.nan)
    # A long ranking repeats the same few rows of (count, previous count, exposures): test
    # each distinct row once and work out its interval once, then give every row its own.
    first, inverse = _distinct_rows(np.nan_to_num(now, nan=-1.0), np.nan_to_num(before, nan=-1.0),
                                    np.nan_to_num(exposure, nan=-1e300), np.nan_to_num(before_exposure, nan=-1e300))
    p_distinct = np.where(known[first], 1.0, np.nan)
    for i in np.flatnonzero(tested[first]):
        row = first[i]
        p_distinct[i] = e_test(int(now[row]), int(before[row]), exposure[row], before_exposure[row])
    p = p_distinct[inverse]
    adjusted = false_discovery(np.where(tested, p, np.nan)) if fdr else np.where(tested, p, np.nan)
    adjusted = np.where(known & ~tested, 1.0, adjusted)
    ratio, low, high = (np.where(known, np.asarray(a, dtype="float64").reshape(-1)[inverse], np.nan)
                        for a in rate_ratio_interval(
                            np.nan_to_num(now[first], nan=0.0), np.nan_to_num(before[first], nan=0.0),
                            np.clip(np.nan_to_num(exposure[first], nan=1.0), 1e-9, None),
                            np.clip(np.nan_to_num(before_exposure[first], nan=1.0), 1e-9, None)))
    with np.errstate(invalid="ignore"):
        verdicts = np.where(~(adjusted < ALPHA), NO_CHANGE, np.where(ratio > 1, RISE, FALL))
    return {"change": change, "pct_change": pct_change, "p": p, "p_adjusted": adjusted, "rate_ratio": ratio,
            "ci_low": low, "ci_high": high, "significance": np.where(known, verdicts, NO_DATA),
            "known": known, "tested": tested}


def compare_table(frame: pd.DataFrame, fdr: bool = True) -> pd.DataFrame:
    """A table of comparisons: ``frame`` has count, previous_count, exposure_days and
    previous_exposure_days (covered days of each window; a scalar column is fine). Returns a
    copy with the counts as Int64 (<NA> where the window has no covered day) and the columns
    of STAT_COLUMNS added:

    change (count minus the previous count scaled to the same covered days, rounded to one
    decimal), pct_change (the change in rate per covered day, %; NaN when the previous count
    is 0), p (E-test), p_adjusted (Benjamini-Hochberg over the rows tested when ``fdr``, else
    p), rate_ratio, ci_low, ci_high (95% exact conditional interval), significance ('rise' /
    'fall' when p_adjusted < 0.05, 'no_change', or 'no_data' when a window has no covered
    day; those rows are not tested).

    Rows with no event in either window are not tested either (nothing to test: p = 1). The
    number of rows tested is ``result.attrs["tested"]``; the false discovery rate (or, with
    fdr=False, the level of each test) ``result.attrs["fdr"]``.
    """
    exposure = frame["exposure_days"].to_numpy(dtype="float64", na_value=np.nan)
    before_exposure = frame["previous_exposure_days"].to_numpy(dtype="float64", na_value=np.nan)
    added, summary = compare_columns(frame["count"], frame["previous_count"], exposure, before_exposure, fdr)
    columns = {c: added.get(c, frame[c].array) for c in frame.columns if c not in STAT_COLUMNS}
    columns.update({c: added[c] for c in STAT_COLUMNS})
    out = pd.DataFrame(columns, index=frame.index)  # built once: a column at a time costs more
    out.attrs = dict(frame.attrs)
    out.attrs["tested"] = summary["tested"]
    out.attrs["fdr"] = ALPHA
    return out


def compare_columns(count: pd.Series, previous_count: pd.Series, exposure, previous_exposure, fdr: bool = True,
                    rows: slice | None = None) -> tuple[dict, dict]:
    """The columns compare_table gives a table, as arrays to build a frame from once: count and
    previous_count (Int64, <NA> where the window has no covered day) and STAT_COLUMNS, for the
    ``rows`` kept (None: all; the statistics are every row's, the false discovery rate too);
    and a summary of every row: tested (how many), rises (significant rises) and events (the
    sum of the counts known). ``exposure`` and ``previous_exposure``: float arrays or numbers."""
    length = len(count)
    exposure = np.broadcast_to(np.asarray(exposure, dtype="float64"), (length,))
    previous_exposure = np.broadcast_to(np.asarray(previous_exposure, dtype="float64"), (length,))
    now = count.astype("Int64").mask(~(exposure > 0)).array
    before = previous_count.astype("Int64").mask(~(previous_exposure > 0)).array
    result = comparisons(now.to_numpy(dtype="float64", na_value=np.nan),
                         before.to_numpy(dtype="float64", na_value=np.nan), exposure, previous_exposure, fdr)
    summary = {"tested": int(result["tested"].sum()), "rises": int((result["significance"] == RISE).sum()),
               "events": int(now.sum())}
    kept = slice(None) if rows is None else rows
    columns = {"count": now[kept], "previous_count": before[kept], **{c: result[c][kept] for c in STAT_COLUMNS}}
    columns["significance"] = columns["significance"].tolist()  # as str, the way pandas infers it
    return columns, summary


def significant_count(frame: pd.DataFrame) -> int:
    """How many rows of a compare_table result are a significant rise or fall."""
    return int(frame["significance"].isin([RISE, FALL]).sum())


def rates_per_thousand(counts, population) -> pd.Series:
    """Events per 1,000 residents: count / population x 1,000, NaN where the population is
    unknown or not positive (never a rate over a guessed population). A ward's population is a
    mid-year estimate, so the rate is an estimate too, and pages say so."""
    counts = pd.Series(counts, dtype="Float64").astype("float64")
    people = pd.Series(population, index=counts.index, dtype="Float64").astype("float64")
    return (counts / people.where(people > 0) * 1000).rename("rate")
# --- did the intervention work? -----------------------------------------------------------------

Pair = Sequence[float]  # (before, after) counts of one area


@dataclass(frozen=True)
class WDD:
    """A Weighted Displacement Difference: the change in the treated area beyond its control's
    (``local``), the same for the displacement buffer (``displacement``: above 0 is displacement,
    below 0 a diffusion of benefits), and their sum (``total``; below 0 is crime saved), each with
    its standard error; z, the two-sided normal p and the ``level`` interval of the total."""

    local: float
    local_se: float
    displacement: float
    displacement_se: float
    total: float
    se: float
    z: float
    p: float
    ci_low: float
    ci_high: float
    level: float = 0.95

    def interval(self, part: str = "total") -> tuple[float, float]:
        """The ``level`` interval of 'local', 'displacement' or 'total'."""
        estimate, se = {"local": (self.local, self.local_se), "displacement": (self.displacement, self.displacement_se),
                        "total": (self.total, self.se)}[part]
        half = float(sp.norm.ppf(1 - (1 - self.level) / 2)) * se
        return estimate - half, estimate + half


def _pair(name: str, counts: Pair) -> tuple[float, float]:
    if len(counts) != 2:
        raise ValueError(f"{name} needs two counts, before and after, not {counts!r}")
    before, after = (float(c) for c in counts)
    if not (before >= 0 and after >= 0) or np.isinf(before) or np.isinf(after):
        raise ValueError(f"{name}: counts must be 0 or more, not {counts!r}")
    return before, after


def _difference(counts: tuple[float, float], weights: tuple[float, float]) -> tuple[float, float]:
    """(after/w1 - before/w0, its Poisson variance before/w0^2 + after/w1^2)."""
    (before, after), (w0, w1) = counts, weights
    return after / w1 - before / w0, before / w0**2 + after / w1**2


def _summary(local: tuple[float, float], displacement: tuple[float, float], total_variance: float,
             level: float) -> WDD:
    total = local[0] + displacement[0]
    se = float(np.sqrt(total_variance))
    z = total / se if se > 0 else (0.0 if total == 0 else float(np.sign(total) * np.inf))
    half = float(sp.norm.ppf(1 - (1 - level) / 2)) * se
    p = float(2 * sp.norm.sf(abs(z))) if se > 0 else (1.0 if total == 0 else 0.0)
    return WDD(local=float(local[0]), local_se=float(np.sqrt(local[1])), displacement=float(displacement[0]),
               displacement_se=float(np.sqrt(displacement[1])), total=float(total), se=se, z=float(z), p=p,
               ci_low=float(total - half), ci_high=float(total + half), level=level)


def wdd(treated: Pair, control: Pair, displacement: Pair = (0, 0), displacement_control: Pair = (0, 0), *,
        time_weights: Pair = (1, 1), area_weights: Sequence[float] = (1, 1, 1, 1), level: float = 0.95) -> WDD:
    """The Weighted Displacement Difference of Wheeler & Ratcliffe (2018, Crime Science 7:7).

    Each area is (before, after) counts. WDD = dT - dCt + dD - dCd, where d is after minus
    before for the treated area, its control, the displacement buffer and the buffer's control;
    its variance is the sum of the eight counts (each count Poisson). Below 0: crime saved.
    The Philadelphia foot patrol example of the paper, treated (207, 110), control (308, 318),
    displacement (178, 157), its control (150, 140): WDD -118, SE sqrt(1568) = 39.6, z -2.98,
    95% interval -196 to -40.

    ``time_weights`` (before, after) and ``area_weights`` (treated, control, displacement,
    displacement control) divide the counts, as in Wheeler's ``ptools::wdd`` (whose area order
    is control, treated, displacement control, displacement): a before period twice as long as
    the after has time weights (2, 1); so the change is per unit of time or area. Leave an area
    out as (0, 0)."""
    t, c, d, cd = (_pair(n, x) for n, x in (("treated", treated), ("control", control),
                                             ("displacement", displacement),
                                             ("displacement control", displacement_control)))
    w0, w1 = (float(w) for w in time_weights)
    weights = [float(w) for w in area_weights]
    if len(weights) != 4 or min(weights + [w0, w1]) <= 0:
        raise ValueError("weights must be above 0: two time weights and four area weights")
    parts = [_difference(x, (w0 * a, w1 * a)) for x, a in zip((t, c, d, cd), weights)]
    local = (parts[0][0] - parts[1][0], parts[0][1] + parts[1][1])
    shift = (parts[2][0] - parts[3][0], parts[2][1] + parts[3][1])
    return _summary(local, shift, local[1] + shift[1], level)


def scaled_wdd(treated: Pair, control: Pair, displacement: Pair | None = None, *, time_weights: Pair = (1, 1),
               level: float = 0.95) -> WDD | None:
    """The WDD against one large comparison area (the rest of a district) that serves as the
    control of both the treated area and its buffer.

    A difference-in-differences of counts needs a control of about the treated area's size; the
    rest of a district is far larger, so its counts are scaled to the treated area's before
    count (and, for the buffer, to the buffer's): the control's relative change, applied to the
    target's baseline, is what would have happened without the response. This is the WDD with
    area weights (Wheeler 2021, "The WDD test with different area sizes") of C0 / T0 for the
    control. Because one control serves both, the total's variance counts it once, with the
    summed scale: T + D + (s_T + s_D)^2 C. The scale comes from the data (it is not known in
    advance), so the interval is a little narrower than a fully propagated one; with a control
    of hundreds of events the difference is small. None when the control has no event before."""
    t = _pair("treated", treated)
    c = _pair("control", control)
    d = _pair("displacement", displacement) if displacement is not None else (0.0, 0.0)
    w0, w1 = (float(w) for w in time_weights)
    if c[0] <= 0:
        return None
    c_change, c_variance = _difference(c, (w0, w1))
    scale_t, scale_d = (t[0] / w0) / (c[0] / w0), (d[0] / w0) / (c[0] / w0)

    def against_control(counts, scale):
        change, variance = _difference(counts, (w0, w1))
        return change - scale * c_change, variance + scale**2 * c_variance

    local, shift = against_control(t, scale_t), against_control(d, scale_d)
    variance = _difference(t, (w0, w1))[1] + _difference(d, (w0, w1))[1] + (scale_t + scale_d) ** 2 * c_variance
    return _summary(local, shift, variance, level)


def wdq(treated: Pair, control: Pair, displacement: Pair) -> float | None:
    """The Weighted Displacement Quotient of Bowers & Johnson (2003):
    WDQ = (Da/Ca - Db/Cb) / (Ra/Ca - Rb/Cb), R the response area, D its buffer, C the control,
    b before and a after. Above 0: a diffusion of benefits into the buffer; 0 to -1: some
    displacement, less than the response's effect; below -1: displacement outweighs the effect.
    None where it is not defined: the control has no event in a period, or the response area did
    not fall relative to the control (the success measure Ra/Ca - Rb/Cb is not below 0), when
    there is no effect for displacement to erode (see wdq_undefined_reason)."""
    if wdq_undefined_reason(treated, control, displacement):
        return None
    (rb, ra), (cb, ca), (db, da) = (_pair(n, x) for n, x in (("treated", treated), ("control", control),
                                                             ("displacement", displacement)))
    return (da / ca - db / cb) / (ra / ca - rb / cb) + 0.0  # + 0.0: never -0.0


def wdq_undefined_reason(treated: Pair, control: Pair, displacement: Pair) -> str:
    """Why the WDQ is not defined for these counts, in plain words; '' when it is."""
    (rb, ra), (cb, ca), _ = (_pair(n, x) for n, x in (("treated", treated), ("control", control),
                                                      ("displacement", displacement)))
    if cb <= 0 or ca <= 0:
        return "the control has no event in one of the periods"
    if not ra / ca - rb / cb < 0:
        return "the target did not fall relative to the control, so there is no effect to displace"
    return ""
