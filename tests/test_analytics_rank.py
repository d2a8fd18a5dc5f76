"""Rankings against answers worked out by hand on a crafted extract.

As of 2026-06-30 the 90d window is 2026-04-02 .. 2026-06-30 and the previous window
2026-01-02 .. 2026-04-01. Crimes default to Shoplifting in Abbey (weight: the Shoplifting
default); Beacon is the other ward of the district Northtown.
"""

from datetime import date

import pandas as pd
import pytest

from demand import analytics, harm
from demand.errors import UsageError
from demand.fixtures import ABBEY, BEACON, NORTH, coverage_rows, write_extracts
from demand.store import Scope, Store

AS_OF = date(2026, 6, 30)
SHOP = harm.weight("Shoplifting", "Theft from shop")
ROBBERY = harm.weight("Robbery")
WEAPONS = harm.weight("Possession of weapons")


def crime(cid, at, **extra):
    return {"crime_id": cid, "recorded_at": at, **extra}


CRIMES = [
    crime("R1", "2026-06-30 23:59", location_id="L1"),  # last minute of the window: in
    crime("R2", "2026-04-02 00:00", location_id="L1"),  # first instant of the window: in
    crime("R3", "2026-04-01 23:59"),  # last minute of the previous window
    crime("R20", "2026-06-15 12:00"),
    crime("R4", "2026-06-01 09:00"), crime("R5", "2026-06-02 09:00"),
    crime("R6", "2026-06-03 09:00"), crime("R7", "2026-06-04 09:00"), crime("R8", "2026-06-05 09:00"),
    crime("R9", "2026-05-01 09:00", category="Robbery", offence="Robbery of a mobile phone", location_id="L3"),
    crime("R10", "2026-05-02 09:00", location_id="L3"),
    crime("R11", "2026-06-10 09:00"), crime("R12", "2026-06-11 09:00"),
    crime("R13", "2026-06-19 09:00"), crime("R14", "2026-06-20 09:00"),
    crime("R15", "2026-05-05 09:00"), crime("R16", "2026-05-06 09:00"),
    crime("R17", "2026-06-07 09:00"),
    crime("R18", "2026-06-08 09:00", ward_code=None), crime("R19", "2026-06-09 09:00", ward_code=None),
    # weapon crimes for the knife-carrier rule (730 days ending 2026-06-30 start 2024-07-01)
    *[crime(c, at, category="Possession of weapons", offence="Possession of a knife", weapon=True)
      for c, at in (("R21", "2024-07-01 00:00"), ("R22", "2025-06-01 10:00"), ("R23", "2026-06-01 10:00"),
                    ("R25", "2024-06-30 23:59"), ("R26", "2025-07-01 10:00"), ("R27", "2026-06-02 10:00"))],
    crime("R24", "2026-06-02 11:00"),
    crime("R30", "2026-06-12 09:00", ward_code=BEACON),
]


def link(cid, pid, role="victim"):
    return {"crime_id": cid, "person_id": pid, "role": role}


LINKS = [
    link("R1", "P1"), link("R1", "P1"), link("R2", "P1"), link("R3", "P1"), link("R20", "P1"),
    link("R4", "P2"), link("R5", "P2"),
    link("R6", "P2", "offender"), link("R7", "P2", "offender"),
    link("R8", "P2", "suspect"), link("R8", "P2", "offender"),
    link("R6", "P10", "offender"),
    link("R9", "P3"), link("R10", "P3"),
    link("R11", "P4"), link("R12", "P4"),
    link("R13", "P5"), link("R14", "P5"),
    link("R15", "P7"), link("R16", "P7"), link("R15", "P6"), link("R16", "P6"),
    link("R17", "P8"),
    link("R18", "P9"), link("R19", "P9"),
    link("R21", "P11", "offender"), link("R22", "P11", "offender"), link("R23", "P11", "offender"),
    link("R24", "P11", "offender"),
    link("R25", "P12", "offender"), link("R26", "P12", "offender"), link("R27", "P12", "offender"),
    link("R30", "P16"), link("R30", "P16"),
    link("R4", "P17", "witness"), link("R5", "P17", "reporting_person"),
]

CALLS = [
    {"incident_id": "C1", "received_at": "2026-06-05 10:00", "caller_id": "P1", "location_id": "L1",
     "mental_health": True, "incident_type": "Mental health"},
    {"incident_id": "C2", "received_at": "2026-06-06 10:00", "caller_id": "P1", "location_id": "L1"},
    {"incident_id": "C3", "received_at": "2026-05-01 10:00", "caller_id": "P13"},
    {"incident_id": "C4", "received_at": "2026-05-02 10:00", "caller_id": "P13"},
    {"incident_id": "C5", "received_at": "2026-02-02 10:00", "caller_id": "P13"},
]

