"""Crimes by street, drillable from the force to its districts, a district to its wards, a ward to
its streets and a street to its records (Hampshire's "crimes by street").

Each level is a comparison of the window with the one before (or the same window a year
earlier), like demand.analytics.compare: counts over the days the crime source covers, the
E-test with the false discovery rate held at 5% over the rows, and the crimes' harm beside the
counts. Read through the gate (demand.reader); the records of a street are
demand.records.window_records(street=...).
"""

from __future__ import annotations

import pandas as pd

from demand import analytics, areas, harm
from demand.errors import UsageError
from demand.store import Scope, Store
from demand.windows import window as make_window

LEVELS = ("district", "ward", "street")
NO_STREET = "(no street recorded)"
NO_WARD = "(no ward recorded)"
STREET_COLUMNS = ["ward_code", "ward_name", "street", "places", "main_categories", "harm", "previous_harm"]


def _windows(store: Store, window, as_of, baseline: str):
    current = make_window(window, analytics.resolve_as_of(store, as_of))
    return current, analytics.baseline_window(current, baseline)


def by_area(store: Store, scope: Scope, level: str = "ward", window: str = "90d", as_of=None,
            baseline: str = "previous") -> pd.DataFrame:
    """Crimes per district (``level`` 'district') or per ward ('ward') of the scope, zero counts
    included: group (district name or ward code), name, count, previous_count, the comparison
    columns (analytics.COMPARE_COLUMNS), and harm, previous_harm. Crimes with no ward count
    only in the whole force's figures, never in a district's or a ward's row."""
    if level not in ("district", "ward"):
        raise UsageError(f"unknown level '{areas.shown(level)}': choose district or ward")
    current, base = _windows(store, window, as_of, baseline)
    params = {**analytics.window_params(current, base), "harm": harm.param()}
    cells = store._query("crime_harm", scope, **params)
    wards = areas.wards(store)
    wards = wards[wards["ward_code"].isin(scope.wards)]
    cells = cells[cells["ward_code"].notna()]
    sums = cells.groupby("ward_code")[["count", "previous_count", "harm", "previous_harm"]].sum()
    frame = wards.set_index("ward_code").join(sums).fillna(
        {"count": 0, "previous_count": 0, "harm": 0.0, "previous_harm": 0.0}).reset_index()
    if level == "district":
        frame = frame.groupby("district", as_index=False)[["count", "previous_count", "harm", "previous_harm"]].sum()
        frame = frame.assign(group=frame["district"], name=frame["district"])
    else:
        frame = frame.assign(group=frame["ward_code"], name=frame["ward_name"])
    frame = frame[["group", "name", "count", "previous_count", "harm", "previous_harm"]].astype(
        {"count": "int64", "previous_count": "int64"})
    compared = analytics.compare_windows(frame, store, current, base, ("crimes",))
    return compared[["group", "name", *analytics.COMPARE_COLUMNS, "harm", "previous_harm"]]


def by_street(store: Store, scope: Scope, window: str = "90d", as_of=None, baseline: str = "previous",
              category: str | None = None) -> pd.DataFrame:
    """Crimes per street of the scope's wards (a street is named within its ward), busiest
    first: ward_code, ward_name, street (NO_STREET when the crime's place has none), places,
    main_categories, harm, previous_harm, then count, previous_count and the comparison
    columns, the false discovery rate held at 5% over the streets. ``category`` keeps one
    crime category."""
    current, base = _windows(store, window, as_of, baseline)
    frame = store._query("crimes_by_street", scope, **analytics.window_params(current, base),
                         harm=harm.param(), category=category)
    frame = frame.assign(street=frame["street"].fillna(NO_STREET), ward_name=frame["ward_name"].fillna(NO_WARD),
                         harm=frame["harm"].astype(float), previous_harm=frame["previous_harm"].astype(float))
    compared = analytics.compare_windows(frame, store, current, base, ("crimes",))
    return compared[[*STREET_COLUMNS, *analytics.COMPARE_COLUMNS]].reset_index(drop=True)
