"""People wanted: warrants, recalls to prison and suspects circulated, from the optional
``wanted`` table of the extract contract. A person is wanted at an instant when a record of
theirs began before it and had not ended by it, so "who was wanted on 21 November" has one
answer whenever it is asked. A person belongs to the ward of their last known address.

Like ``demand.analytics``, every function takes the Store and the Scope the read gate
(``demand.reader``) resolved; ``demand.records.held_tables`` says whether the table was
delivered at all ("not held" is not zero).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from demand.analytics import resolve_as_of
from demand.store import Scope, Store


def _end_of(day: date) -> datetime:
    """The first instant after ``day``: wanted "as at" a date means at the end of that day."""
    return datetime.combine(day + timedelta(days=1), time.min)


def wanted_list(store: Store, scope: Scope, as_of=None) -> pd.DataFrame:
    """The people wanted at the end of ``as_of`` whose last known address is in the area, the
    most recently wanted first: person_id, name, birth_year, since, reason, warnings,
    wanted_ids, ward_code, location_id, address, street (queries/wanted_list.sql)."""
    return store._query("wanted_list", scope, at=_end_of(resolve_as_of(store, as_of)))


def wanted_counts(store: Store, scope: Scope, as_of=None, new_since=None) -> pd.DataFrame:
    """Per ward of the area (zero included): ward_code, wanted (people wanted at the end of
    ``as_of``) and new (of them, those wanted since the start of ``new_since`` or later; 0 when
    it is not given)."""
    day = resolve_as_of(store, as_of)
    since = pd.Timestamp(new_since).to_pydatetime() if new_since is not None else _end_of(day)
    frame = store._query("wanted_counts", scope, at=_end_of(day), new_since=since)
    for column in ("wanted", "new"):
        frame[column] = frame[column].astype("int64")
    return frame
