"""The stories planted in the small synthetic force come out at the top of the right lists."""

import json
from datetime import date, timedelta

import pytest

from demand import analytics
from demand.areas import resolve
from demand.store import Scope


@pytest.fixture(scope="module")
def stories(small_force):
    return json.loads((small_force / "synth_manifest.json").read_text())["stories"]


def test_emerging_hotspot_tops_its_wards_90_day_location_list(small_store, stories):
    for hotspot in stories["emerging_hotspots"]:
        places = analytics.rank(small_store, Scope((hotspot["ward_code"],)), "locations", "90d")
        assert places["id"].iloc[0] == hotspot["location_id"]
        assert places["crimes"].iloc[0] >= hotspot["planted_crimes_latest_90d"]
        assert places["previous_count"].iloc[0] < places["count"].iloc[0] / 4  # emerging: little before


def test_rising_category_is_a_significant_rise_in_its_wards(small_store, stories):
    """Found under the E-test with the false discovery rate held at 5% over its ward's
    categories (the old z-test's |z| >= 3 is no longer the bar)."""
    rising = stories["rising_category"]
    for ward in rising["ward_codes"]:
        table = analytics.compare(small_store, Scope((ward,)), "90d")
        row = table.set_index("group").loc[rising["category"]]
        assert row["significance"] == "rise" and row["p_adjusted"] < 0.01, ward
        assert row["p"] < 1e-4 and row["ci_low"] > 1.5, ward


def test_only_the_planted_rise_stands_out_in_the_force_grid(small_store, stories):
    """Over every ward x category pair of the force (355 tested), the planted rising category
    is found in each of its wards, and nothing else is flagged: background ups and downs
    stay within what 355 tests give by chance."""
    grid = analytics.compare_matrix(small_store, resolve(small_store, "force"), "90d")
    assert grid.attrs["tested"] > 300
    flagged = grid[grid["significance"].isin(["rise", "fall"])]
    rising = stories["rising_category"]
    assert set(zip(flagged["ward_code"], flagged["category"])) == {
        (ward, rising["category"]) for ward in rising["ward_codes"]}


def test_hotspot_is_a_significant_rise_in_its_wards_location_list(small_store, stories):
    for hotspot in stories["emerging_hotspots"]:
        places = analytics.rank(small_store, Scope((hotspot["ward_code"],)), "locations", "90d")
        top = places.iloc[0]
        assert top["id"] == hotspot["location_id"] and top["significance"] == "rise"
        assert places["p_adjusted"].idxmin() == 0  # the strongest evidence of a rise in the list


def test_intervention_cohort_calls_fell_about_70_percent(small_store, stories):
    cohort = stories["cohort"]
    start = date.fromisoformat(cohort["intervention_date"])
    # the 12 months from the intervention against the 12 months before it
    callers = analytics.rank(small_store, resolve(small_store, "force"), "callers", window="12m",
                             as_of=start + timedelta(days=364), min_count=1)
    members = callers[callers["id"].isin(cohort["person_ids"])]
    after, before = members["count"].sum(), members["previous_count"].sum()
    assert before > 0 and members["previous_count"].notna().all()
    assert 1 - after / before == pytest.approx(cohort["expected_fall"], abs=0.1)


def test_care_home_is_the_top_missing_from_location(small_store, stories):
    care_home = stories["care_home"]
    places = analytics.rank(small_store, resolve(small_store, "force"), "locations", "12m", min_count=1)
    top = places.sort_values(["missing", "id"], ascending=[False, True]).iloc[0]
    assert top["id"] == care_home["location_id"] and top["location_type"] == "care home"
    in_ward = analytics.rank(small_store, Scope((care_home["ward_code"],)), "missing", "12m")
    assert set(in_ward["id"].head(len(care_home["person_ids"]))) & set(care_home["person_ids"])


def test_knife_carriers_meet_the_rule(small_store, stories):
    carriers = analytics.rank(small_store, resolve(small_store, "force"), "offenders", window=730, min_count=3,
                              weapon_only=True)
    assert set(stories["knife_carriers"]["person_ids"]) <= set(carriers["id"])


def test_concentration_on_the_small_force(small_store):
    result = analytics.concentration(small_store, resolve(small_store, "force"), "locations", "12m")
    assert 0 < result["gini"] < 1 and result["top_share"][10] > 0.1
    assert result["lorenz"]["event_share"].iloc[-1] == pytest.approx(1.0)
