"""Timelines, recent events, weekly trend, map points, neighbours and data quality."""

from datetime import date

import pandas as pd
import pytest

from demand import analytics, areas, records
from demand.errors import UsageError
from demand.fixtures import ABBEY, BEACON, coverage_rows, write_extracts
from demand.store import Scope, Store

AS_OF = date(2026, 6, 30)  # a Tuesday; its week starts Monday 2026-06-29


def place(lid, lat, lon, ward=ABBEY, precision="address", kind="dwelling"):
    return {"location_id": lid, "address": f"{lid} Road", "street": "Road", "location_type": kind,
            "ward_code": ward, "lat": lat, "lon": lon, "precision": precision}


LOCATIONS = [
    place("L1", 52.6300, -1.1300),
    place("L2", 52.6309, -1.1300),  # 0.0009 degrees north: about 100 m
    place("L3", 52.6330, -1.1300),  # about 334 m
    place("L4", 52.6301, -1.1300, precision="street"),
]
PERSONS = [{"person_id": p, "name": n, "birth_year": 1990, "gender": "F"}
           for p, n in (("P1", "Ann Lee"), ("P2", "Bob Stone"), ("P3", "Cy Moss"))]
CRIMES = [
    {"crime_id": "R1", "recorded_at": "2026-06-29 10:00", "location_id": "L1"},
    {"crime_id": "R2", "recorded_at": "2026-05-04 10:00", "location_id": "L2", "category": "Burglary"},
    {"crime_id": "R3", "recorded_at": "2026-06-30 23:59", "location_id": None, "ward_code": None},
    {"crime_id": "R4", "recorded_at": "2026-03-01 10:00", "location_id": "L4", "ward_code": BEACON},
]
LINKS = [
    {"crime_id": "R1", "person_id": "P1", "role": "victim"},
    {"crime_id": "R1", "person_id": "P1", "role": "victim"},
    {"crime_id": "R1", "person_id": "P2", "role": "offender"},
    {"crime_id": "R2", "person_id": "P2", "role": "victim"},
    {"crime_id": "R2", "person_id": "P1", "role": "suspect"},
    {"crime_id": "R2", "person_id": "P1", "role": "offender"},
    {"crime_id": "R4", "person_id": "P3", "role": "reporting_person"},
]
CALLS = [
    {"incident_id": "C1", "received_at": "2026-06-24 08:00", "caller_id": "P1", "location_id": "L1"},
    {"incident_id": "C2", "received_at": "2026-06-01 08:00", "caller_id": "P3", "location_id": "L3"},
]
MISSING = [{"episode_id": "M1", "person_id": "P1", "reported_at": "2026-04-10 22:00", "risk": "high",
            "from_location_id": "L1"}]
FORCE = Scope((ABBEY, BEACON), include_unwarded=True)
ABBEY_ONLY = Scope((ABBEY,), label="Abbey")


def force(store):
    return areas.resolve(store, "force")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("events")
    write_extracts(root / "x", locations=LOCATIONS, persons=PERSONS, crimes=CRIMES, crime_people=LINKS,
                   calls=CALLS, missing_episodes=MISSING,
                   coverage=coverage_rows("2026-01", "2026-06", uncovered={"calls": ["2026-05"]}))
    opened = Store(root / "x", cache=root / "c")
    yield opened
    opened.close()


def test_data_range_and_default_as_of(store):
    assert analytics.data_range(store) == (date(2026, 3, 1), date(2026, 6, 30))
    assert analytics.default_as_of(store) == AS_OF


def test_person_timeline_in_time_order_with_roles_and_links(store):
    events = analytics.timeline(store, force(store), person="P1")
    assert events["event_id"].tolist() == ["M1", "R2", "C1", "R1"]
    assert events["source"].tolist() == ["missing", "crime", "call", "crime"]
    assert events["role"].tolist() == ["missing", "offender; suspect", "caller", "victim"]
    by_id = events.set_index("event_id")
    assert by_id.loc["R1", "linked"] == "offender: P2 Bob Stone"
    assert by_id.loc["R2", "linked"] == "victim: P2 Bob Stone"
    assert by_id.loc["C1", "address"] == "L1 Road"
    assert list(events.columns) == ["at", "source", "event_id", "what", "role", "ward_code", "location_id",
                                    "address", "linked"]


def test_location_timeline_lists_everyone_linked(store):
    events = analytics.timeline(store, force(store), location="L1")
    assert events["event_id"].tolist() == ["M1", "C1", "R1"]
    assert set(events["role"]) == {"at location"}
    assert events.set_index("event_id").loc["R1", "linked"] == "offender: P2 Bob Stone; victim: P1 Ann Lee"
    assert events.set_index("event_id").loc["M1", "linked"] == "missing: P1 Ann Lee"


def test_timeline_within_a_ward_leaves_out_other_wards(store):
    assert analytics.timeline(store, ABBEY_ONLY, person="P3")["event_id"].tolist() == ["C2"]
    assert analytics.timeline(store, force(store), person="P3")["event_id"].tolist() == ["R4", "C2"]


