"""The dashboard's URL state: read leniently (a bad value becomes a note), written back whole."""

from datetime import date

import pandas as pd
import pytest

from demand.fixtures import ABBEY, BEACON, CASTLE, NORTH, SOUTH, WARDS
from demand.ui_state import View, area_label, from_params, page_params, to_params

TABLE = pd.DataFrame(WARDS)
DATES = (date(2025, 1, 1), date(2026, 6, 30))


def test_no_parameters_mean_the_whole_force_over_90_days_to_the_latest_date():
    view, notes = from_params({}, TABLE, DATES)
    assert view == View(district=None, ward=None, window="90d", as_of=date(2026, 6, 30))
    assert view.area == "force" and notes == []


def test_a_ward_brings_its_district():
    view, notes = from_params({"ward": BEACON, "window": "28d", "as_of": "2026-03-01"}, TABLE, DATES)
    assert (view.district, view.ward, view.window, view.as_of) == (NORTH, BEACON, "28d", date(2026, 3, 1))
    assert view.area == BEACON and notes == []


@pytest.mark.parametrize("given", [SOUTH, SOUTH.upper(), "E07000002"])
def test_a_district_by_name_any_case_or_code(given):
    view, notes = from_params({"district": given}, TABLE, DATES)
    assert view.district == SOUTH and view.ward is None and view.area == SOUTH and not notes


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"ward": "E05999999"}, "Ward 'E05999999' is not one of the wards you can see"),
        ({"district": "Atlantis"}, "District 'Atlantis' is not one you can see"),
        ({"ward": "x" * 100_000}, "('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…') cannot be one"),
        ({"district": "' OR 1=1 --"}, "District '' OR 1=1 --' is not one you can see"),
        ({"window": "5y"}, "Window '5y' is not one of 7d, 28d, 90d, 12m"),
        ({"as_of": "yesterday"}, "'yesterday' is not a date"),
        ({"as_of": "2030-01-01"}, "outside the data (01 Jan 2025 to 30 Jun 2026)"),
    ],
)
def test_invalid_values_are_dropped_with_a_note(params, fragment):
    view, notes = from_params(params, TABLE, DATES)
    assert view == View(as_of=DATES[1])
    assert len(notes) == 1 and fragment in notes[0]


def test_an_unknown_ward_falls_back_to_a_valid_district():
    view, notes = from_params({"ward": "E05999999", "district": SOUTH}, TABLE, DATES)
    assert view.district == SOUTH and view.ward is None
    assert "showing the district instead" in notes[0]


def test_repeated_parameters_keep_the_last_value():
    view, _ = from_params({"window": ["7d", "12m"]}, TABLE, DATES)
    assert view.window == "12m"


@pytest.mark.parametrize(
    "view",
    [
        View(as_of=date(2026, 1, 2), pinned=True),
        View(district=SOUTH, window="7d", as_of=date(2026, 1, 2), pinned=True),
        View(district=NORTH, ward=ABBEY, window="12m", as_of=date(2025, 5, 31), pinned=True),
        View(district=NORTH, ward=ABBEY, window="12m", as_of=DATES[1]),  # the latest data, unpinned
    ],
)
def test_written_parameters_read_back_to_the_same_view(view):
    assert from_params(to_params(view), TABLE, DATES) == (view, [])


def test_a_ward_is_written_without_its_district():
    assert to_params(View(district=NORTH, ward=ABBEY, window="90d", as_of=date(2026, 1, 2), pinned=True)) == {
        "ward": ABBEY,
        "window": "90d",
        "as_of": "2026-01-02",
    }


def test_a_link_follows_the_latest_data_unless_a_date_was_chosen():
    """Issue 14: every link pinned as_of, so 'the last 7 days' sent today showed this week next
    month. Only a chosen date is written; a link without one reads as the latest data, whatever
    that is when it is opened."""
    latest = View(ward=ABBEY, district=NORTH, window="7d", as_of=date(2026, 6, 30))
    assert "as_of" not in to_params(latest)
    next_month = (DATES[0], date(2026, 7, 31))
    opened, notes = from_params(to_params(latest), TABLE, next_month)
    assert (opened.as_of, opened.pinned, notes) == (date(2026, 7, 31), False, [])
    chosen, _ = from_params({**to_params(latest), "as_of": "2026-06-30"}, TABLE, next_month)
    assert (chosen.as_of, chosen.pinned) == (date(2026, 6, 30), True)


def test_a_page_drops_the_parameters_of_other_pages():
    """Back on the Ward page, the profile's person= is dropped; the view and the page's own stay."""
    params = {"ward": ABBEY, "window": "90d", "person": "P1", "location": "L2", "street": "High Street"}
    assert page_params(params, own=()) == ["person", "location", "street"]
    assert page_params(params, own=("person", "location")) == ["street"]


def test_area_labels():
    assert area_label(View(district=SOUTH, ward=CASTLE), TABLE) == f"Castle ward ({SOUTH})"
    assert area_label(View(district=SOUTH), TABLE) == SOUTH
    assert area_label(View(), TABLE) == "the whole force"
