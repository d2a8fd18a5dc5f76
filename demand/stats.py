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

The public surface: ``compare_counts`` for one headline figure, ``compare_table`` for a table,
the closed vocabulary ``SIGNIFICANCE`` and the pieces they are built from.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    "compare_counts",
    "compare_table",
    "e_test",
    "exposure_days",
    "false_discovery",
    "rate_ratio_interval",
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
    out = frame.copy()
    exposure = out["exposure_days"].astype("float64")
    before_exposure = out["previous_exposure_days"].astype("float64")
    out["count"] = out["count"].astype("Int64").mask(~(exposure > 0))
    out["previous_count"] = out["previous_count"].astype("Int64").mask(~(before_exposure > 0))
    now, before = out["count"].astype("float64"), out["previous_count"].astype("float64")
    known = now.notna() & before.notna()
    tested = known & ((now > 0) | (before > 0))

    with np.errstate(invalid="ignore", divide="ignore"):
        expected = before * exposure / before_exposure  # the previous count at this exposure
        out["change"] = (now - expected).round(1)
        out["pct_change"] = np.where(before > 0, (now / expected - 1) * 100, np.nan)
    p = np.full(len(out), np.nan)
    p[known.to_numpy()] = 1.0
    # A long ranking repeats the same few (count, previous) pairs: test each pair once.
    mask = tested.to_numpy()
    cases = list(zip(now.to_numpy()[mask].astype(int), before.to_numpy()[mask].astype(int),
                     exposure.to_numpy()[mask], before_exposure.to_numpy()[mask]))
    tests = {case: e_test(*case) for case in set(cases)}
    p[mask] = [tests[case] for case in cases]
    out["p"] = p
    untested_known = known & ~tested
    adjusted = false_discovery(np.where(tested, p, np.nan)) if fdr else np.where(tested, p, np.nan)
    out["p_adjusted"] = np.where(untested_known, 1.0, adjusted)
    ratio, low, high = rate_ratio_interval(now.fillna(0), before.fillna(0), exposure.fillna(1).clip(lower=1e-9),
                                           before_exposure.fillna(1).clip(lower=1e-9))
    out["rate_ratio"], out["ci_low"], out["ci_high"] = (np.where(known, a, np.nan) for a in (ratio, low, high))
    out["significance"] = [
        _verdict(q, r) if k else NO_DATA for q, r, k in zip(out["p_adjusted"], out["rate_ratio"], known)
    ]
    out.attrs["tested"] = int(tested.sum())
    out.attrs["fdr"] = ALPHA
    return out


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
