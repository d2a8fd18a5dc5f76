"""How many repeat victims, offenders, callers, missing persons and locations each ward has:
the lengths of the wards' repeat lists (``demand.analytics.rank`` for each ward), counted in
one query, so a district's table of wards needs neither a ranking per ward nor any person's
name. A count is not person-level: every role may read it.
"""

from __future__ import annotations

import pandas as pd

from demand.analytics import resolve_as_of
from demand.errors import UsageError
from demand.store import Scope, Store
from demand.windows import window as make_window

REPEAT_KINDS = ("victims", "offenders", "callers", "missing", "locations")


def repeat_counts(store: Store, scope: Scope, window: str | int = "90d", as_of=None,
                  min_count: int = 2) -> pd.DataFrame:
    """One row per ward of the area (zero counts included, by ward name): ward_code, then for
    each of REPEAT_KINDS the number of entities with at least ``min_count`` distinct events in
    that ward in the window, by the rules of ``analytics.rank`` for that ward alone. Events
    with no ward belong to no ward's list."""
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise UsageError(f"min count must be a whole number of at least 1, not {min_count!r}")
    current = make_window(window, resolve_as_of(store, as_of))
    frame = store._query("repeat_counts", scope, start=current.start_ts, end=current.end_ts,
                         min_count=int(min_count))
    for kind in REPEAT_KINDS:
        frame[kind] = frame[kind].astype("int64")
    return frame
