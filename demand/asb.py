"""Anti-social behaviour: the people who report it again and again, and the places it is
reported at (Hampshire's "ASB victims and locations").

A report is a call flagged ``asb`` (the person who made it), or a crime of the police.uk
category 'Anti-social behaviour' (its victims and reporting persons: police.uk data records ASB
as crimes). Like the repeat lists (demand.analytics.rank), each list counts distinct reports in
the window over the days the sources cover, against the window before, tested with the E-test
and the false discovery rate held at 5% over the rows. Read through the gate (demand.reader).
"""

from __future__ import annotations

import pandas as pd

from demand import analytics
from demand.errors import UsageError
from demand.store import Scope, Store
from demand.windows import previous
from demand.windows import window as make_window

SOURCES = ("calls", "crimes")
LEAD = ["rank", "id", "name", "count", "previous_count", "change", "p", "p_adjusted", "significance",
        "first_at", "last_at"]
REPORTER_COLUMNS = [*LEAD, "birth_year", "calls", "crimes", "main_place", "places"]
LOCATION_COLUMNS = [*LEAD, "address", "location_type", "ward_code", "lat", "lon", "calls", "crimes", "reporters"]


def _ranked(store: Store, scope: Scope, query: str, columns: list[str], window, as_of, min_count: int,
            limit: int | None) -> pd.DataFrame:
    if not isinstance(min_count, int) or min_count < 1:
        raise UsageError(f"min count must be a whole number of at least 1, not {min_count!r}")
    current = make_window(window, analytics.resolve_as_of(store, as_of))
    base = previous(current)
    frame = store._query(query, scope, **analytics.window_params(current, base), min_count=int(min_count),
                         limit=int(limit) if limit is not None and limit > 0 else None)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    compared = analytics.compare_windows(frame, store, current, base, SOURCES)
    ranked = compared[columns].reset_index(drop=True)
    first = compared.iloc[0] if len(compared) else None
    ranked.attrs = {
        "window": current.label(),
        "tested": compared.attrs.get("tested", 0),
        **{k: (first[k] if first is not None else "") for k in ("months_missing", "coverage", "previous_coverage")},
    }
    return ranked


def reporters(store: Store, scope: Scope, window: str | int = "90d", as_of=None, min_count: int = 2,
              limit: int | None = None) -> pd.DataFrame:
    """People with at least ``min_count`` ASB reports in the window, best first: REPORTER_COLUMNS
    (``main_place`` the address they report most, ``places`` how many places they report)."""
    return _ranked(store, scope, "asb_reporters", REPORTER_COLUMNS, window, as_of, min_count, limit)


def locations(store: Store, scope: Scope, window: str | int = "90d", as_of=None, min_count: int = 2,
              limit: int | None = None) -> pd.DataFrame:
    """Places with at least ``min_count`` ASB reports in the window, best first: LOCATION_COLUMNS
    (``reporters`` how many different people reported there)."""
    return _ranked(store, scope, "asb_locations", LOCATION_COLUMNS, window, as_of, min_count, limit)
