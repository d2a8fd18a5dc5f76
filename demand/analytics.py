"""The repeat-demand analyses every page, export and command uses.

Each analysis is a query file in ``queries/`` run through the Store for one area (a Scope)
and one window (``demand.windows``); this module chooses the windows, binds the values and
adds what SQL says less clearly (coverage, the statistics of demand.stats, concentration curves).

Conventions, shared by every function here:

* Counts are of distinct events: a person linked twice to one crime counts it once.
* ``as_of`` defaults to the latest event date in the data; a date outside the data's range
  raises UsageError naming the range.
* A month the source lacks (the coverage table does not mark it covered) is never shown as
  zero. A window is counted over the days its source covers (``exposure_days``), labelled in
  plain words (``coverage``: "11 of 12 months; no crime data for May 2025"), and compared with
  the other window as a rate per covered day. A window with no covered day has a NULL count
  (pandas <NA>) and ``significance`` 'no_data'. A month with no coverage row counts as
  lacking, so a window reaching back before the data began is not a fall from zero.
  ``months_missing`` lists the months either window lacks ("crimes: 2025-03, 2025-04").
  Events dated inside a month the source lacks should not exist; if an extract holds some,
  they are not counted (queries/snapshot_views.sql: in_covered_month).
* The statistics are demand.stats': ``change`` is the count minus the previous count at the
  same covered days, ``pct_change`` the change in rate (%; NaN when the previous count is 0),
  ``p`` the E-test, ``rate_ratio`` with its 95% interval ``ci_low``..``ci_high``, and
  ``significance`` 'rise' / 'fall' / 'no_change' / 'no_data'. A table (compare, compare_matrix,
  rank) holds the false discovery rate at 5% over its rows (``p_adjusted``, Benjamini-Hochberg;
  ``frame.attrs["tested"]`` rows tested); a headline figure is one test at p < 0.05.
* A source the data does not hold at all (no rows and no coverage row: missing episodes in
  data.police.uk data) is not missing months, it is absent: an analysis of that source alone
  gets NULL counts, ``significance`` 'no_data' and ``months_missing`` "missing_episodes: not
  held"; an analysis of several sources (locations) leaves it out, exposure included.

Pages, the command line and later work call these through the read gate (``demand.reader``),
which resolves the Scope from the user and the area asked for; never with a Scope of their own.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from demand import harm, stats
from demand.errors import UsageError
from demand.present import wording
from demand.store import Scope, Store
from demand.windows import Window, parse_date, previous, year_earlier
from demand.windows import window as make_window

__all__ = [
    "BASELINES",
    "COMPARE_BY",
    "COMPARE_COLUMNS",
    "KINDS",
    "baseline_window",
    "compare",
    "compare_matrix",
    "compare_windows",
    "concentration",
    "concentration_of",
    "data_quality",
    "data_range",
    "default_as_of",
    "event_points",
    "headline",
    "headline_wards",
    "location_neighbours",
    "missing_months",
    "monthly_trend",
    "rank",
    "rank_ids",
    "rank_page",
    "recent_events",
    "resolve_as_of",
    "table_info",
    "timeline",
    "weekly_trend",
    "window_params",
]

KINDS = ("victims", "offenders", "callers", "missing", "locations")
COMPARE_BY = ("category", "call_type", "missing", "ward")
BASELINES = ("previous", "last_year")
SOURCES = ("crimes", "calls", "missing_episodes")
# What every comparison of two windows returns after its grouping columns.
COMPARE_COLUMNS = ["count", "previous_count", *stats.STAT_COLUMNS, "exposure_days", "previous_exposure_days",
                   "months_missing", "coverage", "previous_coverage"]

# Which source tables each analysis reads, for the coverage check.
KIND_SOURCES = {
    "victims": ("crimes",),
    "offenders": ("crimes",),
    "callers": ("calls",),
    "missing": ("missing_episodes",),
    "locations": SOURCES,
}
CRIME_ROLES = {"victims": ["victim"], "offenders": ["suspect", "offender"]}
# The role group crime_links holds each person's crimes once in (queries/snapshot_derived.sql).
ROLE_GROUPS = {"victims": "victim", "offenders": "offender"}
# What a person ranking counts, as person_events names the source (queries/rank_person_details.sql).
PERSON_SOURCES = {"victims": "crime", "offenders": "crime", "callers": "call", "missing": "missing"}
# The details query's `noted` count, as each person ranking names it.
NOTED = {"callers": "mental_health_calls", "missing": "high_risk_episodes"}
FLAG_LABELS = {"mental_health": "mental health", "domestic": "domestic", "weapon": "weapon",
               "high_risk": "high-risk missing", "care_home": "care home"}
KIND_COLUMNS = {
    "victims": ["birth_year"],
    "offenders": ["birth_year"],
    "callers": ["birth_year", "mental_health_calls"],
    "missing": ["birth_year", "high_risk_episodes"],
    "locations": ["address", "location_type", "ward_code", "lat", "lon", "precision", "crimes", "calls",
                  "missing"],
}
RANK_COLUMNS = ["rank", "id", "name", "count", "previous_count", "change", "p", "p_adjusted", "significance",
                "first_at", "last_at", "main_categories", "harm", "flags"]


# --- the data's dates ------------------------------------------------------------------


def data_range(store: Store) -> tuple[date, date]:
    """First and last event date over calls, crimes and missing episodes."""
    row = store.reference("data_range").iloc[0]
    if pd.isna(row["first_at"]):
        raise UsageError("the data holds no calls, crimes or missing episodes")
    return row["first_at"].date(), row["last_at"].date()


def default_as_of(store: Store) -> date:
    return data_range(store)[1]


def resolve_as_of(store: Store, as_of: date | str | None) -> date:
    """``as_of`` as a date inside the data's range (default: its last day)."""
    first, last = data_range(store)
    if as_of is None:
        return last
    day = parse_date(as_of)
    if not first <= day <= last:
        raise UsageError(f"as-of date {day} is outside the data, which runs from {first} to {last}")
    return day


