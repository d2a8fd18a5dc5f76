"""The counts a public summary is built from, read through the gate (``demand.reader``) like
every other analysis: aggregates only, never a reference, a person or an address.

They are not yet fit to publish (a street's count in a month can be 1): ``demand.disclosure``
protects them before anything leaves the product.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from demand.store import Scope, Store
from demand.windows import Window


def export_counts(store: Store, scope: Scope, start: date, end: date, prev_start: date, prev_end: date
                  ) -> pd.DataFrame:
    """Crimes by police.uk category and anti-social behaviour (calls flagged asb) in the two
    windows (first and last days, inclusive), per ward, street, month and category:
    ward_code, street, month (date), category, count (queries/export_counts.sql)."""
    current, previous = Window(start, end), Window(prev_start, prev_end)
    frame = store._query("export_counts", scope, start=current.start_ts, end=current.end_ts,
                         prev_start=previous.start_ts, prev_end=previous.end_ts)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype("int64")
    return frame


def export_totals(store: Store, scope: Scope, start: date, end: date, prev_start: date, prev_end: date,
                  crimes: list[str]) -> pd.DataFrame:
    """What a summary without street-level rows needs of ``export_counts``, summed in the
    query (queries/export_totals.sql): part 'ward' (ward_code, month, category, count: both
    windows by ward, month and category) and part 'street' (ward_code, street, count: the
    current window's crimes of the categories ``crimes`` on each known street)."""
    current, previous = Window(start, end), Window(prev_start, prev_end)
    frame = store._query("export_totals", scope, start=current.start_ts, end=current.end_ts,
                         prev_start=previous.start_ts, prev_end=previous.end_ts, crimes=list(crimes))
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype("int64")
    return frame


def street_points(store: Store, scope: Scope) -> pd.DataFrame:
    """Per ward and street: how many places on it the data holds, and the mean of their
    coordinates (queries/street_points.sql)."""
    return store._query("street_points", scope)