def test_unknown_person_or_location(store):
    with pytest.raises(UsageError, match="no person with reference 'P99' has an event in the whole force"):
        analytics.timeline(store, force(store), person="P99")
    with pytest.raises(UsageError, match="no location with reference 'L99' has an event in the whole force"):
        analytics.timeline(store, force(store), location="L99")
    with pytest.raises(UsageError):
        analytics.timeline(store, force(store))


def test_recent_events_newest_first(store):
    recent = analytics.recent_events(store, FORCE, days=7, as_of=AS_OF)  # 2026-06-24 .. 06-30
    assert recent["event_id"].tolist() == ["R3", "R1", "C1"]
    assert analytics.recent_events(store, ABBEY_ONLY, days=7, as_of=AS_OF)["event_id"].tolist() == ["R1", "C1"]
    assert analytics.recent_events(store, ABBEY_ONLY, days=6, as_of=AS_OF)["event_id"].tolist() == ["R1"]


def test_weekly_trend_marks_missing_months_null(store):
    weeks = analytics.weekly_trend(store, FORCE, as_of=AS_OF, weeks=10)
    assert weeks["week"].min() == date(2026, 4, 27) and weeks["week"].max() == date(2026, 6, 29)
    assert len(weeks) == 30
    calls = weeks[weeks["source"] == "calls"].set_index("week")["count"]
    # calls lack May: the weeks touching May are NULL, the week of 1 June too (it starts 25 May)
    assert calls.loc[date(2026, 5, 4)] is pd.NA and calls.loc[date(2026, 5, 25)] is pd.NA
    assert calls.loc[date(2026, 4, 27)] is pd.NA  # 27 April to 3 May
    assert calls.loc[date(2026, 6, 22)] == 1 and calls.loc[date(2026, 6, 15)] == 0
    crimes = weeks[weeks["source"] == "crimes"].set_index("week")["count"]
    assert crimes.loc[date(2026, 6, 29)] == 2 and crimes.loc[date(2026, 5, 4)] == 1
    assert crimes.loc[date(2026, 5, 11)] == 0


def test_event_points_have_coordinates(store):
    points = analytics.event_points(store, FORCE, "90d", as_of=AS_OF)
    assert sorted(points["event_id"]) == ["C1", "C2", "M1", "R1", "R2"]  # R3 has no location
    assert {"lat", "lon", "source", "what"} <= set(points.columns)


@pytest.mark.parametrize("total, limit", [(10, 3), (1000, 40), (47, 46), (5, 5), (5, 9), (0, 4)])
def test_the_map_sample_positions_are_the_ones_pandas_draws(total, limit):
    """records.map_points reads only the rows DataFrame.sample(limit, random_state=0) would
    draw: their positions depend only on how many rows there are."""
    frame = pd.DataFrame({"position": range(total)})
    drawn = frame.sample(limit, random_state=0) if total > limit else frame
    assert records.sample_positions(total, limit).tolist() == drawn["position"].tolist()


@pytest.mark.parametrize("limit", [1, 3, 4, 5, 10])
def test_map_points_are_the_event_points_sampled_as_pandas_samples_them(store, limit):
    points, total = records.map_points(store, FORCE, "90d", AS_OF, limit)
    every = analytics.event_points(store, FORCE, "90d", as_of=AS_OF)
    drawn = every.sample(limit, random_state=0) if len(every) > limit else every
    assert total == 5
    pd.testing.assert_frame_equal(
        points, drawn[["lat", "lon", "source", "what", "location_id"]].reset_index(drop=True), check_exact=True)


def test_no_map_point_is_drawn_for_a_limit_of_none(store):
    points, total = records.map_points(store, FORCE, "90d", AS_OF, 0)
    assert points.empty and total == 5 and list(points.columns) == ["lat", "lon", "source", "what", "location_id"]


def test_location_neighbours_within_radius(store):
    near = analytics.location_neighbours(store, force(store), "L1", radius_m=200, window="12m", as_of=AS_OF)
    assert near["location_id"].tolist() == ["L4", "L2"]  # one event each: the nearer first
    assert "L3" not in set(near["location_id"]) and "L1" not in set(near["location_id"])
    l2 = near.set_index("location_id").loc["L2"]
    assert l2["distance_m"] == pytest.approx(100, abs=1) and l2["crimes"] == 1
    wider = analytics.location_neighbours(store, force(store), "L1", radius_m=400, window="12m", as_of=AS_OF)
    assert "L3" in set(wider["location_id"])
    with pytest.raises(UsageError):
        analytics.location_neighbours(store, force(store), "nowhere")


def test_data_quality(store):
    quality = analytics.data_quality(store, FORCE)
    assert quality["ward_name"].tolist() == ["Abbey", "Beacon", "(no ward)"]
    rows = quality.set_index("ward_name")
    assert rows.loc["Abbey", ["crimes", "crimes_without_victim"]].tolist() == [2, 0]
    assert rows.loc["Beacon", ["crimes_without_victim", "victim_only_reporting_person"]].tolist() == [1, 1]
    assert rows.loc["Beacon", "street_defaulted_share"] == pytest.approx(1.0)
    assert rows.loc["(no ward)", "events_no_ward"] == 1 and pd.isna(rows.loc["(no ward)", "ward_code"])
    assert "(no ward)" not in analytics.data_quality(store, ABBEY_ONLY)["ward_name"].tolist()