def window_params(current: Window, base: Window) -> dict:
    return {"start": current.start_ts, "end": current.end_ts,
            "prev_start": base.start_ts, "prev_end": base.end_ts}


NOT_HELD = wording.NOT_HELD


def covered_months(store: Store) -> dict[str, frozenset[date]]:
    """Per source, the first days of the months the coverage table marks covered (worked out
    once per snapshot: see Store.memo)."""
    def read() -> dict[str, frozenset[date]]:
        table = store.reference("coverage_months")
        months = {s: set() for s in SOURCES}
        for source, month in zip(table["table_name"], table["month"]):
            months.setdefault(source, set()).add(pd.Timestamp(month).date())
        return {s: frozenset(m) for s, m in months.items()}
    return store.memo(("covered_months",), read)


def month_firsts(first: date, last: date) -> list[date]:
    """The first days of the calendar months from the one holding ``first`` to the one
    holding ``last``."""
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def coverage_gaps(store: Store, first: date, last: date) -> list[tuple[str, date]]:
    """(source, first day of the month) for each calendar month sharing a day with ``first``
    to ``last`` that a source lacks (no coverage row marks it covered), by source then month."""
    covered = covered_months(store)
    months = month_firsts(first, last)
    return [(s, m) for s in SOURCES for m in months if m not in covered[s]]


def _gaps(store: Store, w: Window) -> list[tuple[str, date]]:
    """(source, first day of the month) for each month of ``w`` a source lacks."""
    return coverage_gaps(store, w.start, w.end)


def _uncovered(store: Store, *windows: Window, source: str) -> list[date]:
    """The months of ``windows`` that ``source`` lacks, for a query that leaves out events
    dated in them (the same rule as in_covered_month in queries/snapshot_views.sql)."""
    return sorted({m for w in windows for s, m in _gaps(store, w) if s == source})


def _held(store: Store, sources) -> tuple[str, ...]:
    """The sources among ``sources`` that the data holds (see Store.held_sources)."""
    return tuple(s for s in sources if s in store.held_sources)


def not_held_text(sources) -> str:
    """months_missing for an analysis whose sources the data does not hold at all."""
    return "; ".join(f"{s}: {NOT_HELD}" for s in sources)


def missing_months(store: Store) -> dict[str, list[str] | None]:
    """Per source, the months it lacks between the data's first and last day ('YYYY-MM'),
    or None for a source the data does not hold."""
    first, last = data_range(store)
    gaps = coverage_gaps(store, first, last)
    return {source: ([f"{m:%Y-%m}" for s, m in gaps if s == source] if source in store.held_sources else None)
            for source in SOURCES}


def _exposure(w: Window, gaps: list[tuple[str, date]], sources, month_dated: bool = False
              ) -> tuple[float, list[tuple[str, date]]]:
    """How many days of ``w`` the sources cover, and the gaps of those sources. For an
    analysis that counts several sources together (a location's calls, crimes and missing
    episodes) the covered days are the sources' mean: a day one of three sources lacks
    counts as two thirds covered. Data dated by month only (``month_dated``) covers the
    whole month of each first day in the window (stats.month_dated_exposure_days)."""
    lacking = [(t, m) for t, m in gaps if t in sources]
    covered = stats.month_dated_exposure_days if month_dated else stats.exposure_days
    days = [covered(w.start, w.end, [m for t, m in lacking if t == s]) for s in sources]
    return sum(days) / len(days), lacking


