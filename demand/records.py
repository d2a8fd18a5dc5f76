"""What the pages show beyond the analyses: the records behind a headline number, the
profile of one person or place, the events for a map and the snapshot's own facts.

Like ``demand.analytics``, every function takes the Store and the Scope the read gate
(``demand.reader``) resolved; pages reach them only through the gate.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from demand import analytics
from demand.errors import UsageError
from demand.store import Scope, Store
from demand.windows import window as make_window

MEASURES = ("crimes", "calls", "asb_calls", "missing_episodes")

# The groups of analytics.compare(by="missing") (queries/compare_missing.sql) as the filters
# of window_records(measure="missing_episodes") that list their records. 'people' counts
# distinct persons, so its records are all the episodes, as for 'episodes'.
MISSING_GROUP_RECORDS = {
    "episodes": {},
    "people": {},
    "high-risk episodes": {"risk": "high"},
    "from care homes": {"location_type": "care home"},
}


def window_records(
    store: Store,
    scope: Scope,
    measure: str,
    window: str,
    as_of: date,
    what: str | None = None,
    limit: int = 50,
    risk: str | None = None,
    location_type: str | None = None,
    street: str | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """The events behind a headline count (newest first, at most ``limit`` from the
    ``offset``-th). ``what`` keeps one incident type or crime category, ``risk`` missing
    episodes of one risk grade, ``location_type`` records whose location is of that type and
    ``street`` records on that street (each None for all). Every row carries ``total``, how
    many records match in all; ``detail`` is empty where it would repeat ``what``."""
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}: one of {', '.join(MEASURES)}")
    span = make_window(window, as_of)
    return store._query(
        "dash_window_records",
        scope,
        start=span.start_ts,
        end=span.end_ts,
        measure=measure,
        what=what,
        risk=risk,
        location_type=location_type,
        street=street,
        limit=int(limit),
        offset=max(0, int(offset)),
    )


def map_points(store: Store, scope: Scope, window: str, as_of: date, limit: int) -> tuple[pd.DataFrame, int]:
    """At most ``limit`` of the window's events with coordinates (a fixed random sample, so
    the map does not change between reruns), and how many there are in all.

    The sample is the one ``DataFrame.sample(limit, random_state=0)`` draws from all of them
    (queries/event_points.sql), in its order; but only the rows drawn are read: which positions
    it draws depends only on how many rows there are (sample_positions)."""
    span = make_window(window, analytics.resolve_as_of(store, as_of))
    bounds = {"start": span.start_ts, "end": span.end_ts}
    total = int(store._query("event_points_count", scope, **bounds)["events"].iloc[0])
    if limit <= 0 and total > limit:  # pandas' own answer: no row (with a result's column types) or its error
        first = store._query("event_points_sample", scope, positions=[0], **bounds)
        return first.sample(limit, random_state=0).reset_index(drop=True), total
    points = store._query("event_points_sample", scope, positions=sample_positions(total, limit).tolist(), **bounds)
    return points, total


def sample_positions(total: int, limit: int) -> np.ndarray:
    """The positions (0-based, in the order drawn) of the rows ``DataFrame.sample(limit,
    random_state=0)`` draws from a frame of ``total`` rows when ``total > limit``, and all of
    them in order otherwise: pandas draws them with ``RandomState(0).choice(total, limit,
    replace=False)`` (pandas.core.sample), whatever the rows hold."""
    if total <= limit:
        return np.arange(total)
    return np.random.RandomState(0).choice(total, size=limit, replace=False)


def profile(store: Store, scope: Scope, person: str | None = None, location: str | None = None) -> dict:
    """One person or location as the Profile page shows it: ``kind`` ('person' | 'location'),
    ``id``, ``entity`` (the row of queries/dash_person.sql or dash_location.sql, with the
    count of its events outside the area, never the events), ``timeline`` (its events in
    the area, as ``analytics.timeline`` gives them) and ``people`` (the people linked to those
    events, queries/profile_people.sql or profile_location_people.sql, each of whom has a
    profile of their own). A reference with no event in the area is refused with the same
    words as one that does not exist."""
    # the entity's row is also the check that it has an event in the area: read once, not
    # again by analytics.timeline
    kind, wanted, found = analytics.entity(store, scope, person, location)
    timeline = store._query(f"timeline_{kind}", scope, **{f"{kind}_id": wanted})
    people = store._query("profile_people" if person is not None else "profile_location_people", scope,
                          **{f"{kind}_id": wanted})
    return {"kind": kind, "id": wanted, "entity": found.iloc[0].to_dict(), "timeline": timeline, "people": people}


def snapshot_meta(store: Store) -> dict:
    return store._query("dash_snapshot_meta").iloc[0].to_dict()


def held_tables(store: Store) -> dict[str, bool]:
    """Whether the extracts delivered each contract table: an optional table left out (powers,
    wanted) is not held, which a document says instead of showing zero."""
    frame = store._query("held_tables")
    return {str(t): bool(h) for t, h in zip(frame["table_name"], frame["held"])}


def coverage_gaps(store: Store, first: date, last: date) -> pd.DataFrame:
    """Months between ``first`` and ``last`` that a source lacks: table_name, month. Sources
    the data does not hold at all are not listed (``store.held_sources``)."""
    gaps = [(s, m) for s, m in analytics.coverage_gaps(store, first, last) if s in store.held_sources]
    return pd.DataFrame({"table_name": pd.Series([s for s, _ in gaps], dtype="str"),
                         "month": pd.Series([pd.Timestamp(m) for _, m in gaps], dtype="datetime64[us]")})
