"""Hampshire's reports (issue 14), worked by hand on crafted extracts: crimes by area and by
street, harm by category and by ward with rates per 1,000 residents, the people reporting ASB and
its places, search, the people linked to a profile, and records a page at a time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from demand import analytics, areas, asb, harm, impact, records, search, streets
from demand.fixtures import ABBEY, BEACON, CASTLE, NORTH, SOUTH, write_extracts
from demand.stats import rates_per_thousand

AS_OF = date(2026, 6, 30)


def at(days_before: int) -> str:
    return (datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=12) - timedelta(days=days_before)).isoformat(" ")


def crime(cid, days, ward, location, category, offence="Theft from shop"):
    return {"crime_id": cid, "recorded_at": at(days), "ward_code": ward, "location_id": location,
            "category": category, "offence": offence}


# 90 days to AS_OF hold days 0-89 before it; the 90 days before, days 90-179.
CRIMES = [
    crime("R1", 5, ABBEY, "L1", "Burglary"),
    crime("R2", 10, ABBEY, "L2", "Robbery"),
    crime("R3", 20, ABBEY, "L3", "Burglary", offence="Burglary"),  # its detail repeats what: left empty
    crime("R4", 100, ABBEY, "L1", "Shoplifting"),
    crime("R5", 30, ABBEY, None, "Burglary"),  # no place, so no street
    crime("R6", 3, ABBEY, "L3", "Anti-social behaviour"),
    crime("R7", 15, BEACON, "L4", "Robbery"),
    crime("R8", 12, CASTLE, "L5", "Burglary"),
    crime("R9", 120, CASTLE, "L5", "Burglary"),
    crime("R0", 500, CASTLE, "L5", "Burglary"),  # so every window lies inside the data
]
LINKS = [
    {"crime_id": "R6", "person_id": "P1", "role": "victim"},
    {"crime_id": "R6", "person_id": "P3", "role": "reporting_person"},
    {"crime_id": "R8", "person_id": "P9", "role": "victim"},
]
CALLS = [
    {"incident_id": "C1", "received_at": at(2), "caller_id": "P1", "location_id": "L1", "asb": True},
    {"incident_id": "C2", "received_at": at(40), "caller_id": "P1", "location_id": "L1", "asb": True},
    {"incident_id": "C3", "received_at": at(95), "caller_id": "P1", "location_id": "L2", "asb": True},
    {"incident_id": "C4", "received_at": at(50), "caller_id": "P2", "location_id": "L1", "asb": True},
    {"incident_id": "C5", "received_at": at(0), "caller_id": "P1", "location_id": "L1", "asb": False},
]
LOCATIONS = [
    {"location_id": loc, "address": f"{n} {street}" if street else "Somewhere", "street": street,
     "location_type": "dwelling", "ward_code": ward, "lat": 52.63, "lon": -1.13, "precision": "address"}
    for loc, n, street, ward in [("L1", 1, "High Street", ABBEY), ("L2", 2, "High Street", ABBEY),
                                 ("L3", 3, "Low Road", ABBEY), ("L4", 4, "Hill Lane", BEACON),
                                 ("L5", 5, "High Street", CASTLE)]
]
PERSONS = [{"person_id": p, "name": n, "birth_year": 1980, "gender": "F"}
           for p, n in [("P1", "Ann Lee"), ("P2", "Bob Leeson"), ("P3", "Cat Reporter"), ("P9", "Cy Castle")]]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from demand.store import Store

    data = write_extracts(tmp_path_factory.mktemp("reports"), crimes=CRIMES, crime_people=LINKS, calls=CALLS,
                          locations=LOCATIONS, persons=PERSONS)
    opened = Store(data, cache=tmp_path_factory.mktemp("reports_snap"))
    yield opened
    opened.close()


def scope(store, area):
    return areas.resolve(store, area)


def w(category: str, offence: str = "Theft from shop") -> float:
    return harm.weight(category, offence)


# --- crimes by area and by street -----------------------------------------------------------------


def test_crimes_by_district_and_by_ward(store):
    districts = streets.by_area(store, scope(store, "force"), "district", "90d", AS_OF).set_index("group")
    assert districts.loc[NORTH, ["count", "previous_count"]].tolist() == [6, 1]  # Abbey's 5 and Beacon's 1
    assert districts.loc[SOUTH, ["count", "previous_count"]].tolist() == [1, 1]
    wards = streets.by_area(store, scope(store, NORTH), "ward", "90d", AS_OF).set_index("group")
    assert list(wards.index) == [ABBEY, BEACON]  # the district's wards only
    assert wards.loc[ABBEY, ["name", "count", "previous_count"]].tolist() == ["Abbey", 5, 1]
    assert wards.loc[ABBEY, "harm"] == pytest.approx(
        3 * w("Burglary") + w("Burglary", "Burglary") - w("Burglary") + w("Robbery") + w("Anti-social behaviour"))
    assert wards.attrs["tested"] == 2


def test_crimes_by_street_are_named_within_their_ward(store):
    found = streets.by_street(store, scope(store, ABBEY), "90d", AS_OF).set_index("street")
    assert set(found.index) == {"High Street", "Low Road", streets.NO_STREET}  # not Castle's High Street
    high = found.loc["High Street"]
    assert (high["count"], high["previous_count"], high["places"]) == (2, 1, 2)  # R1, R2; before R4
    assert high["harm"] == pytest.approx(w("Burglary") + w("Robbery"))
    assert high["previous_harm"] == pytest.approx(w("Shoplifting"))
    assert found.loc["Low Road", "count"] == 2 and found.loc[streets.NO_STREET, "count"] == 1
    force = streets.by_street(store, scope(store, "force"), "90d", AS_OF)
    assert sorted(force.loc[force["street"] == "High Street", "ward_name"]) == ["Abbey", "Castle"]


def test_the_records_of_a_street_a_page_at_a_time(store):
    abbey = scope(store, ABBEY)
    on_street = records.window_records(store, abbey, "crimes", "90d", AS_OF, street="High Street")
    assert on_street["event_id"].tolist() == ["R1", "R2"] and set(on_street["total"]) == {2}
    page_two = records.window_records(store, abbey, "crimes", "90d", AS_OF, limit=2, offset=2)
    # newest first: R6 (3 days), R1 (5), R2 (10), R3 (20), R5 (30)
    assert page_two["event_id"].tolist() == ["R2", "R3"] and set(page_two["total"]) == {5}
    detail = records.window_records(store, abbey, "crimes", "90d", AS_OF).set_index("event_id")["detail"]
    assert pd.isna(detail["R3"]) and detail["R1"] == "Theft from shop"


# --- impact -------------------------------------------------------------------------------------------


def test_harm_by_category_beside_the_counts(store):
    by_category = impact.harm_by(store, scope(store, "force"), "category", "90d", AS_OF).set_index("group")
    burglary = by_category.loc["Burglary"]
    assert (burglary["count"], burglary["previous_count"]) == (4, 1)  # R1, R3, R5, R8; before R9
    assert burglary["harm"] == pytest.approx(3 * w("Burglary") + w("Burglary", "Burglary"))
    assert by_category.loc["Shoplifting", ["count", "previous_count"]].tolist() == [0, 1]
    assert by_category["harm_share"].sum() == pytest.approx(1.0)
    assert by_category["harm"].is_monotonic_decreasing  # most harm first
    assert by_category.loc["Robbery", "harm_per_crime"] == pytest.approx(w("Robbery"))


def test_rates_per_thousand_residents_where_the_population_is_known(store):
    by_ward = impact.harm_by(store, scope(store, "force"), "ward", "90d", AS_OF).set_index("group")
    assert by_ward.loc[ABBEY, "rate"] == pytest.approx(5 / 10_000 * 1000)
    assert by_ward.loc[BEACON, "rate"] == pytest.approx(1 / 8_000 * 1000)
    assert pd.isna(by_ward.loc[CASTLE, "rate"])  # no population: no rate, never a guess
    compared = analytics.compare(store, scope(store, "force"), "90d", by="ward", as_of=AS_OF).set_index("group")
    assert compared.loc[ABBEY, ["rate", "previous_rate"]].tolist() == pytest.approx([0.5, 0.1])
    assert pd.isna(compared.loc[CASTLE, "rate"])
    assert rates_per_thousand([3, 3], [0, None]).isna().all()


# --- ASB --------------------------------------------------------------------------------------------


def test_people_reporting_asb_repeatedly(store):
    found = asb.reporters(store, scope(store, ABBEY), "90d", AS_OF, min_count=1).set_index("id")
    p1 = found.loc["P1"]  # C1, C2 (asb calls) and R6 (an ASB crime's victim); C3 was before; C5 is no ASB
    assert (p1["count"], p1["calls"], p1["crimes"], p1["previous_count"], p1["places"]) == (3, 2, 1, 1, 2)
    assert p1["main_place"] == "1 High Street (2)"
    assert found.loc["P3", "count"] == 1  # R6's reporting person
    assert found.index.tolist()[0] == "P1"
    assert asb.reporters(store, scope(store, ABBEY), "90d", AS_OF)["id"].tolist() == ["P1"]  # only P1 has 2+


def test_places_asb_is_reported_at(store):
    found = asb.locations(store, scope(store, ABBEY), "90d", AS_OF, min_count=1).set_index("id")
    assert found.loc["L1", ["count", "calls", "crimes", "reporters"]].tolist() == [3, 3, 0, 2]  # C1, C2, C4
    assert found.loc["L3", ["count", "crimes", "reporters"]].tolist() == [1, 1, 2]  # R6: P1 and P3
    assert "L2" not in found.index  # its one report was in the period before


# --- search ----------------------------------------------------------------------------------------


def test_search_finds_people_and_places_only_in_the_area(store):
    abbey = scope(store, ABBEY)
    # neither name starts with the text, so the one with more events in the area comes first
    assert search.people(store, abbey, "lee")["person_id"].tolist() == ["P1", "P2"]
    assert search.people(store, abbey, "castle").empty  # Cy Castle's only crime is in Castle
    assert search.people(store, scope(store, "force"), "castle")["person_id"].tolist() == ["P9"]
    assert search.people(store, abbey, "P9").empty
    assert sorted(search.places(store, abbey, "HIGH")["location_id"]) == ["L1", "L2"]
    streets_found = search.streets(store, abbey, "high")
    assert streets_found[["ward_name", "street", "places"]].values.tolist() == [["Abbey", "High Street", 2]]
    assert len(search.streets(store, scope(store, "force"), "high")) == 2
    with pytest.raises(Exception, match="at least 2 letters"):
        search.people(store, abbey, " x ")


def test_search_text_is_matched_as_typed_never_as_a_pattern(store):
    assert search.people(store, scope(store, "force"), "%%").empty
    assert search.places(store, scope(store, "force"), "_ig").empty


# --- the people linked to a profile --------------------------------------------------------------


def test_a_profile_lists_the_people_linked_to_its_events(store):
    person = records.profile(store, scope(store, "force"), person="P1")
    assert person["people"][["person_id", "roles", "events"]].values.tolist() == [["P3", "reporting_person", 1]]
    place = records.profile(store, scope(store, "force"), location="L1")
    assert place["people"][["person_id", "roles", "events"]].values.tolist() == [
        ["P1", "caller", 3], ["P2", "caller", 1]]  # C1, C2, C5 by P1; C4 by P2
    outside = records.profile(store, scope(store, CASTLE), person="P9")
    assert outside["people"].empty
