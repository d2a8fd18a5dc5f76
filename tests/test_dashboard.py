"""demand.dashboard's records behind a number, worked out by hand on crafted extracts.

As of 2026-06-30 over 28 days: the window is 2026-06-03 .. 06-30.
"""

from datetime import date

import pandas as pd
import pytest

from demand import analytics, areas, dashboard, records
from demand.fixtures import ABBEY, BEACON, CASTLE, write_extracts

AS_OF = date(2026, 6, 30)


def place(location_id, location_type, ward=ABBEY):
    return {
        "location_id": location_id,
        "address": f"{location_id} Test Street",
        "street": "Test Street",
        "location_type": location_type,
        "ward_code": ward,
        "lat": 52.63,
        "lon": -1.13,
        "precision": "address",
    }


LOCATIONS = [
    place("L1", "care home"),
    place("L2", "dwelling"),
    place("L3", "care home", BEACON),
    place("L9", "dwelling", CASTLE),
]
# Abbey in the 28 days: M1..M4 (M1, M3 high risk; M1, M4 from the care home L1; P1 twice).
MISSING = [
    {
        "episode_id": "M1",
        "person_id": "P1",
        "reported_at": "2026-06-30 10:00",
        "risk": "high",
        "from_location_id": "L1",
    },
    {
        "episode_id": "M2",
        "person_id": "P1",
        "reported_at": "2026-06-25 10:00",
        "risk": "medium",
        "from_location_id": "L2",
    },
    {
        "episode_id": "M3",
        "person_id": "P2",
        "reported_at": "2026-06-20 10:00",
        "risk": "high",
        "from_location_id": "L2",
    },
    {
        "episode_id": "M4",
        "person_id": "P3",
        "reported_at": "2026-06-10 10:00",
        "risk": "low",
        "from_location_id": "L1",
    },
    # before the window, another ward, and an old one so the data covers every month
    {
        "episode_id": "M5",
        "person_id": "P2",
        "reported_at": "2026-05-20 10:00",
        "risk": "high",
        "from_location_id": "L1",
    },
    {
        "episode_id": "M6",
        "person_id": "P5",
        "reported_at": "2026-06-27 10:00",
        "risk": "high",
        "from_location_id": "L3",
        "ward_code": BEACON,
    },
    {
        "episode_id": "M7",
        "person_id": "P6",
        "reported_at": "2025-01-15 10:00",
        "risk": "high",
        "from_location_id": "L9",
        "ward_code": CASTLE,
    },
]
# A crime and a call at the care home must never appear among missing episodes.
CRIMES = [{"crime_id": "R1", "recorded_at": "2026-06-28 09:00", "location_id": "L1"}]
CALLS = [{"incident_id": "C1", "received_at": "2026-06-28 09:00", "location_id": "L1", "grade": "emergency"}]

EXPECTED = {
    "episodes": ["M1", "M2", "M3", "M4"],
    "people": ["M1", "M2", "M3", "M4"],  # 3 people, whose episodes are all four
    "high-risk episodes": ["M1", "M3"],
    "from care homes": ["M1", "M4"],
}


@pytest.fixture
def store(tmp_path, open_store):
    return open_store(
        write_extracts(
            tmp_path / "x", locations=LOCATIONS, missing_episodes=MISSING, crimes=CRIMES, calls=CALLS
        )
    )


@pytest.mark.parametrize("group", list(EXPECTED))
def test_each_missing_group_lists_its_episodes(store, group):
    scope = areas.resolve(store, ABBEY)
    rows = records.window_records(
        store, scope, "missing_episodes", "28d", AS_OF, limit=200, **records.MISSING_GROUP_RECORDS[group]
    )
    assert rows["event_id"].tolist() == EXPECTED[group]  # newest first
    assert set(rows["source"]) == {"missing"}
    assert rows["location_id"].notna().all()


def test_missing_groups_match_the_compare_table(store):
    """Every group compare(by='missing') can show has a records filter, and the records add up
    to its count (distinct people for 'people')."""
    scope = areas.resolve(store, ABBEY)
    compared = analytics.compare(store, scope, "28d", by="missing", as_of=AS_OF).set_index("group")
    assert set(compared.index) == set(records.MISSING_GROUP_RECORDS)
    assert compared.loc["people", "count"] == 3
    for group in ("episodes", "high-risk episodes", "from care homes"):
        assert compared.loc[group, "count"] == len(EXPECTED[group])


def test_unfiltered_records_are_unchanged(store):
    scope = areas.resolve(store, ABBEY)
    assert records.window_records(store, scope, "crimes", "28d", AS_OF)["event_id"].tolist() == ["R1"]
    assert records.window_records(store, scope, "calls", "28d", AS_OF)["event_id"].tolist() == ["C1"]
    # a location-type filter applies to any measure
    at_dwellings = records.window_records(store, scope, "crimes", "28d", AS_OF, location_type="dwelling")
    assert at_dwellings.empty