def _coverage(store: Store, w: Window, sources) -> tuple[float, list[tuple[str, date]]]:
    return _exposure(w, _gaps(store, w), sources, store.month_dated)


def months_missing_text(*gap_lists: list[tuple[str, date]]) -> str:
    """'crimes: 2025-03, 2025-04; calls: 2025-04', or '' when nothing is missing."""
    by_source: dict[str, set[str]] = {}
    for gaps in gap_lists:
        for table, month in gaps:
            by_source.setdefault(table, set()).add(f"{month:%Y-%m}")
    return "; ".join(f"{t}: {', '.join(sorted(months))}" for t, months in sorted(by_source.items()))


def baseline_window(current: Window, baseline: str) -> Window:
    if baseline not in BASELINES:
        raise UsageError(f"unknown baseline '{baseline}': choose one of {', '.join(BASELINES)}")
    return previous(current) if baseline == "previous" else year_earlier(current)


# --- comparison of two windows -------------------------------------------------------------


def _window_notes(store: Store, current: Window, base: Window, sources) -> tuple[float, float, dict[str, str]]:
    """The covered days of each window for ``sources`` and the words every row of a comparison
    of them carries (months_missing, coverage, previous_coverage)."""
    held = _held(store, sources)
    if not held:  # the data does not hold the source at all: not held, never zero
        note = wording.not_held_note(sources)
        return 0.0, 0.0, {"months_missing": not_held_text(sources), "coverage": note, "previous_coverage": note}
    exposure, gaps_now = _coverage(store, current, held)  # a source not held is left out
    before, gaps_before = _coverage(store, base, held)
    return exposure, before, {"months_missing": months_missing_text(gaps_now, gaps_before),
                              "coverage": wording.coverage_note(held, current.days, exposure, gaps_now),
                              "previous_coverage": wording.coverage_note(held, base.days, before, gaps_before)}


def compare_windows(frame: pd.DataFrame, store: Store, current: Window, base: Window, sources) -> pd.DataFrame:
    """Add exposure and the statistics (demand.stats.compare_table, the false discovery rate
    held over the rows) to rows of count and previous_count of ``sources`` in the two windows;
    columns as in COMPARE_COLUMNS."""
    exposure, before, notes = _window_notes(store, current, base, sources)
    added, summary = stats.compare_columns(frame["count"], frame["previous_count"], exposure, before)
    columns = {c: frame[c].array for c in frame.columns if c not in COMPARE_COLUMNS}
    columns.update(added)
    columns.update({"exposure_days": np.full(len(frame), exposure, dtype="float64"),
                    "previous_exposure_days": np.full(len(frame), before, dtype="float64"), **notes})
    compared = pd.DataFrame(columns, index=frame.index)  # built once: a column at a time costs more
    compared.attrs = {**frame.attrs, "tested": summary["tested"], "fdr": stats.ALPHA}
    return compared


# --- rankings -----------------------------------------------------------------------------


def _check_category(store: Store, category: str | None) -> None:
    if category is None:
        return
    known = store.reference("event_kinds")["what"].tolist()
    if category not in known:
        raise UsageError(f"unknown category '{category}': choose one of {'; '.join(sorted(set(known)))}")


def _flags_text(details: pd.DataFrame) -> pd.Series:
    """'mental health; domestic' from the boolean flag columns (NULL = not flagged)."""
    flagged = [details[c].to_numpy(dtype=bool, na_value=False) for c in FLAG_LABELS]
    words = ["; ".join(label for label, on in zip(FLAG_LABELS.values(), row) if on) for row in zip(*flagged)]
    return pd.DataFrame({"flags": words}, index=range(len(words)))["flags"]  # typed as pandas types a column


def _check_ranking(kind: str, min_count: int) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    if not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise UsageError(f"min count must be a whole number of at least 1, not {min_count!r}")


NO_FILTERS = {"category": None, "weapon_only": False, "domestic_only": False}


