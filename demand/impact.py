"""Crimes causing most impact: harm beside the counts, by crime category and by ward, so a rise
in robbery is not weighed like a rise in shoplifting (Hampshire's "crimes causing most impact").

Harm is the sum of each crime's indicative weight in days (demand.harm, after the Cambridge
Crime Harm Index). The counts are compared as everywhere else (demand.stats through
analytics.compare_windows: the E-test, the false discovery rate held at 5% over the rows); the
harm's change is shown, not tested (it is a weighted count, not a count). For wards, the rate
per 1,000 residents where the ward's population is known (an estimate: see rates_per_thousand).
Read through the gate (demand.reader).
"""

from __future__ import annotations

import pandas as pd

from demand import analytics, areas, harm
from demand.errors import UsageError
from demand.stats import rates_per_thousand
from demand.store import Scope, Store
from demand.windows import window as make_window

BY = ("category", "ward")
COLUMNS = ["group", "name", "harm", "previous_harm", "harm_change", "harm_share", "harm_per_crime"]


def harm_by(store: Store, scope: Scope, by: str = "category", window: str = "90d", as_of=None,
            baseline: str = "previous") -> pd.DataFrame:
    """Crimes and their harm per crime category or per ward of the scope, most harm first.

    Columns: group (category, or ward code), name (category, or ward name), harm and
    previous_harm (days), harm_change, harm_share (of the area's harm now, 0..1),
    harm_per_crime, then count, previous_count and the comparison columns; by ward also
    population and rate / previous_rate (crimes per 1,000 residents, NaN where the population
    is unknown). Categories and wards with no crime in either window are left out; crimes
    with no ward count in the force's categories but in no ward's row."""
    if by not in BY:
        raise UsageError(f"unknown grouping '{areas.shown(by)}': choose one of {', '.join(BY)}")
    current = make_window(window, analytics.resolve_as_of(store, as_of))
    base = analytics.baseline_window(current, baseline)
    cells = store._query("crime_harm", scope, **analytics.window_params(current, base), harm=harm.param())
    if by == "ward":
        cells = cells[cells["ward_code"].notna()]
        keys = ["ward_code", "ward_name"]
    else:
        keys = ["category"]
    frame = cells.groupby(keys, as_index=False)[["count", "previous_count", "harm", "previous_harm"]].sum()
    frame = frame.assign(group=frame[keys[0]], name=frame[keys[-1]]).astype(
        {"count": "int64", "previous_count": "int64", "harm": "float64", "previous_harm": "float64"})
    total = float(frame["harm"].sum())
    frame = frame.assign(
        harm_change=frame["harm"] - frame["previous_harm"],
        harm_share=frame["harm"] / total if total else 0.0,
        harm_per_crime=frame["harm"] / frame["count"].where(frame["count"] > 0),
    )[[*COLUMNS, "count", "previous_count"]]
    compared = analytics.compare_windows(frame, store, current, base, ("crimes",))
    compared = compared.sort_values(["harm", "count"], ascending=False).reset_index(drop=True)
    if by == "ward":
        population = areas.wards(store).set_index("ward_code")["population"]
        compared["population"] = compared["group"].map(population).astype("Float64")
        compared["rate"] = rates_per_thousand(compared["count"], compared["population"])
        compared["previous_rate"] = rates_per_thousand(compared["previous_count"], compared["population"])
    return compared