def test_counts_by_window_never_count_a_missing_month_as_zero():
    """A place's crimes as of 2026-06-30; the crime source lacks May 2026 and everything before
    2026 (gaps as coverage_gaps returns them). A crime dated in May is not counted.
    7d (06-24..30): 0, before 1 (20 Jun). 28d (06-03..30): 2, before (05-06..06-02) 0 over the
    2 covered days. 90d: 3 over 59 days against 3 over 90: +1.0 at equal days. 12m: 6 over
    150 days, about 5 months (July to December 2025 and May 2026 lacking); the 12 months
    before: no number."""
    days = ["2026-06-05", "2026-06-20", "2026-04-10", "2026-03-15", "2026-02-10", "2026-01-20", "2026-05-12"]
    timeline = pd.DataFrame({"at": pd.to_datetime([f"{d} 12:00" for d in days]), "source": "crime"})
    lacking = [*pd.date_range("2024-07-01", "2025-12-01", freq="MS").date, date(2026, 5, 1)]
    gaps = pd.DataFrame({"table_name": "crimes", "month": lacking})
    rows = dashboard.counts_by_window(timeline, AS_OF, gaps).set_index("window")
    assert rows["count"].tolist() == [0, 2, 3, 6]
    assert rows["previous_count"].tolist()[:3] == [1, 0, 3] and pd.isna(rows.loc["12m", "previous_count"])
    assert rows["exposure_days"].tolist() == [7, 28, 59, 150]
    assert rows["previous_exposure_days"].tolist() == [7, 2, 90, 0]
    assert rows.loc["90d", "change"] == pytest.approx(1.0)
    assert rows.loc["90d", "coverage"] == "59 of 90 days; no crime data for May 2026"
    assert rows.loc["28d", "previous_coverage"] == "2 of 28 days; no crime data for May 2026"
    assert rows.loc["12m", "significance"] == "no_data" and pd.isna(rows.loc["12m", "change"])
    assert rows.loc["12m", "coverage"] == "5 of 12 months; no crime data for July to December 2025 and May 2026"


# --- maps: offline, labelled, answering a tap (issue 14) -------------------------------------------


def _boundaries():
    from demand import geography

    codes = [f["properties"]["ward_code"] for f in geography.load_ward_boundaries()["features"][:3]]
    return dashboard.ward_boundaries(codes)


def test_maps_ask_for_no_basemap_and_label_every_ward():
    """A map style (even None) makes Streamlit fetch a public basemap; pydeck's default with no
    provider makes it draw none. Every ward's name is written at a point inside it."""
    from demand import geography

    boundaries = _boundaries()
    points = pd.DataFrame({"lat": [52.63], "lon": [-1.13], "source": ["crime"], "what": ["Burglary"],
                           "location_id": ["L1"]})
    spots = pd.DataFrame({"id": ["L1"], "lat": [52.63], "lon": [-1.13], "count": [4], "address": ["1 High St"]})
    for deck in (dashboard.area_map(boundaries, points, spots), dashboard.change_map(boundaries, pd.DataFrame(
            {"group": [], "count": [], "previous_count": [], "significance": []}))):
        spec = deck.to_json()
        assert "cartocdn" not in spec and "mapbox" not in spec.lower()
        assert '"mapStyle": "__MAP_STYLE__"' in spec  # Streamlit's "no basemap"
        labels = pd.DataFrame(next(layer for layer in deck.layers if layer.id == dashboard.LAYER_LABELS).data)
        names = dict(zip(labels["name"], zip(labels["lon"], labels["lat"])))
        for feature in boundaries["features"]:
            lon, lat = names[feature["properties"]["ward_name"]]
            assert geography.contains(feature["geometry"], lon, lat)[0]


def test_a_tap_on_a_map_chooses_a_ward_or_a_place():
    assert dashboard.map_choice({"objects": {"wards": [{"properties": {"ward_code": "E05000001"}}]}}) == (
        "ward", "E05000001")
    assert dashboard.map_choice({"objects": {"spots": [{"id": "L9", "tip": "x"}]}}) == ("location", "L9")
    assert dashboard.map_choice({"objects": {"events-crime": [{"location_id": "L3"}]}}) == ("location", "L3")
    assert dashboard.map_choice({"objects": {"labels": [{"name": "Abbey"}]}}) is None
    assert dashboard.map_choice({"objects": {}}) is None and dashboard.map_choice(None) is None


def test_chart_labels_from_the_data_are_text_not_markup():
    fig = dashboard.change_bar_figure(pd.DataFrame({
        "group": ['<a href="https://example.com">x</a>'], "change": [3.0], "count": [5], "previous_count": [2],
        "significance": ["no_change"], "p_adjusted": [0.5]}), "t", "g")
    assert list(fig.data[0].y) == ["&lt;a href=&quot;https://example.com&quot;&gt;x&lt;/a&gt;"]


def test_the_profile_chart_writes_months_as_people_do():
    monthly = pd.DataFrame({"month": pd.to_datetime(["2025-05-01", "2025-06-01"]), "source": ["crime", "crime"],
                            "count": [3, 4]})
    fig = dashboard.monthly_figure(monthly, "t")
    assert fig.layout.xaxis.tickformat == "%B %Y" and fig.layout.xaxis.dtick is None


def test_a_lorenz_curve_is_drawn_from_its_corners_and_hover_points():
    # counts 1, 1, 1, 2, 2, 5 (12 events): the count changes after the 3rd and the 5th entity,
    # so between those rows the curve is straight; hover points at every half of the entities
    curve = analytics.concentration_of([5, 1, 2, 1, 2, 1])["lorenz"]
    outline = dashboard.lorenz_outline(curve, 12, hover_steps=2)
    assert outline["entity_share"].tolist() == pytest.approx([0, 3 / 6, 5 / 6, 1])
    assert outline["event_share"].tolist() == pytest.approx([0, 3 / 12, 7 / 12, 1])
    # equal counts: a straight line, its two ends and the hover points
    even = analytics.concentration_of([4] * 10)["lorenz"]
    assert dashboard.lorenz_outline(even, 40, hover_steps=5)["entity_share"].tolist() == pytest.approx(
        [0, 0.2, 0.4, 0.6, 0.8, 1])