def _counted(store: Store, scope: Scope, kind: str, window: str | int, as_of, min_count: int, filters: dict,
             limit: int | None, previous_counts: bool = True) -> tuple[pd.DataFrame, dict, Window, Window]:
    """A ranking's counting query (queries/rank_*.sql): its rows best first, at most ``limit``
    (None, 0 or negative: every row), with the months the source lacks that it left out and the
    two windows. ``previous_counts=False``: previous_count is not wanted (it is then 0), so the
    query is given an empty previous window and reads nothing of it; the rows and their order
    never depend on it."""
    current = make_window(window, resolve_as_of(store, as_of))
    base = previous(current)
    # SQL returns at most `limit` rows; rank's head() keeps pandas' meaning of 0 or a negative
    # limit (and the column types a non-empty result has).
    sql_limit = int(limit) if limit is not None and limit > 0 else None
    params = {**window_params(current, base), **filters, "min_count": int(min_count), "limit": sql_limit}
    if not previous_counts:
        params.update(prev_start=current.start_ts, prev_end=current.start_ts)
    if kind == "locations":
        uncovered = {f"uncovered_{name}": _uncovered(store, current, base, source=source) for name, source in
                     (("calls", "calls"), ("crimes", "crimes"), ("missing", "missing_episodes"))}
        frame = store._query("rank_locations", scope, harm=harm.param(), **uncovered, **params)
    else:
        uncovered = {"uncovered": _uncovered(store, current, base, source=KIND_SOURCES[kind][0])}
        if kind in ROLE_GROUPS:
            frame = store._query("rank_crime_people", scope, role_group=ROLE_GROUPS[kind], harm=harm.param(),
                                 **uncovered, **params)
        else:
            frame = store._query(f"rank_{kind}", scope, **uncovered, **params)
    return frame, uncovered, current, base


def _ranked(store: Store, scope: Scope, kind: str, window: str | int, as_of, min_count: int,
            category: str | None, weapon_only: bool, domestic_only: bool, limit: int | None,
            offset: int = 0, page_rows: int | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame, Window, Window]:
    """The ranking's counts (queries/rank_*.sql: every row, best first) and the details (names,
    categories, flags) of the ``page_rows`` rows after the first ``offset`` (None: all), read by
    a second query for those rows only (queries/rank_person_details.sql,
    rank_location_details.sql), in the same order."""
    _check_ranking(kind, min_count)
    _check_category(store, category)
    filters = {"category": category, "weapon_only": bool(weapon_only), "domestic_only": bool(domestic_only)}
    frame, uncovered, current, base = _counted(store, scope, kind, window, as_of, min_count, filters, limit)
    ids = frame["id"].iloc[offset:None if page_rows is None else offset + page_rows].tolist()
    window_only = {"start": current.start_ts, "end": current.end_ts, **filters, **uncovered}
    if kind == "locations":
        details = store._query("rank_location_details", scope, ids=ids, **window_only)
    else:
        details = store._query("rank_person_details", scope, ids=ids, source=PERSON_SOURCES[kind],
                               roles=CRIME_ROLES.get(kind), **window_only)
        details = details.rename(columns={"noted": NOTED[kind]}) if kind in NOTED else details.drop(columns="noted")
    if details["id"].tolist() != ids:
        raise RuntimeError("a ranking's details do not match its rows")  # the queries disagree: a bug
    return frame, details, current, base


# The type a column of DuckDB's answer takes once it holds a NULL.
_NULLABLE = {"int32": "Int32", "int64": "Int64", "bool": "boolean"}


def _rank_frame(kind: str, counts: pd.DataFrame, details: pd.DataFrame, first: int, added: dict,
                flags: pd.Series | None = None) -> pd.DataFrame:
    """The rows of a ranking shown, RANK_COLUMNS then KIND_COLUMNS, built once: ``counts``
    every row (queries/rank_*.sql), ``details`` those of the rows from ``first`` (in the same
    order), ``added`` their statistics (stats.compare_columns), ``flags`` their words (None:
    worked out from the details). The details are typed as they would be in one answer that
    left every other row's details NULL."""
    shown = counts.iloc[first:first + len(details)]
    lacking = len(shown) < len(counts)  # other rows' details would be NULL

    def column(name: str):
        if name == "flags":
            return (flags if flags is not None else _flags_text(details)).array
        if name == "harm":
            return shown["harm"].astype(float).array
        if name in added:
            return added[name]
        if name in details.columns and name != "id":
            values = details[name].array
            return values.astype(_NULLABLE.get(str(values.dtype), values.dtype)) if lacking else values
        return shown[name].array

    columns = {"rank": np.arange(first + 1, first + len(shown) + 1, dtype="int64")}
    columns.update({name: column(name) for name in RANK_COLUMNS[1:] + KIND_COLUMNS[kind]})
    return pd.DataFrame(columns, index=range(len(shown)))


def _ranking_attrs(current: Window, notes: dict[str, str], summary: dict, rows: int, exposure: float,
                   before: float) -> dict:
    """rank's attrs: the window, the words every row carries ('' when there is no row), the
    rows tested and the covered days of each window (None when there is no row)."""
    return {"window": current.label(), **{k: notes[k] if rows else "" for k in (
        "months_missing", "coverage", "previous_coverage")}, "tested": summary["tested"],
        "exposure_days": float(exposure) if rows else None,
        "previous_exposure_days": float(before) if rows else None}


