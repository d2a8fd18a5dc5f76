"""Powers used: dispersal directions, community protection warnings and notices, orders and
searches, from the optional ``powers`` table of the extract contract.

Like ``demand.analytics``, every function takes the Store and the Scope the read gate
(``demand.reader``) resolved. A force that does not deliver the table has an empty one in the
snapshot; ``demand.records.held_tables`` says whether it was delivered, so a document can say
"not held" rather than show zero.
"""

from __future__ import annotations

import pandas as pd

from demand.analytics import resolve_as_of
from demand.store import Scope, Store
from demand.windows import previous
from demand.windows import window as make_window


def power_counts(store: Store, scope: Scope, window: str | int = "90d", as_of=None) -> pd.DataFrame:
    """Uses of each power per ward in the window and in the window before it: ward_code (NULL:
    no ward, for the whole force only), power, count, previous_count, last_at (the latest use
    in the window). Only the (ward, power) pairs used in either window have a row."""
    current = make_window(window, resolve_as_of(store, as_of))
    base = previous(current)
    frame = store._query("power_counts", scope, start=current.start_ts, end=current.end_ts,
                         prev_start=base.start_ts, prev_end=base.end_ts)
    for column in ("count", "previous_count"):
        frame[column] = frame[column].astype("int64")
    return frame


def powers_used(store: Store, scope: Scope, window: str | int = "28d", as_of=None,
                limit: int | None = None) -> pd.DataFrame:
    """Each use of a power in the window, newest first: power_id, used_at, power, ward_code,
    location_id, address, street, person_id, name, outcome. At most ``limit`` rows."""
    current = make_window(window, resolve_as_of(store, as_of))
    return store._query("powers_used", scope, start=current.start_ts, end=current.end_ts,
                        limit=int(limit) if limit is not None and limit > 0 else None)


def power_ids(frame: pd.DataFrame) -> list[str]:
    """What a list of uses shows, for the audit record: the uses and the people named."""
    return [*(str(v) for v in frame["power_id"]), *(str(v) for v in frame["person_id"].dropna())]
