"""The rankings of places and callers group by integer keys (queries/snapshot_derived.sql:
location_keys, caller_keys, location_counts, caller_calls) and map back to the text
reference for the rows they return. Worked out by hand on a crafted extract: the keys must
order like the references (so ties fall by reference, "P10" before "P9"), and a caller who
called once in the whole data must still count when the least count asked for is 1.

As of 2026-06-30 the 90d window is 2026-04-02 .. 2026-06-30 and the previous window
2026-01-02 .. 2026-04-01.
"""

from datetime import date

import pytest

from demand import analytics, harm
from demand.fixtures import ABBEY, BEACON, coverage_rows, write_extracts
from demand.store import Scope, Store

AS_OF = date(2026, 6, 30)
FORCE = Scope((ABBEY, BEACON), include_unwarded=True)
ABBEY_ONLY = Scope((ABBEY,))


def call(cid, at, caller, **extra):
    return {"incident_id": cid, "received_at": at, "caller_id": caller, **extra}


CALLS = [
    # P9 and P10: two calls each in the window, the last at the same minute: a tie broken by
    # the reference, and "P10" sorts before "P9" as text (as a number it would not)
    call("C1", "2026-05-01 10:00", "P9", location_id="L9"), call("C2", "2026-06-01 10:00", "P9", location_id="L9"),
    call("C3", "2026-05-02 10:00", "P10", location_id="L10"), call("C4", "2026-06-01 10:00", "P10", location_id="L10"),
    # P2: one call in the whole data; P3: one in the window and one in the previous window
    call("C5", "2026-06-20 10:00", "P2", location_id="L2"),
    call("C6", "2026-06-21 10:00", "P3"), call("C7", "2026-03-01 10:00", "P3"),
    # P4: two calls in Beacon, one of them domestic
    call("C8", "2026-06-22 10:00", "P4", ward_code=BEACON, domestic=True),
    call("C9", "2026-06-23 10:00", "P4", ward_code=BEACON),
    call("C10", "2026-06-30 12:00", None),  # no caller, no place: the data runs to the as-of date
]

CRIMES = [
    # one robbery at each of L9 and L10 on the same minute: the places tie on count (3), harm
    # and last event, so the reference decides
    {"crime_id": "R1", "recorded_at": "2026-06-10 09:00", "location_id": "L9", "category": "Robbery",
     "offence": "Robbery of a mobile phone"},
    {"crime_id": "R2", "recorded_at": "2026-06-10 09:00", "location_id": "L10", "category": "Robbery",
     "offence": "Robbery of a mobile phone"},
    # L2: a burglary with no offence (the category's default weight) a month before the call
    {"crime_id": "R3", "recorded_at": "2026-05-20 09:00", "location_id": "L2", "category": "Burglary"},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("keys")
    write_extracts(root / "x", calls=CALLS, crimes=CRIMES, coverage=coverage_rows("2025-01", "2026-06"))
    opened = Store(root / "x", cache=root / "c")
    yield opened
    opened.close()


def test_callers_tied_on_count_and_last_call_fall_by_reference(store):
    callers = analytics.rank(store, FORCE, "callers", as_of=AS_OF)
    assert callers["id"].tolist() == ["P4", "P10", "P9"]  # P4's last call is the latest
    assert callers["count"].tolist() == [2, 2, 2]
    assert callers["previous_count"].tolist() == [0, 0, 0]


def test_a_caller_who_called_once_counts_when_the_least_count_is_one(store):
    callers = analytics.rank(store, FORCE, "callers", as_of=AS_OF, min_count=1).set_index("id")
    assert callers.loc["P2", ["count", "previous_count"]].tolist() == [1, 0]
    assert callers.loc["P3", ["count", "previous_count"]].tolist() == [1, 1]
    assert "P2" not in set(analytics.rank(store, FORCE, "callers", as_of=AS_OF)["id"])


def test_caller_filters_and_scope(store):
    assert analytics.rank(store, FORCE, "callers", as_of=AS_OF, domestic_only=True, min_count=1)["id"].tolist() \
        == ["P4"]
    assert analytics.rank(store, ABBEY_ONLY, "callers", as_of=AS_OF)["id"].tolist() == ["P10", "P9"]


def test_places_tied_on_count_harm_and_last_event_fall_by_reference(store):
    places = analytics.rank(store, FORCE, "locations", as_of=AS_OF)
    assert places["id"].tolist() == ["L10", "L9", "L2"]
    by_id = places.set_index("id")
    assert by_id.loc["L10", ["count", "crimes", "calls", "missing"]].tolist() == [3, 1, 2, 0]
    assert by_id.loc["L10", "harm"] == pytest.approx(harm.weight("Robbery", "Robbery of a mobile phone"))
    assert by_id.loc["L2", "harm"] == pytest.approx(harm.weight("Burglary"))
    assert by_id.loc["L2", "first_at"].isoformat() == "2026-05-20T09:00:00"


def test_concentration_counts_each_place_and_caller_once(store):
    places = analytics.concentration(store, FORCE, "locations", window="90d", as_of=AS_OF)
    assert (places["entities"], places["events"]) == (3, 8)
    callers = analytics.concentration(store, FORCE, "callers", window="90d", as_of=AS_OF)
    assert (callers["entities"], callers["events"]) == (5, 8)  # P9, P10, P2, P3, P4; C7 is earlier


@pytest.mark.parametrize("limit", [1, 2, 3, 0])
def test_a_limited_ranking_of_places_is_the_head_of_the_whole_one(store, limit):
    # rank_locations works out the totals only for the places counting at least the limit-th
    # largest count: with L10 and L9 tied at the top, the first place is still the reference's
    whole = analytics.rank(store, FORCE, "locations", as_of=AS_OF)
    limited = analytics.rank(store, FORCE, "locations", as_of=AS_OF, limit=limit)
    assert limited["id"].tolist() == ["L10", "L9", "L2"][:limit]
    columns = ["id", "count", "crimes", "calls", "missing", "previous_count", "harm", "first_at", "last_at"]
    assert limited[columns].equals(whole[columns].head(limit))
