"""Period comparison, headline and the wards x categories grid, worked out by hand.

As of 2026-06-30 (90d): current 2026-04-02 .. 06-30, previous 2026-01-02 .. 04-01, a year
earlier 2025-04-02 .. 06-30.
"""

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from demand import analytics, stats
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


def build(directory, extra_crimes=(), **coverage_options):
    return write_extracts(directory, crimes=[*CRIMES, *extra_crimes], calls=CALLS, missing_episodes=MISSING,
                          locations=HOME, coverage=coverage_rows("2025-01", "2026-06", **coverage_options))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    opened = Store(build(root / "x"), cache=root / "c")
    yield opened
    opened.close()


def by_group(frame):
    return frame.set_index("group")


def test_16_to_25_is_not_a_real_rise_on_its_own(store):
    burglary = by_group(analytics.compare(store, ABBEY_ONLY, "90d", as_of=AS_OF)).loc["Burglary"]
    assert (burglary["count"], burglary["previous_count"], burglary["change"]) == (25, 16, 9)
    assert burglary["pct_change"] == pytest.approx(56.25)
    assert burglary["p"] == pytest.approx(0.1648, abs=5e-5)  # the E-test's published value
    assert burglary["rate_ratio"] == pytest.approx(25 / 16) and burglary["ci_low"] < 1 < burglary["ci_high"]
    assert burglary["significance"] == "no_change"
    assert (burglary["exposure_days"], burglary["previous_exposure_days"]) == (90, 90)


def test_the_false_discovery_rate_is_held_over_the_table(store):
    """Abbey's four categories, p by the E-test: Drugs 3 vs 0 0.0884, Burglary 25 vs 16 and
    Robbery 16 vs 25 0.1648 each, Shoplifting 12 vs 10 0.6899. Benjamini-Hochberg (m = 4):
    x 4/1, 4/2, 4/3, 4/4 = 0.3535, 0.3296, 0.2197, 0.6899; the running minimum from the
    largest down gives 0.2197 to the first three and 0.6899 to Shoplifting. Drugs 0 -> 3,
    a "rise from nothing" the z-test called significant (z = 3.5), is no change."""
    frame = analytics.compare(store, ABBEY_ONLY, "90d", as_of=AS_OF)
    rows = by_group(frame)
    assert rows.loc["Drugs", "p"] == pytest.approx(0.0884, abs=5e-5)
    assert rows["p_adjusted"].round(4).to_dict() == {
        "Burglary": 0.2197, "Drugs": 0.2197, "Robbery": 0.2197, "Shoplifting": 0.6899}
    assert set(rows["significance"]) == {"no_change"} and frame.attrs["tested"] == 4
    assert math.isnan(rows.loc["Drugs", "pct_change"]) and rows.loc["Drugs", "rate_ratio"] == math.inf
    assert set(rows["months_missing"]) == {""} and set(rows["coverage"]) == {""}


def test_columns(store):
    frame = analytics.compare(store, ABBEY_ONLY, as_of=AS_OF)
    assert list(frame.columns) == ["group", "count", "previous_count", "change", "pct_change", "p", "p_adjusted",
                                   "rate_ratio", "ci_low", "ci_high", "significance", "exposure_days",
                                   "previous_exposure_days", "months_missing", "coverage", "previous_coverage"]


def test_unwarded_events_count_for_the_force_only(store):
    assert by_group(analytics.compare(store, NORTHTOWN, as_of=AS_OF)).loc["Burglary", "count"] == 25
    assert by_group(analytics.compare(store, FORCE, as_of=AS_OF)).loc["Burglary", "count"] == 30


def test_against_the_same_window_last_year(store):
    burglary = by_group(analytics.compare(store, ABBEY_ONLY, as_of=AS_OF, baseline="last_year")).loc["Burglary"]
    assert burglary["previous_count"] == 9 and burglary["p"] == pytest.approx(stats.e_test(25, 9))
    assert burglary["p"] < 0.01 and burglary["significance"] == "rise"


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


def test_a_window_with_a_missing_month_is_compared_by_exposure(tmp_path, open_store):
    """May 2026 lacks crime data: the current 90 days (2026-04-02 .. 06-30) hold 90 - 31 = 59
    covered days. Burglary: 25 in 59 days against 16 in 90, a rate ratio of (25/59)/(16/90) =
    2.38; at 59 days the previous 16 are 10.49, so the change is +14.5. E-test p = 0.0106;
    with Drugs 0.106, Shoplifting 0.183 and Robbery 0.941, Benjamini-Hochberg gives Burglary
    0.0106 x 4 = 0.0423 < 0.05: a significant rise. A crime dated in May is not counted."""
    may_crime = {"crime_id": "MAY1", "recorded_at": "2026-05-10 12:00", "category": "Burglary", "ward_code": ABBEY}
    store = open_store(build(tmp_path / "x", extra_crimes=[may_crime], uncovered={"crimes": ["2026-05"]}))
    frame = analytics.compare(store, ABBEY_ONLY, as_of=AS_OF)
    burglary = by_group(frame).loc["Burglary"]
    assert (burglary["count"], burglary["previous_count"]) == (25, 16)  # not 26: MAY1 is left out
    assert (burglary["exposure_days"], burglary["previous_exposure_days"]) == (59, 90)
    assert burglary["rate_ratio"] == pytest.approx((25 / 59) / (16 / 90))
    assert burglary["change"] == pytest.approx(14.5)
    assert burglary["p"] == pytest.approx(0.0106, abs=5e-5) and burglary["p_adjusted"] == pytest.approx(0.0423, abs=5e-5)
    assert burglary["significance"] == "rise"
    assert set(frame["coverage"]) == {"59 of 90 days; no crime data for May 2026"}
    assert set(frame["previous_coverage"]) == {""} and set(frame["months_missing"]) == {"crimes: 2026-05"}
    calls = analytics.compare(store, ABBEY_ONLY, as_of=AS_OF, by="call_type")
    assert set(calls["exposure_days"]) == {90} and set(calls["coverage"]) == {""}


