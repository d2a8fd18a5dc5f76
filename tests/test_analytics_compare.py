"""Period comparison, headline and the wards x categories grid, worked out by hand.

As of 2026-06-30 (90d): current 2026-04-02 .. 06-30, previous 2026-01-02 .. 04-01, a year
earlier 2025-04-02 .. 06-30.
"""

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from demand import analytics
from demand.errors import UsageError
from demand.fixtures import ABBEY, BEACON, CASTLE, coverage_rows, write_extracts
from demand.store import Scope, Store

AS_OF = date(2026, 6, 30)
CURRENT, PREVIOUS, YEAR_AGO = date(2026, 4, 2), date(2026, 1, 2), date(2025, 4, 2)


def crimes(n, first_day, category, ward=ABBEY, prefix=None):
    """n crimes on consecutive days from first_day (all inside one 90-day window)."""
    prefix = prefix or f"{category[:3]}{first_day:%y%m}{ward or 'NW'}"
    return [{"crime_id": f"{prefix}-{i}", "recorded_at": f"{first_day + timedelta(days=i)} 12:00",
             "category": category, "offence": None, "ward_code": ward} for i in range(n)]


CRIMES = [
    *crimes(16, PREVIOUS, "Burglary"), *crimes(25, CURRENT, "Burglary"), *crimes(9, YEAR_AGO, "Burglary"),
    *crimes(25, PREVIOUS, "Robbery"), *crimes(16, CURRENT, "Robbery"),
    *crimes(3, CURRENT, "Drugs"),
    *crimes(10, PREVIOUS, "Shoplifting"), *crimes(12, CURRENT, "Shoplifting"),
    *crimes(5, CURRENT, "Burglary", ward=None),
    *crimes(4, CURRENT, "Shoplifting", ward=BEACON),
    *crimes(1, PREVIOUS, "Shoplifting", ward=CASTLE),
]
CALLS = [
    *[{"received_at": f"{CURRENT + timedelta(days=i)} 08:00", "incident_type": "Anti-social behaviour",
       "asb": True} for i in range(9)],
    *[{"received_at": f"{PREVIOUS + timedelta(days=i)} 08:00", "incident_type": "Anti-social behaviour",
       "asb": True} for i in range(4)],
    {"received_at": "2026-06-30 09:00", "incident_type": "Concern for welfare"},
]
MISSING = [
    {"person_id": "P1", "reported_at": "2026-05-01", "risk": "high", "from_location_id": "HOME"},
    {"person_id": "P1", "reported_at": "2026-05-03", "from_location_id": "HOME"},
    {"person_id": "P2", "reported_at": "2026-02-01", "from_location_id": "HOME"},
]
HOME = [{"location_id": "HOME", "address": "1 Elm House", "street": "Elm Road", "location_type": "care home",
         "ward_code": ABBEY, "lat": 52.6, "lon": -1.1, "precision": "address"}]
ABBEY_ONLY, NORTHTOWN = Scope((ABBEY,)), Scope((ABBEY, BEACON))
FORCE = Scope((ABBEY, BEACON, CASTLE), include_unwarded=True)


def build(directory, **coverage_options):
    return write_extracts(directory, crimes=CRIMES, calls=CALLS, missing_episodes=MISSING, locations=HOME,
                          coverage=coverage_rows("2025-01", "2026-06", **coverage_options))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    opened = Store(build(root / "x"), cache=root / "c")
    yield opened
    opened.close()


def by_group(frame):
    return frame.set_index("group")


def test_z_test_example_16_to_25(store):
    burglary = by_group(analytics.compare(store, ABBEY_ONLY, "90d", as_of=AS_OF)).loc["Burglary"]
    assert (burglary["count"], burglary["previous_count"], burglary["change"]) == (25, 16, 9)
    assert burglary["pct_change"] == pytest.approx(56.25)
    assert burglary["z"] == pytest.approx(2.0)
    assert burglary["significance"] == "rise"


def test_fall_no_change_and_rise_from_zero(store):
    rows = by_group(analytics.compare(store, ABBEY_ONLY, "90d", as_of=AS_OF))
    assert rows.loc["Robbery", "z"] == pytest.approx(-2.0) and rows.loc["Robbery", "significance"] == "fall"
    assert rows.loc["Shoplifting", "significance"] == "no_change"
    assert rows.loc["Shoplifting", "z"] == pytest.approx(2 * (math.sqrt(12) - math.sqrt(10)))
    assert math.isnan(rows.loc["Drugs", "pct_change"])
    assert rows.loc["Drugs", "z"] == pytest.approx(2 * math.sqrt(3)) and rows.loc["Drugs", "significance"] == "rise"
    assert set(rows["months_missing"]) == {""}


def test_columns(store):
    frame = analytics.compare(store, ABBEY_ONLY, as_of=AS_OF)
    assert list(frame.columns) == ["group", "count", "previous_count", "change", "pct_change", "z",
                                   "significance", "months_missing"]


def test_unwarded_events_count_for_the_force_only(store):
    assert by_group(analytics.compare(store, NORTHTOWN, as_of=AS_OF)).loc["Burglary", "count"] == 25
    assert by_group(analytics.compare(store, FORCE, as_of=AS_OF)).loc["Burglary", "count"] == 30


