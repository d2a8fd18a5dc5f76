"""The Find page's searches (demand.search) on crafted places, streets and people whose answers
are worked out by hand below: any case, anywhere in the text, accents as typed, the reference
first, then text starting with the words, then events in the area, then the address or name;
events counted only in the area. The whole force reads the totals the snapshot worked out
(every_row); any other area sums its wards: both ways must agree."""

from __future__ import annotations

import pandas as pd
import pytest

from demand import search, sql
from demand.fixtures import ABBEY, BEACON, CASTLE, write_extracts
from demand.store import Scope, Store

LOCATIONS = [  # (location_id, address, street, ward_code)
    ("L1", "12 Mill Road", "Mill Road", ABBEY),
    ("L2", "Road House, High Street", "High Street", ABBEY),
    ("L3", "3 Broadway", "Broadway", BEACON),
    ("L4", "road end", "Roadside Lane", CASTLE),
    ("L5", "Café Rouge, 1 Mill Road", "Mill Road", None),  # a place with no ward
    ("L6", "9 Mill Road", "Mill Road", BEACON),
    ("L7", "7 Elm Close", "Elm Close", ABBEY),
    ("ROAD", "1 Elm Close", "Elm Close", CASTLE),  # a reference that is also a search word
]
PERSONS = [("P1", "Ann Road"), ("P2", "Zoë Broadhurst"), ("P3", "Roadie Smith"), ("P4", "Road Runner")]


def _crime(number: int, location: str | None, ward: str | None) -> dict:
    return {"crime_id": f"R{number}", "recorded_at": f"2026-05-{number:02d} 10:00", "location_id": location,
            "ward_code": ward}


CRIMES = [
    _crime(1, "L1", ABBEY), _crime(2, "L1", ABBEY), _crime(3, "L1", ABBEY),
    _crime(4, "L1", BEACON),  # recorded in another ward than the place's
    _crime(5, "L2", ABBEY), _crime(6, "L3", BEACON), _crime(7, "L3", BEACON),
    _crime(8, "L5", None), _crime(9, "L5", None), _crime(10, "L6", BEACON),
    *[_crime(n, "L7", ABBEY) for n in range(11, 16)],
]
LINKS = [
    {"crime_id": "R1", "person_id": "P1", "role": "victim"},
    {"crime_id": "R1", "person_id": "P1", "role": "witness"},  # one crime, however many roles
    {"crime_id": "R2", "person_id": "P1", "role": "victim"},
    {"crime_id": "R5", "person_id": "P3", "role": "offender"},
]
CALLS = [{"received_at": "2026-05-20 09:00", "caller_id": "P1", "ward_code": BEACON}]
MISSING = [{"person_id": "P2", "reported_at": "2026-05-21 09:00", "ward_code": CASTLE}]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    data = write_extracts(
        tmp_path_factory.mktemp("search"),
        locations=[{"location_id": i, "address": a, "street": s, "location_type": "dwelling", "ward_code": w,
                    "lat": 52.63, "lon": -1.13, "precision": "address"} for i, a, s, w in LOCATIONS],
        persons=[{"person_id": i, "name": n, "birth_year": 1990, "gender": "F"} for i, n in PERSONS],
        crimes=CRIMES, crime_people=LINKS, calls=CALLS, missing_episodes=MISSING)
    opened = Store(data, cache=tmp_path_factory.mktemp("snapshot"))
    yield opened
    opened.close()


FORCE = Scope((ABBEY, BEACON, CASTLE), include_unwarded=True)


def rows(frame, *columns) -> list[tuple]:
    return [tuple(None if pd.isna(value) else value for value in row)
            for row in frame[list(columns)].itertuples(index=False)]


def test_places_match_any_case_the_words_first_then_events_then_the_address(store):
    found = search.places(store, FORCE, "ROAD")
    # ROAD is a reference: first. Then "Road House" and "road end" start with the words (1 and
    # 0 events); then by events, L3 and L5 tied at 2 in address order; "Broadway" holds "road".
    assert rows(found, "location_id", "events") == [
        ("ROAD", 0), ("L2", 1), ("L4", 0), ("L1", 4), ("L3", 2), ("L5", 2), ("L6", 1)]
    assert rows(found, "location_id", "ward_name")[5] == ("L5", None)
    assert list(search.places(store, FORCE, "road", limit=2)["location_id"]) == ["L2", "L4"]
    assert list(search.places(store, FORCE, "café rouge")["location_id"]) == ["L5"]
    assert search.places(store, FORCE, "cafe rouge").empty  # accents are matched as typed


def test_places_of_a_ward_count_its_events_and_show_places_elsewhere_without_their_ward(store):
    assert rows(search.places(store, Scope((ABBEY,)), "road"), "location_id", "events") == [("L2", 1), ("L1", 3)]
    # L1 lies in Abbey but had an event in Beacon: found there, its ward not named
    assert rows(search.places(store, Scope((BEACON,)), "road"), "location_id", "events", "ward_name") == [
        ("L3", 2, "Beacon"), ("L1", 1, None), ("L6", 1, "Beacon")]


def test_streets_are_named_within_their_ward_and_count_the_events_in_the_area(store):
    # L5's Mill Road has no ward: a street is named within its ward, so it is not listed
    assert rows(search.streets(store, FORCE, "road"), "ward_code", "street", "places", "events") == [
        (CASTLE, "Roadside Lane", 1, 0), (ABBEY, "Mill Road", 1, 4), (BEACON, "Broadway", 1, 2),
        (BEACON, "Mill Road", 1, 1)]
    # Beacon: L1's event there belongs to Abbey's Mill Road, which lies outside the area
    assert rows(search.streets(store, Scope((BEACON,)), "ROAD"), "ward_code", "street", "events") == [
        (BEACON, "Broadway", 2), (BEACON, "Mill Road", 1)]


def test_people_with_an_event_in_the_area_each_event_once(store):
    # Road Runner has no event: never found. Ann Road: two crimes (one in two roles) and a call.
    assert rows(search.people(store, FORCE, "road"), "person_id", "events") == [("P3", 1), ("P1", 3), ("P2", 1)]
    assert rows(search.people(store, Scope((ABBEY,)), "Road"), "person_id", "events") == [("P3", 1), ("P1", 2)]
    assert list(search.people(store, FORCE, "ZOË")["person_id"]) == ["P2"]
    assert search.people(store, FORCE, "zoe").empty
    assert list(search.people(store, FORCE, "P4")["person_id"]) == []  # a reference with no event


@pytest.mark.parametrize("name", ["find_people", "find_places"])  # streets: always a ward list
@pytest.mark.parametrize("text", ["road", "ROAD", "mill road", "L1", "P1", "an", "zz"])
def test_the_whole_force_reads_the_same_from_its_totals_as_summed_from_its_wards(store, name, text):
    query = sql.load(name)
    summed = {"text": text, "wards": [ABBEY, BEACON, CASTLE], "include_unwarded": True, "limit": 25}
    summed = {key: value for key, value in summed.items() if key in query.params}
    cursor = store.pin().cursor()
    try:
        from_wards = cursor.execute(query.text, query.bind(summed)).df()
        from_totals = cursor.execute(query.text, query.bind({**summed, "wards": None})).df()
    finally:
        cursor.close()
    assert from_totals.equals(from_wards) and list(from_totals.dtypes) == list(from_wards.dtypes)
    assert len(from_totals) == len(getattr(search, name.removeprefix("find_"))(store, FORCE, text))
