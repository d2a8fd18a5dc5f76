"""The vendored ONS geography and the helpers over it."""

from __future__ import annotations

import numpy as np
import pytest

from demand import geography

LEICESTER, OADBY = "E06000016", "E07000135"


def test_data_ships_with_the_project_and_is_attributed():
    assert "shared" not in geography.DATA_DIR.parts
    for code in geography.DISTRICTS:
        assert (geography.DATA_DIR / "ward25" / f"{code}.geojson").exists()
    text = (geography.DATA_DIR / "ATTRIBUTION.md").read_text()
    assert "Open Government Licence v3.0" in text and "ONS" in text


def test_boundaries_cover_the_force_area():
    fc = geography.load_ward_boundaries()
    assert fc["type"] == "FeatureCollection"
    props = [f["properties"] for f in fc["features"]]
    assert len(props) == 176
    assert {p["district_code"] for p in props} == set(geography.DISTRICTS)
    assert len({p["ward_code"] for p in props}) == len(props)
    assert all(p["ward_code"].startswith("E05") and p["ward_name"] for p in props)


def test_boundaries_for_a_subset_and_unknown_codes():
    fc = geography.load_ward_boundaries([LEICESTER])
    assert len(fc["features"]) == 21
    assert {f["properties"]["district"] for f in fc["features"]} == {"Leicester"}
    with pytest.raises(ValueError):
        geography.load_ward_boundaries(["E09000002"])  # Barking and Dagenham is not vendored


def test_boundaries_of_chosen_wards_are_copies_in_district_order():
    """Only the wards asked for (a set, in the held order, unknown codes ignored), each a
    copy: a page that writes into one (a map's tooltip) changes nothing for the next page."""
    leicester = [f["properties"]["ward_code"] for f in geography.load_ward_boundaries([LEICESTER])["features"]]
    oadby = [f["properties"]["ward_code"] for f in geography.load_ward_boundaries([OADBY])["features"]]
    asked = [oadby[1], leicester[4], "E05999999", leicester[0]]
    chosen = geography.load_ward_boundaries([LEICESTER, OADBY], ward_codes=asked)["features"]
    assert [f["properties"]["ward_code"] for f in chosen] == [leicester[0], leicester[4], oadby[1]]
    chosen[0]["properties"]["tip"] = "written by a page"
    again = geography.load_ward_boundaries([LEICESTER], ward_codes=[leicester[0]])["features"]
    assert "tip" not in again[0]["properties"]
    assert geography.load_ward_boundaries([LEICESTER], ward_codes=[])["features"] == []


def test_lookups_cover_england_and_wales():
    new, old = geography.lookup_2021(), geography.lookup_2011()
    assert len(new) == 35_672 and len(old) == 34_753  # every LSOA of each vintage
    assert new["LSOA21CD"].is_unique and old["LSOA11CD"].is_unique
    assert {c[:3] for c in new["LSOA21CD"]} == {"E01", "W01"}
    city = new[new["LSOA21CD"] == "E01000001"].iloc[0]
    assert (city["WD24CD"], city["WD24NM"], city["LAD24NM"]) == ("E05009288", "Aldersgate", "City of London")


def test_city_of_london_boundaries_are_held():
    assert "E09000001" in geography.held_districts()
    city = geography.load_ward_boundaries(["E09000001"])["features"]
    assert len(city) == 25 and {f["properties"]["district"] for f in city} == {"City of London"}


def test_ward_table_population_is_an_lsoa_estimate():
    rows = geography.ward_table([LEICESTER, OADBY])
    assert len(rows) == 31
    assert set(rows[0]) == {"ward_code", "ward_name", "district", "district_code", "population"}
    pops = [r["population"] for r in rows]
    assert all(p is not None and p % geography.PEOPLE_PER_LSOA == 0 and p > 0 for p in pops)
    # Across the force two 2025 wards have no 2024 code in the lookup: NULL, not a guess.
    everyone = geography.ward_table()
    missing = [r["ward_code"] for r in everyone if r["population"] is None]
    assert 0 < len(missing) <= 5


def test_contains_and_sample_points():
    features = geography.load_ward_boundaries([OADBY])["features"]
    a, b = features[0]["geometry"], features[1]["geometry"]
    rng = np.random.default_rng(0)
    lon, lat = geography.sample_points(a, 500, rng)
    assert len(lon) == 500
    assert geography.contains(a, lon, lat).all()
    assert not geography.contains(b, lon, lat).any()  # wards do not overlap
    assert not geography.contains(a, [0.0], [51.5]).any()  # London is not in Oadby