def test_against_the_same_window_last_year(store):
    burglary = by_group(analytics.compare(store, ABBEY_ONLY, as_of=AS_OF, baseline="last_year")).loc["Burglary"]
    assert burglary["previous_count"] == 9 and burglary["z"] == pytest.approx(4.0)


def test_by_ward_lists_every_ward_of_the_scope(store):
    wards = analytics.compare(store, NORTHTOWN, as_of=AS_OF, by="ward")
    assert wards["group"].tolist() == [ABBEY, BEACON] and wards["ward_name"].tolist() == ["Abbey", "Beacon"]
    assert wards["count"].tolist() == [25 + 16 + 3 + 12, 4]
    assert wards["previous_count"].tolist() == [16 + 25 + 10, 0]
    calls = analytics.compare(store, NORTHTOWN, as_of=AS_OF, by="ward", source="calls")
    assert calls["count"].tolist() == [10, 0] and calls["previous_count"].tolist() == [4, 0]


def test_by_call_type_and_missing(store):
    calls = by_group(analytics.compare(store, ABBEY_ONLY, as_of=AS_OF, by="call_type"))
    assert calls.loc["Anti-social behaviour", ["count", "previous_count"]].tolist() == [9, 4]
    missing = by_group(analytics.compare(store, ABBEY_ONLY, as_of=AS_OF, by="missing"))
    assert missing["count"].tolist() == [2, 1, 1, 2]  # episodes, people, high-risk, from care homes
    assert missing["previous_count"].tolist() == [1, 1, 0, 1]


def test_a_month_missing_from_the_source_is_not_zero(tmp_path, open_store):
    store = open_store(build(tmp_path / "x", uncovered={"crimes": ["2026-05"]}))
    frame = analytics.compare(store, ABBEY_ONLY, as_of=AS_OF)
    assert frame["count"].isna().all() and frame["previous_count"].notna().all()
    assert set(frame["significance"]) == {"missing_data"}
    assert set(frame["months_missing"]) == {"crimes: 2026-05"}
    calls = analytics.compare(store, ABBEY_ONLY, as_of=AS_OF, by="call_type")
    assert "missing_data" not in set(calls["significance"])
    year = analytics.compare(store, ABBEY_ONLY, as_of=date(2026, 3, 31))  # previous window: Oct to Dec
    assert year["count"].notna().all() and "missing_data" not in set(year["significance"])


def test_a_window_before_the_coverage_is_missing_data(store):
    frame = analytics.compare(store, ABBEY_ONLY, "12m", as_of=AS_OF)  # previous 12m reach into 2024
    assert set(frame["significance"]) == {"missing_data"}
    assert frame["previous_count"].isna().all() and frame["months_missing"].iloc[0] == "crimes: 2024-07, 2024-08, 2024-09, 2024-10, 2024-11, 2024-12"


def test_matrix_is_one_row_per_ward_and_category(store):
    grid = analytics.compare_matrix(store, NORTHTOWN, "90d", as_of=AS_OF)
    cells = grid.set_index(["ward_code", "category"])
    assert cells.loc[(ABBEY, "Burglary"), "z"] == pytest.approx(2.0)
    assert cells.loc[(BEACON, "Shoplifting"), ["count", "previous_count"]].tolist() == [4, 0]
    assert set(grid["ward_code"]) == {ABBEY, BEACON}
    assert {"ward_name", "pct_change", "significance"} <= set(grid.columns)


def test_headline(store):
    rows = analytics.headline(store, ABBEY_ONLY, "90d", as_of=AS_OF).set_index("measure")
    assert rows.index.tolist() == ["crimes", "calls", "asb_calls", "missing_episodes"]
    assert rows.loc["crimes", ["count", "previous_count"]].tolist() == [56, 51]
    assert rows.loc["calls", ["count", "previous_count"]].tolist() == [10, 4]
    assert rows.loc["asb_calls", ["count", "previous_count"]].tolist() == [9, 4]
    assert rows.loc["missing_episodes", ["count", "previous_count"]].tolist() == [2, 1]
    assert rows.loc["asb_calls", "z"] == pytest.approx(2.0) and rows.loc["asb_calls", "significance"] == "rise"


def test_bad_choices(store):
    with pytest.raises(UsageError, match="category, call_type, missing, ward"):
        analytics.compare(store, ABBEY_ONLY, by="offence")
    with pytest.raises(UsageError, match="previous, last_year"):
        analytics.compare(store, ABBEY_ONLY, baseline="yesterday")
    with pytest.raises(UsageError, match="7d, 28d, 90d, 12m"):
        analytics.compare(store, ABBEY_ONLY, window="30d")


def test_with_stats_by_hand():
    frame = analytics.with_stats(pd.DataFrame({"count": [25, 0, 4], "previous_count": [16, 0, pd.NA]}))
    assert frame["z"].tolist()[:2] == [2.0, 0.0]
    assert frame["significance"].tolist() == ["rise", "no_change", "missing_data"]