def rank(store: Store, scope: Scope, kind: str, window: str | int = "90d", as_of=None, min_count: int = 2,
         category: str | None = None, weapon_only: bool = False, domestic_only: bool = False,
         limit: int | None = None) -> pd.DataFrame:
    """Repeat victims, offenders, callers, missing persons or locations, best first.

    ``window`` is a name from WINDOWS or a number of days, so a rule such as "habitual knife
    carrier: 3 or more weapon crimes in 24 months" is
    ``rank(store, scope, "offenders", window=730, min_count=3, weapon_only=True)``.

    Counts are over the days the kind's sources cover; ``change`` is the count minus
    previous_count at the same covered days, and ``p``, ``p_adjusted`` and ``significance``
    test it (demand.stats), the false discovery rate held at 5% over the rows returned.
    previous_count is <NA> only when the previous window has no covered day. frame.attrs
    holds window, months_missing, coverage and previous_coverage (plain words, '' when whole),
    exposure_days, previous_exposure_days and tested.

    A page showing a long list a screenful at a time reads ``rank_page`` instead: the same
    rows, with names and details worked out only for the rows shown.
    """
    counts, details, current, base = _ranked(store, scope, kind, window, as_of, min_count, category, weapon_only,
                                             domestic_only, limit)
    flags = _flags_text(details)  # typed as the whole list's, whatever the limit keeps
    if limit is not None:  # pandas' meaning of 0 or a negative limit (SQL read every row then)
        counts, details, flags = counts.head(limit), details.head(limit), flags.head(limit)
    exposure, before, notes = _window_notes(store, current, base, KIND_SOURCES[kind])
    added, summary = stats.compare_columns(counts["count"], counts["previous_count"], exposure, before)
    ranked = _rank_frame(kind, counts, details, 0, added, flags)
    ranked.attrs = _ranking_attrs(current, notes, summary, len(ranked), exposure, before)
    return ranked


PAGE_ROWS = 25
LONGEST_PAGE = 500