def test_a_window_inside_a_gap_shows_no_number(tmp_path, open_store):
    """The 28 days to 2026-05-31 (05-04 .. 05-31) lie wholly in May, which lacks crime data."""
    store = open_store(build(tmp_path / "x", uncovered={"crimes": ["2026-05"]}))
    frame = analytics.compare(store, ABBEY_ONLY, "28d", as_of=date(2026, 5, 31))
    assert not frame.empty and frame["count"].isna().all() and frame["change"].isna().all()
    assert set(frame["significance"]) == {"no_data"} and frame["p"].isna().all()
    assert frame.attrs["tested"] == 0 and set(frame["coverage"]) == {"no crime data for this period"}
    head = analytics.headline(store, ABBEY_ONLY, "28d", as_of=date(2026, 5, 31)).set_index("measure")
    assert pd.isna(head.loc["crimes", "count"]) and head.loc["crimes", "significance"] == "no_data"
    assert head.loc["calls", "significance"] != "no_data"


def test_a_window_before_the_coverage_is_counted_over_the_months_covered(store):
    """The 12 months before 2025-07-01 .. 2026-06-30 start 2024-07-01; coverage starts in
    January 2025, so they hold the 181 days from 2025-01-01 to 2025-06-30."""
    frame = analytics.compare(store, ABBEY_ONLY, "12m", as_of=AS_OF)
    assert set(frame["previous_exposure_days"]) == {181} and set(frame["exposure_days"]) == {365}
    assert set(frame["previous_coverage"]) == {"6 of 12 months; no crime data for July to December 2024"}
    assert frame["months_missing"].iloc[0] == "crimes: 2024-07, 2024-08, 2024-09, 2024-10, 2024-11, 2024-12"
    assert by_group(frame).loc["Burglary", "previous_count"] == 9


def test_matrix_is_one_row_per_ward_and_category(store):
    grid = analytics.compare_matrix(store, NORTHTOWN, "90d", as_of=AS_OF)
    cells = grid.set_index(["ward_code", "category"])
    assert cells.loc[(ABBEY, "Burglary"), "p"] == pytest.approx(0.1648, abs=5e-5)
    np.testing.assert_allclose(grid["p_adjusted"], stats.false_discovery(grid["p"]))
    assert grid.attrs["tested"] == len(grid) == 5
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
    # one headline figure, one test: 4 -> 9 ASB calls is p = 0.183, no significant change
    assert rows.loc["asb_calls", "p"] == pytest.approx(0.183, abs=5e-4)
    assert rows.loc["asb_calls", "p_adjusted"] == rows.loc["asb_calls", "p"]
    assert rows.loc["asb_calls", "significance"] == "no_change"


def test_headline_by_ward_is_each_wards_headline_in_one_read(store):
    table = analytics.headline_wards(store, NORTHTOWN, "90d", as_of=AS_OF)
    measures = ["crimes", "calls", "asb_calls", "missing_episodes"]
    assert table["ward_code"].tolist() == [ABBEY] * 4 + [BEACON] * 4 and table["measure"].tolist() == measures * 2
    assert table["count"].tolist() == [56, 10, 9, 2, 4, 0, 0, 0]  # Beacon: its 4 shoplifting crimes only
    assert table["previous_count"].tolist() == [51, 4, 4, 1, 0, 0, 0, 0]
    for ward in (ABBEY, BEACON):
        alone = analytics.headline(store, Scope((ward,)), "90d", as_of=AS_OF)
        mine = table[table["ward_code"] == ward].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine.drop(columns="ward_code"), alone[mine.columns.drop("ward_code")],
                                      check_dtype=False)  # headline types its counts as stats leave them


def test_bad_choices(store):
    with pytest.raises(UsageError, match="category, call_type, missing, ward"):
        analytics.compare(store, ABBEY_ONLY, by="offence")
    with pytest.raises(UsageError, match="previous, last_year"):
        analytics.compare(store, ABBEY_ONLY, baseline="yesterday")
    with pytest.raises(UsageError, match="7d, 28d, 90d, 12m"):
        analytics.compare(store, ABBEY_ONLY, window="30d")