MISSING = [
    {"episode_id": "M1", "person_id": "P14", "reported_at": "2026-06-01 20:00", "risk": "high",
     "from_location_id": "L2"},
    {"episode_id": "M2", "person_id": "P14", "reported_at": "2026-06-10 20:00", "from_location_id": "L2"},
    {"episode_id": "M3", "person_id": "P15", "reported_at": "2026-06-12 20:00", "from_location_id": "L2"},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("rank")
    write_extracts(root / "x", crimes=CRIMES, crime_people=LINKS, calls=CALLS, missing_episodes=MISSING,
                   coverage=coverage_rows("2024-01", "2026-06"))
    opened = Store(root / "x", cache=root / "c")
    yield opened
    opened.close()


ABBEY_ONLY = Scope((ABBEY,))
NORTHTOWN = Scope((ABBEY, BEACON))
FORCE = Scope((ABBEY, BEACON), include_unwarded=True)


def ranked(store, kind, scope=ABBEY_ONLY, **options):
    return analytics.rank(store, scope, kind, as_of=AS_OF, **options)


def test_victims_in_order_with_ties_broken_by_harm_then_latest_then_id(store):
    victims = ranked(store, "victims")
    assert list(victims["id"]) == ["P1", "P3", "P5", "P4", "P2", "P6", "P7"]
    assert list(victims["rank"]) == list(range(1, 8))
    assert list(victims["count"]) == [3, 2, 2, 2, 2, 2, 2]


def test_window_edges_and_duplicate_links(store):
    p1 = ranked(store, "victims").set_index("id").loc["P1"]
    # R1 (23:59 on D, linked twice), R2 (00:00 on the first day) and R20; R3 is the previous window's
    assert p1["count"] == 3 and p1["previous_count"] == 1 and p1["change"] == 2
    assert p1["first_at"] == pd.Timestamp("2026-04-02 00:00") and p1["last_at"] == pd.Timestamp("2026-06-30 23:59")


def test_a_window_ending_a_day_earlier_drops_the_last_day(store):
    p1 = analytics.rank(store, ABBEY_ONLY, "victims", as_of=date(2026, 6, 29), min_count=1).set_index("id")
    # 2026-04-01 .. 2026-06-29: R3 (23:59 on the new first day) comes in, R1 (30 June) goes out
    assert p1.loc["P1", "count"] == 3
    assert p1.loc["P1", "first_at"] == pd.Timestamp("2026-04-01 23:59")
    assert p1.loc["P1", "last_at"] == pd.Timestamp("2026-06-15 12:00")


def test_harm_is_the_sum_of_crime_weights(store):
    victims = ranked(store, "victims").set_index("id")
    assert victims.loc["P3", "harm"] == pytest.approx(ROBBERY + SHOP)
    assert victims.loc["P1", "harm"] == pytest.approx(3 * SHOP)
    assert victims.loc["P3", "main_categories"] == "Robbery (1), Shoplifting (1)"


def test_min_count_one_keeps_single_victims(store):
    ids = set(ranked(store, "victims", min_count=1)["id"])
    assert "P8" in ids and "P8" not in set(ranked(store, "victims")["id"])


def test_events_with_no_ward_only_in_force(store):
    assert "P9" not in set(ranked(store, "victims", scope=NORTHTOWN)["id"])
    force = ranked(store, "victims", scope=FORCE).set_index("id")
    assert force.loc["P9", "count"] == 2


def test_other_wards_are_not_read(store):
    assert "P16" not in set(ranked(store, "victims", min_count=1)["id"])
    assert ranked(store, "victims", scope=Scope((BEACON,)), min_count=1)["id"].tolist() == ["P16"]


def test_person_both_victim_and_offender_is_on_both_lists(store):
    victims = ranked(store, "victims").set_index("id")
    offenders = ranked(store, "offenders").set_index("id")
    assert victims.loc["P2", "count"] == 2
    assert offenders.loc["P2", "count"] == 3  # R8 as suspect and offender counts once
    assert "P17" not in victims.index and "P17" not in offenders.index  # witness, reporting person


def test_knife_carrier_rule(store):
    carriers = ranked(store, "offenders", window=730, min_count=3, weapon_only=True)
    # P11: 2024-07-01 00:00 is the window's first instant; P12's first is a minute before it
    assert carriers["id"].tolist() == ["P11"]
    assert carriers["count"].tolist() == [3]
    assert carriers["harm"].iloc[0] == pytest.approx(3 * WEAPONS)
    assert "weapon" in carriers["flags"].iloc[0]


def test_category_filter(store):
    robbery = ranked(store, "victims", min_count=1, category="Robbery")
    assert robbery["id"].tolist() == ["P3"] and robbery["count"].tolist() == [1]
    with pytest.raises(UsageError, match="unknown category 'Robery'"):
        ranked(store, "victims", category="Robery")


def test_callers_with_mental_health_calls_and_flags(store):
    callers = ranked(store, "callers")
    assert callers["id"].tolist() == ["P1", "P13"]  # both 2; P1's last call is later
    assert callers["mental_health_calls"].tolist() == [1, 0]
    assert callers["previous_count"].tolist() == [0, 1]
    assert callers["flags"].tolist()[0] == "mental health"
    assert callers["harm"].tolist() == [0.0, 0.0]


def test_victim_flags_come_from_all_their_events(store):
    assert ranked(store, "victims").set_index("id").loc["P1", "flags"] == "mental health"


def test_missing_persons(store):
    missing = ranked(store, "missing", min_count=1)
    by_id = missing.set_index("id")
    assert by_id.loc["P14", "count"] == 2 and by_id.loc["P14", "high_risk_episodes"] == 1
    assert by_id.loc["P14", "flags"] == "high-risk missing"
    assert missing["id"].tolist() == ["P14", "P15"]


def test_locations_split_by_source(store):
    places = ranked(store, "locations")
    assert places["id"].tolist() == ["L1", "L2", "L3"]
    by_id = places.set_index("id")
    assert by_id.loc["L1", ["count", "crimes", "calls", "missing"]].tolist() == [4, 2, 2, 0]
    assert by_id.loc["L2", ["count", "crimes", "calls", "missing"]].tolist() == [3, 0, 0, 3]
    assert by_id.loc["L3", "harm"] == pytest.approx(ROBBERY + SHOP)
    assert by_id.loc["L1", "flags"] == "mental health"
    assert by_id.loc["L2", "flags"] == "high-risk missing"
    assert by_id.loc["L1", "name"] == "L1 Test Street" and by_id.loc["L1", "ward_code"] == ABBEY


def test_empty_window_gives_no_rows_with_the_columns(store):
    empty = analytics.rank(store, ABBEY_ONLY, "victims", as_of=date(2024, 12, 1), window="7d")
    assert empty.empty and list(empty.columns) == analytics.RANK_COLUMNS + ["birth_year"]


def test_limit(store):
    assert ranked(store, "victims", limit=2)["id"].tolist() == ["P1", "P3"]


@pytest.mark.parametrize("kind", analytics.KINDS)
def test_every_kind_has_the_common_columns(store, kind):
    columns = list(ranked(store, kind).columns)
    assert columns[: len(analytics.RANK_COLUMNS)] == analytics.RANK_COLUMNS


def test_unknown_kind(store):
    with pytest.raises(UsageError, match="choose one of victims, offenders, callers, missing, locations"):
        ranked(store, "witnesses")


def test_as_of_outside_the_data(store):
    with pytest.raises(UsageError, match="runs from 2024-06-30 to 2026-06-30"):
        analytics.rank(store, ABBEY_ONLY, "victims", as_of=date(2026, 7, 1))


def test_previous_count_is_counted_over_the_covered_days_when_a_month_is_missing(tmp_path, open_store):
    """February 2026 lacks crime data: the previous 90 days (2026-01-02 .. 04-01) hold 90 - 28 = 62
    covered days. P1's 1 crime before is 1 at 62 days, so 1 x 90/62 = 1.45 at 90: change 3 - 1.45."""
    directory = write_extracts(
        tmp_path / "x", crimes=CRIMES, crime_people=LINKS, calls=CALLS,
        coverage=coverage_rows("2024-01", "2026-06", uncovered={"crimes": ["2026-02"]}))
    store = open_store(directory)
    victims = analytics.rank(store, ABBEY_ONLY, "victims", as_of=AS_OF)
    p1 = victims.set_index("id").loc["P1"]
    assert (p1["count"], p1["previous_count"]) == (3, 1)  # the current window is whole
    assert p1["change"] == pytest.approx(round(3 - 1 * 90 / 62, 1))
    assert victims.attrs["previous_coverage"] == "62 of 90 days; no crime data for February 2026"
    assert victims.attrs["coverage"] == "" and victims.attrs["previous_exposure_days"] == 62
    assert victims.attrs["tested"] == len(victims)
    callers = analytics.rank(store, ABBEY_ONLY, "callers", as_of=AS_OF)
    assert callers["previous_count"].tolist() == [0, 1]  # calls lack no month
    assert callers.attrs["previous_coverage"] == ""


def test_a_previous_window_with_no_covered_day_has_no_count(tmp_path, open_store):
    """The 7 days to 2026-03-07 run from 03-01; the 7 days before them (02-22 .. 02-28) lie
    wholly in February, which lacks crime data: no previous count, not 0, and no verdict."""
    directory = write_extracts(
        tmp_path / "x", crimes=[*CRIMES, crime("R40", "2026-03-03 10:00")],
        crime_people=[*LINKS, link("R40", "P1")], calls=CALLS,
        coverage=coverage_rows("2024-01", "2026-06", uncovered={"crimes": ["2026-02"]}))
    store = open_store(directory)
    victims = analytics.rank(store, ABBEY_ONLY, "victims", "7d", as_of=date(2026, 3, 7), min_count=1)
    assert victims["id"].tolist() == ["P1"] and victims["count"].tolist() == [1]
    assert victims["previous_count"].isna().all() and victims["change"].isna().all()
    assert victims["significance"].tolist() == ["no_data"] and victims.attrs["tested"] == 0
    assert victims.attrs["previous_coverage"] == "no crime data for this period"


def test_district_scope_from_area_name(store):
    from demand.areas import resolve
    scope = resolve(store, NORTH)
    assert set(ranked(store, "victims", scope=scope, min_count=1)["id"]) >= {"P16", "P1"}


def test_a_care_home_is_flagged_for_the_place_and_for_the_person_missing_from_it(tmp_path):
    from demand.fixtures import coverage_rows

    places = [{"location_id": "LH", "address": "1 Elm House", "street": "Elm Road", "location_type": "care home",
               "ward_code": ABBEY, "lat": 52.6, "lon": -1.1, "precision": "address"},
              {"location_id": "LD", "address": "2 Elm Road", "street": "Elm Road", "location_type": "dwelling",
               "ward_code": ABBEY, "lat": 52.6, "lon": -1.1, "precision": "address"}]
    missing = ([{"person_id": "PH", "reported_at": f"2026-06-0{d} 10:00", "from_location_id": "LH"} for d in (1, 2)]
               + [{"person_id": "PD", "reported_at": f"2026-06-0{d} 10:00", "from_location_id": "LD"} for d in (3, 4)])
    missing.append({"person_id": "PX", "reported_at": "2026-06-30 10:00", "from_location_id": "LD"})  # to 30 June
    data = write_extracts(tmp_path / "care", missing_episodes=missing, locations=places,
                          coverage=coverage_rows("2026-01", "2026-06"))
    store = Store(data, cache=tmp_path / "snap")
    try:
        people = analytics.rank(store, ABBEY_ONLY, "missing", "90d", AS_OF).set_index("id")["flags"]
        places_ranked = analytics.rank(store, ABBEY_ONLY, "locations", "90d", AS_OF).set_index("id")["flags"]
    finally:
        store.close()
    assert people.to_dict() == {"PD": "", "PH": "care home"}
    assert places_ranked.to_dict() == {"LD": "", "LH": "care home"}


def _plain_rows(frame):
    return [tuple(None if not isinstance(v, str) and pd.isna(v) else v for v in row)
            for row in frame.astype(object).itertuples(index=False)]


@pytest.mark.parametrize("kind", analytics.KINDS)
def test_every_page_shows_the_rows_of_the_whole_list_with_their_details(store, kind):
    # rank_page reads names, categories and flags for the page's rows only (a second query):
    # each page must still read as those rows of the whole list, details included
    whole = analytics.rank(store, FORCE, kind, "12m", AS_OF, min_count=1)
    assert len(whole) >= 2
    pages = [analytics.rank_page(store, FORCE, kind, "12m", AS_OF, min_count=1, page=page, page_rows=1)
             for page in range(1, len(whole) + 1)]
    assert [page.attrs["rows"] for page in pages] == [len(whole)] * len(pages)
    shown = pd.concat(pages, ignore_index=True)
    assert _plain_rows(shown) == _plain_rows(whole)
    assert shown["name"].notna().all() and shown["main_categories"].notna().all()