def rank_page(store: Store, scope: Scope, kind: str, window: str | int = "90d", as_of=None, min_count: int = 2,
              category: str | None = None, weapon_only: bool = False, domestic_only: bool = False,
              page: int = 1, page_rows: int = PAGE_ROWS) -> pd.DataFrame:
    """One page of the whole ranking ``rank`` returns (no limit): its rows ``page_rows`` *
    (page - 1) to ``page_rows`` * page - 1, with the same values, worked out in SQL so that
    names, categories and flags are read only for the rows shown. The statistics are the
    whole list's (the false discovery rate held over every row), so a row reads the same on
    any page as in the whole list.

    frame.attrs holds rank's attrs (``tested``: every row of the list) and rows (the list's
    length), events (its events), rises (its rows with a significant rise), page (the page
    shown, the last one when ``page`` is beyond it) and pages."""
    if not isinstance(page, (int, np.integer)) or isinstance(page, bool) or page < 1:
        raise UsageError(f"page must be a whole number of at least 1, not {page!r}")
    if not isinstance(page_rows, (int, np.integer)) or isinstance(page_rows, bool) \
            or not 1 <= page_rows <= LONGEST_PAGE:
        raise UsageError(f"rows per page must be a whole number from 1 to {LONGEST_PAGE}, not {page_rows!r}")
    first = (page - 1) * page_rows
    frame, details, current, base = _ranked(store, scope, kind, window, as_of, min_count, category, weapon_only,
                                            domestic_only, None, offset=first, page_rows=page_rows)
    pages = max(1, -(-len(frame) // page_rows))
    if page > pages:  # the list shrank under the page picker: show its last page
        return rank_page(store, scope, kind, window, as_of, min_count, category, weapon_only, domestic_only,
                         pages, page_rows)
    # the statistics over every row (the false discovery rate is the whole list's), the columns
    # only for the rows shown (a column of 209,000 copies costs more than the test)
    exposure, before, notes = _window_notes(store, current, base, KIND_SOURCES[kind])
    added, summary = stats.compare_columns(frame["count"], frame["previous_count"], exposure, before,
                                           rows=slice(first, first + page_rows))
    ranked = _rank_frame(kind, frame, details, first, added)
    ranked.attrs = {**_ranking_attrs(current, notes, summary, len(frame), exposure, before), "rows": len(frame),
                    "events": summary["events"], "rises": summary["rises"],
                    "page": int(page), "pages": pages, "page_rows": int(page_rows)}
    return ranked


def rank_ids(store: Store, scope: Scope, kind: str, window: str | int = "90d", as_of=None, min_count: int = 2,
             limit: int | None = None) -> pd.DataFrame:
    """Who is on a list, and nothing more: the ids and counts of ``rank``'s first ``limit``
    rows (the same arguments, without filters), in its order, from its counting query alone,
    with no names, categories, flags or statistics. For a comparison that needs only who was on
    a list, such as a briefing's "new since the previous briefing" (demand.briefings.compose)."""
    _check_ranking(kind, min_count)
    frame, *_ = _counted(store, scope, kind, window, as_of, min_count, NO_FILTERS, limit, previous_counts=False)
    frame = frame[["id", "count"]]
    return (frame.head(limit) if limit is not None else frame).reset_index(drop=True)


# --- period comparison --------------------------------------------------------------------


def compare(store: Store, scope: Scope, window: str = "90d", by: str = "category", as_of=None,
            baseline: str = "previous", source: str = "crimes") -> pd.DataFrame:
    """Current window against the previous one (or the same window a year earlier).

    by 'category' (crimes), 'call_type' (calls), 'missing' (missing episodes: episodes,
    people, high-risk episodes, from care homes) or 'ward' (one row per ward of the scope,
    zero counts included, of ``source``: 'crimes', 'calls' or 'missing_episodes'; the ward
    code is in ``group``, its name in ``ward_name``; after the comparison columns come
    population, rate and previous_rate: events per 1,000 residents, NaN where the ward's
    population is unknown). Events with no ward have no ward row.
    Columns: group (and ward_name), then COMPARE_COLUMNS; the false discovery rate is held
    at 5% over the rows (``frame.attrs["tested"]`` of them tested), ordered as SQL returns them.
    """
    if by not in COMPARE_BY:
        raise UsageError(f"unknown grouping '{by}': choose one of {', '.join(COMPARE_BY)}")
    if source not in SOURCES:
        raise UsageError(f"unknown source '{source}': choose one of {', '.join(SOURCES)}")
    current = make_window(window, resolve_as_of(store, as_of))
    base = baseline_window(current, baseline)
    params = window_params(current, base)
    if by == "ward":
        frame = store._query("compare_ward", scope, source=source, **params)
        population = frame.pop("population").astype("Float64")
        compared = compare_windows(frame, store, current, base, (source,))
        # Per 1,000 residents where the ward's population is known (an estimate, so the rate is).
        return compared.assign(population=population, rate=stats.rates_per_thousand(compared["count"], population),
                               previous_rate=stats.rates_per_thousand(compared["previous_count"], population))
    table = {"category": "crimes", "call_type": "calls", "missing": "missing_episodes"}[by]
    frame = store._query(f"compare_{by}", scope, uncovered=_uncovered(store, current, base, source=table), **params)
    return compare_windows(frame, store, current, base, (table,))


def compare_matrix(store: Store, scope: Scope, window: str = "90d", as_of=None,
                   baseline: str = "previous") -> pd.DataFrame:
    """Wards x crime categories, long form: one row per (ward, category) with a crime in either
    window (a missing pair means 0 in both): ward_code, ward_name, category, then
    COMPARE_COLUMNS, the false discovery rate held at 5% over all the pairs."""
    current = make_window(window, resolve_as_of(store, as_of))
    base = baseline_window(current, baseline)
    frame = store._query("compare_ward_category", scope, uncovered=_uncovered(store, current, base, source="crimes"),
                         **window_params(current, base))
    return compare_windows(frame, store, current, base, ("crimes",))


HEADLINE_SOURCES = {"crimes": "crimes", "calls": "calls", "asb_calls": "calls",
                    "missing_episodes": "missing_episodes"}


def headline(store: Store, scope: Scope, window: str = "28d", as_of=None,
             baseline: str = "previous") -> pd.DataFrame:
    """Crimes, calls, ASB calls and missing episodes: this window against the baseline. One
    row per measure (measure, then COMPARE_COLUMNS), each its own headline figure: a rise or
    fall needs p < 0.05 (p_adjusted is p)."""
    current = make_window(window, resolve_as_of(store, as_of))
    base = baseline_window(current, baseline)
    frame = store._query("headline", scope, **window_params(current, base))
    frame = pd.concat([frame.reset_index(drop=True), _headline_coverage(store, current, base, frame["measure"])],
                      axis=1)
    compared = stats.compare_table(frame, fdr=False)  # four headline figures, each its own test
    return compared[["measure", *COMPARE_COLUMNS]]


def headline_wards(store: Store, scope: Scope, window: str = "28d", as_of=None,
                   baseline: str = "previous") -> pd.DataFrame:
    """``headline`` for each ward of the area alone, in one read: one row per ward and measure
    (wards by name, measures in headline's order): ward_code, measure, count, previous_count,
    exposure_days, previous_exposure_days, coverage, previous_coverage, for a table of wards
    that tests them together (stats.compare_table: a district breakdown's)."""
    current = make_window(window, resolve_as_of(store, as_of))
    base = baseline_window(current, baseline)
    frame = store._query("headline_wards", scope, **window_params(current, base))
    measures = list(HEADLINE_SOURCES)
    coverage = _headline_coverage(store, current, base, measures).set_index(pd.Index(measures, name="measure"))
    # every ward's four rows take the measure's covered days and notes (they depend on the windows only)
    frame = frame.join(coverage, on="measure")
    return frame[["ward_code", "measure", "count", "previous_count", "exposure_days", "previous_exposure_days",
                  "coverage", "previous_coverage"]]


def _headline_coverage(store: Store, current: Window, base: Window, measures) -> pd.DataFrame:
    """For each of ``measures`` (headline's), the days each window covers and the notes that
    say what is missing: exposure_days, previous_exposure_days, months_missing, coverage,
    previous_coverage, one row a measure in that order."""
    gaps_now, gaps_before = _gaps(store, current), _gaps(store, base)
    rows = []
    for measure in measures:
        table = HEADLINE_SOURCES[measure]
        if table not in store.held_sources:  # not in the data at all: not held, never zero
            rows.append({"exposure_days": 0.0, "previous_exposure_days": 0.0,
                         "months_missing": not_held_text((table,)),
                         "coverage": wording.not_held_note((table,)),
                         "previous_coverage": wording.not_held_note((table,))})
            continue
        exposure, mine_now = _exposure(current, gaps_now, (table,), store.month_dated)
        before, mine_before = _exposure(base, gaps_before, (table,), store.month_dated)
        rows.append({"exposure_days": exposure, "previous_exposure_days": before,
                     "months_missing": months_missing_text(mine_now, mine_before),
                     "coverage": wording.coverage_note((table,), current.days, exposure, mine_now),
                     "previous_coverage": wording.coverage_note((table,), base.days, before, mine_before)})
    return pd.DataFrame(rows)


# --- concentration ------------------------------------------------------------------------


def concentration(store: Store, scope: Scope, kind: str, window: str | int = "12m", as_of=None) -> dict:
    """How concentrated the events are on the entities of one kind.

    entities: entities with at least one event in the window; events: the sum of their
    distinct-event counts (a crime with two victims counts once for each). top_share[k] is the
    share of events from the top ceil(k% of entities) entities (at least one), so with 20
    victims the top 1% and 5% are the single busiest and the top 10% the busiest two. gini is
    computed over those entities (entities with no event are not counted); lorenz runs from
    (0, 0) to (1, 1), entities in ascending order of events. coverage says in plain words
    when the window's sources lack a month ('' when they cover it all): the shares are of the
    events of the days covered.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    current = make_window(window, resolve_as_of(store, as_of))
    params = {"start": current.start_ts, "end": current.end_ts}
    if kind in CRIME_ROLES:
        counts = store._query("concentration_crime_people", scope, role_group=ROLE_GROUPS[kind], **params)
    else:
        counts = store._query(f"concentration_{kind}", scope, **params)
    result = concentration_of(counts["count"].astype("int64").to_numpy())
    exposure, gaps = _coverage(store, current, KIND_SOURCES[kind])
    return {**result, "coverage": wording.coverage_note(KIND_SOURCES[kind], current.days, exposure, gaps)}


def concentration_of(counts) -> dict:
    counts = np.sort(np.asarray(counts, dtype=float))  # ascending
    n, total = len(counts), float(counts.sum())
    if n == 0 or total == 0:
        return {"entities": 0, "events": 0, "top_share": {1: math.nan, 5: math.nan, 10: math.nan},
                "gini": math.nan,
                "lorenz": pd.DataFrame({"entity_share": [0.0, 1.0], "event_share": [0.0, 1.0]})}
    descending = counts[::-1]
    top_share = {k: float(descending[: max(1, math.ceil(k * n / 100))].sum() / total) for k in (1, 5, 10)}
    position = np.arange(1, n + 1)
    gini = float(((2 * position - n - 1) * counts).sum() / (n * total))
    lorenz = pd.DataFrame({
        "entity_share": np.concatenate([[0.0], position / n]),
        "event_share": np.concatenate([[0.0], np.cumsum(counts) / total]),
    })
    return {"entities": n, "events": int(total), "top_share": top_share, "gini": gini, "lorenz": lorenz}


# --- timelines and event lists ---------------------------------------------------------------


def _not_in_area(what: str, wanted: str, scope: Scope) -> UsageError:
    """The same words whether the reference does not exist or lies outside the area, so a
    message never tells a user what is outside their wards."""
    return UsageError(f"no {what} with reference '{wanted[:40]}' has an event in {scope.label or 'this area'}")


def entity(store: Store, scope: Scope, person: str | None = None,
           location: str | None = None) -> tuple[str, str, pd.DataFrame]:
    """``(kind, reference, row)`` of one person or one location: kind 'person' or 'location',
    and its row of queries/dash_person.sql or dash_location.sql, which is also the check that it
    has an event in the area; refused, as unknown, when it has none."""
    if (person is None) == (location is None):
        raise UsageError("give a person id or a location id (one of them)")
    kind, wanted = ("person", person) if person is not None else ("location", location)
    found = store._query(f"dash_{kind}", scope, **{f"{kind}_id": wanted})
    if found.empty:
        raise _not_in_area(kind, wanted, scope)
    return kind, wanted, found


def timeline(store: Store, scope: Scope, person: str | None = None, location: str | None = None) -> pd.DataFrame:
    """Every event of one person (calls made, crimes with their role, missing episodes) or one
    location in the area, oldest first, with the other people linked to each event. A
    reference with no event in the area is refused as unknown."""
    kind, wanted, _ = entity(store, scope, person, location)
    return store._query(f"timeline_{kind}", scope, **{f"{kind}_id": wanted})


def recent_events(store: Store, scope: Scope, days: int = 7, as_of=None) -> pd.DataFrame:
    """The crimes and calls of the last ``days`` days up to as_of, newest first."""
    w = make_window(int(days), resolve_as_of(store, as_of))
    return store._query("recent_events", scope, start=w.start_ts, end=w.end_ts)


def weekly_trend(store: Store, scope: Scope, as_of=None, weeks: int = 52) -> pd.DataFrame:
    """Events per week (Monday dates) and source for the ``weeks`` weeks up to the week holding
    as_of (that week counted up to as_of). A week touching a month the source lacks is <NA>;
    a source the data does not hold has no rows."""
    day = resolve_as_of(store, as_of)
    monday = day - timedelta(days=day.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    frame = store._query("weekly_counts", scope, first_week=first, as_of=day)
    frame["week"] = pd.to_datetime(frame["week"]).dt.date
    frame["count"] = frame["count"].astype("Int64")
    return frame[frame["source"].isin(store.held_sources)].reset_index(drop=True)


def monthly_trend(store: Store, scope: Scope, as_of=None, months: int = 24) -> pd.DataFrame:
    """Events per calendar month and source for the ``months`` months up to the one holding
    as_of: for data dated by month (data.police.uk), where a weekly line would be spikes. A
    month the source lacks is <NA>; a source the data does not hold has no rows."""
    day = resolve_as_of(store, as_of)
    first = (pd.Timestamp(day).to_period("M") - (months - 1)).to_timestamp().date()
    frame = store._query("monthly_counts", scope, first_month=first, as_of=day)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype("Int64")
    return frame[frame["source"].isin(store.held_sources)].reset_index(drop=True)


def event_points(store: Store, scope: Scope, window: str | int = "90d", as_of=None) -> pd.DataFrame:
    """Events of the window with coordinates, for the map: lat, lon, source, what, event_id, at."""
    w = make_window(window, resolve_as_of(store, as_of))
    return store._query("event_points", scope, start=w.start_ts, end=w.end_ts)


def location_neighbours(store: Store, scope: Scope, location_id: str, radius_m: float = 200,
                        window: str | int = "12m", as_of=None) -> pd.DataFrame:
    """Other locations within radius_m metres that had events in the window in the area,
    busiest first (near-repeat demand around a place lies within about 200 m)."""
    entity(store, scope, location=location_id)  # refused when it has no event in the area
    w = make_window(window, resolve_as_of(store, as_of))
    return store._query("location_neighbours", scope, location_id=location_id, radius_m=float(radius_m),
                       start=w.start_ts, end=w.end_ts)


def data_quality(store: Store, scope: Scope) -> pd.DataFrame:
    """Per ward, the known traps of real extracts over all the data: crimes with no victim
    link, the aggrieved recorded only as reporting person, locations defaulted to a street;
    and, for the whole force, a row (ward_code NULL) counting events with no ward."""
    return store._query("data_quality", scope)


def table_info(store: Store, scope: Scope) -> pd.DataFrame:
    """Rows per contract table that lie in the area, with the first and last event times
    (queries/table_info.sql)."""
    return store._query("table_info", scope)
