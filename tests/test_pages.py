"""Every page of the app, driven by Streamlit's AppTest over crafted extracts (and once over
the small synthetic force): it renders, its widgets change what it shows, the URL restores
the view, and a broken extract shows what is wrong instead of a stack trace."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from demand.fixtures import ABBEY, BEACON, CASTLE, NORTH, write_extracts
from tests.markdown import read

APP = str(Path(__file__).resolve().parent.parent / "app.py")
AS_OF = date(2026, 6, 30)
PAGES = [
    "views/home.py",
    "views/ward.py",
    "views/briefing.py",
    "views/compare.py",
    "views/repeats.py",
    "views/profile.py",
    "views/concentration.py",
    "views/data.py",
    "views/problems.py",
]


def at(days_before: int, hour: int = 12) -> str:
    return (
        datetime.combine(AS_OF, datetime.min.time()) - timedelta(days=days_before, hours=-hour)
    ).isoformat(" ")


# Abbey's crimes: 2 in the last 7 days, 5 in 28, 9 in 90; 3 in the 90 days before that.
ABBEY_CRIME_DAYS = [1, 3, 10, 15, 20, 40, 50, 60, 80, 100, 120, 150]
CRIMES = [
    {
        "crime_id": f"R{n}",
        "recorded_at": at(d),
        "ward_code": ABBEY,
        "location_id": "L1" if n < 4 else "L2",
        "category": "Burglary" if n % 2 else "Shoplifting",
    }
    for n, d in enumerate(ABBEY_CRIME_DAYS)
] + [
    {"crime_id": "RB1", "recorded_at": at(5), "ward_code": BEACON, "location_id": "L3"},
    {"crime_id": "RC1", "recorded_at": at(6), "ward_code": CASTLE, "location_id": "L4"},
    # an old crime, so the crimes extract covers the months of every window tested
    {"crime_id": "RC0", "recorded_at": at(500), "ward_code": CASTLE, "location_id": "L4"},
]
LINKS = (
    [{"crime_id": f"R{n}", "person_id": "P1", "role": "victim"} for n in range(4)]
    + [{"crime_id": f"R{n}", "person_id": "P2", "role": "offender"} for n in range(3)]
    + [{"crime_id": "R5", "person_id": "P1", "role": "reporting_person"}]
)
CALLS = [
    {"received_at": at(d), "caller_id": "P3", "location_id": "L1", "asb": True} for d in (0, 2, 8, 30)
] + [{"received_at": at(500), "ward_code": BEACON}]
MISSING = [{"person_id": "P4", "reported_at": at(d), "from_location_id": "L5"} for d in (4, 12)]


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return write_extracts(
        tmp_path_factory.mktemp("crafted"),
        crimes=CRIMES,
        crime_people=LINKS,
        calls=CALLS,
        missing_episodes=MISSING,
    )


def app(monkeypatch, data: Path, **params) -> AppTest:
    monkeypatch.setenv("DEMAND_DATA", str(data))
    test = AppTest.from_file(APP, default_timeout=60)
    test.query_params.update(params)
    return test


def run(test: AppTest, page: str | None = None) -> AppTest:
    if page:
        test.switch_page(page)
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def give_purpose(test: AppTest, kind: str, reference: str, purpose: str = "Investigation") -> AppTest:
    """Answer the profile's question 'why are you opening it?' (recorded in the audit log)."""
    test.selectbox(key=f"profile_purpose_{kind}_{reference}").set_value(purpose)
    return run(test)


def metric(test: AppTest, label: str) -> str:
    return next(m.value for m in test.metric if m.label == label)


def texts(test: AppTest) -> str:
    """Everything written on the page, as a person reads it (links' labels included)."""
    return read("\n".join(
        [str(e.value) for kind in (test.markdown, test.caption, test.info, test.warning, test.error) for e in kind]
        + [str(link.label) for link in test.get("page_link")]
    ))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_ward(monkeypatch, crafted, page):
    test = run(app(monkeypatch, crafted, ward=ABBEY, as_of=AS_OF.isoformat()), None)
    run(test, page)
    assert test.title, "every page has a heading"
    assert not test.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_the_force_over_12_months(monkeypatch, crafted, page):
    test = run(app(monkeypatch, crafted, window="12m", as_of=AS_OF.isoformat()))
    run(test, page)
    assert not test.error


def test_the_serving_process_freezes_what_it_loaded_after_its_first_page_only(monkeypatch, crafted):
    """The libraries and the open store live as long as the process: after the first page run
    they are out of the garbage collector's full collections (demand.serving.settle_memory),
    which collect once first and never again."""
    import gc

    from demand import serving

    test = run(app(monkeypatch, crafted))
    assert serving._settled and gc.get_freeze_count() > 10_000
    collections = []
    monkeypatch.setattr(serving.gc, "collect", lambda *args: collections.append(args))
    run(test, "views/compare.py")
    assert collections == []


def test_landing_page_shows_date_range_and_row_counts(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted))
    assert test.title[0].value == "Repeat demand"
    first = min(at(d) for d in [500] + ABBEY_CRIME_DAYS)[:10]
    assert metric(test, "Data from") == f"{date.fromisoformat(first):%d %b %Y}"
    assert metric(test, "Data to") == f"{AS_OF:%d %b %Y}"
    counts = test.dataframe[0].value.set_index("table_name")["row_count"]
    assert counts["crimes"] == len(CRIMES) and counts["calls"] == len(CALLS)
    assert counts["missing_episodes"] == len(MISSING) and counts["wards"] == 3


def test_window_changes_the_ward_headline(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, as_of=AS_OF.isoformat()), None)
    run(test, "views/ward.py")
    assert metric(test, "Crimes") == "9"  # 90 days by default
    for window, crimes in (("7d", "2"), ("28d", "5"), ("12m", "12")):
        test.segmented_control(key="sb_window").set_value(window)
        run(test)
        assert metric(test, "Crimes") == crimes, window
        assert test.query_params["window"] == window


def test_as_of_date_moves_the_window(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="7d", as_of=AS_OF.isoformat()), None)
    run(test, "views/ward.py")
    assert metric(test, "Crimes") == "2"
    test.date_input(key="sb_as_of").set_value(AS_OF - timedelta(days=11))
    run(test)
    assert metric(test, "Crimes") == "1"  # only the crime 15 days before AS_OF
    assert test.query_params["as_of"] == (AS_OF - timedelta(days=11)).isoformat()


def test_query_parameters_restore_the_view(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=BEACON, window="28d", as_of="2026-06-01"))
    assert test.selectbox(key="sb_district").value == NORTH
    assert test.selectbox(key="sb_ward").value == BEACON
    assert test.segmented_control(key="sb_window").value == "28d"
    assert test.date_input(key="sb_as_of").value == date(2026, 6, 1)
    run(test, "views/ward.py")
    assert test.title[0].value == f"Beacon ward ({NORTH})"


def test_invalid_query_parameters_are_ignored_with_a_note(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward="E05999999", window="5y"))
    notes = [w.value for w in test.warning]
    assert any("Ward 'E05999999' is not one of the wards you can see" in n for n in notes)
    assert any("Window '5y'" in n for n in notes)
    assert test.segmented_control(key="sb_window").value == "90d"
    assert test.query_params["window"] == "90d" and "ward" not in test.query_params


def test_switching_pages_keeps_area_and_window(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, as_of=AS_OF.isoformat()))
    test.selectbox(key="sb_district").set_value(NORTH)
    run(test)
    test.selectbox(key="sb_ward").set_value(ABBEY)
    test.segmented_control(key="sb_window").set_value("28d")
    run(test)
    for page in ("views/repeats.py", "views/compare.py", "views/ward.py"):
        run(test, page)
        assert test.selectbox(key="sb_ward").value == ABBEY
        assert test.segmented_control(key="sb_window").value == "28d"
        assert test.query_params["ward"] == ABBEY and test.query_params["window"] == "28d"
    assert metric(test, "Crimes") == "5"


def test_changing_district_resets_the_ward(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY))
    test.selectbox(key="sb_district").set_value("")
    run(test)
    assert "ward" not in test.query_params and "district" not in test.query_params
    assert not [s for s in test.selectbox if s.key == "sb_ward"]


def test_repeat_list_filters_change_the_list(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="12m", as_of=AS_OF.isoformat()), None)
    run(test, "views/repeats.py")
    assert "**1 victims** with 2 or more events, 4 events" in texts(test)
    test.number_input(key="rep_min").set_value(5)
    run(test)
    assert "No victims with 5 or more events" in texts(test)
    test.number_input(key="rep_min").set_value(2)
    test.selectbox(key="rep_category").set_value("Shoplifting")
    run(test)
    assert "**1 victims** with 2 or more events, 2 events" in texts(test)  # R0 and R2


def test_repeat_list_tabs_show_each_kind(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="12m", as_of=AS_OF.isoformat()), None)
    run(test, "views/repeats.py")
    test.session_state["rep_kind"] = "callers"
    run(test)
    assert "**1 callers** with 2 or more events, 4 events" in texts(test)
    assert test.dataframe[0].value["name"].tolist() == ["Person P3"]


def test_compare_page_toggle_and_baseline(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, district=NORTH, window="90d", as_of=AS_OF.isoformat()), None)
    run(test, "views/compare.py")
    assert "**Crimes: 10** against 3 before" in texts(test)  # Abbey's 9 and Beacon's 1
    assert "changes tested; 5% false discovery rate" in texts(test)
    before = [c.value for c in test.caption if "ward–category pairs" in c.value]
    test.toggle(key="cmp_only_significant").set_value(False)
    run(test)
    after = [c.value for c in test.caption if "ward–category pairs" in c.value]
    assert before != after
    test.radio(key="cmp_baseline").set_value("last_year")
    run(test)
    assert "**Crimes: 10** against 0 before" in texts(test)


def test_profile_of_a_person_from_the_url(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="90d", as_of=AS_OF.isoformat(), person="P1"),
               "views/profile.py")
    assert test.title[0].value == "Open the profile of person P1" and not test.dataframe  # nothing before a reason
    give_purpose(test, "person", "P1")
    assert test.title[0].value == "Person P1"
    timeline = test.dataframe[0].value
    assert len(timeline) == 5 and set(timeline["role"]) == {"victim", "reporting person"}
    assert metric(test, "Last 7 days") == "2"  # R0 and R1
    # the people on P1's crimes, each a link to their own profile: P2, offender on R0, R1 and R2
    linked = [link for link in test.get("page_link") if link.label.startswith("**Person P2**")]
    assert len(linked) == 1 and "offender · 3 events" in linked[0].label
    assert "person=P2" in str(linked[0].proto.query_string) or linked[0].proto.page.endswith("profile.py")
    test.date_input(key="sb_as_of").set_value(AS_OF - timedelta(days=30))
    run(test)
    assert metric(test, "Last 7 days") == "0"


def test_profile_of_a_location_lists_its_neighbours(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, window="12m", as_of=AS_OF.isoformat(), location="L1"), "views/profile.py")
    give_purpose(test, "location", "L1")
    assert test.title[0].value == "L1 Test Street"
    assert [h.value for h in test.header] == ["Timeline", "People linked", "Demand within 200 m"]
    near = test.dataframe[1].value  # every crafted location sits on the same point
    assert "L2" in set(near["location_id"])
    # at L1: P3's 4 calls, P1 the victim of R0-R3, P2 the offender of R0-R2; most shared events
    # first, then the latest (P3's call today before P1's crime yesterday)
    people = [read(link.label).split(" · ")[:3] for link in test.get("page_link")
              if link.label.startswith("**Person P")]
    assert people == [["**Person P3**", "caller", "4 events"], ["**Person P1**", "victim", "4 events"],
                      ["**Person P2**", "offender", "3 events"]]


def test_profile_says_when_a_reference_is_unknown(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, person="P404"), "views/profile.py")
    give_purpose(test, "person", "P404")
    # the gate's message, starting with a capital (issue 14) and shown as plain text
    assert "No person with reference 'P404' has an event in the whole force." in read(test.error[0].value)


def test_profile_without_a_reference_explains_itself(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted), None)
    run(test, "views/profile.py")
    assert "No person or location chosen" in test.info[0].value


def test_concentration_kinds_follow_the_picker(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, window="12m", as_of=AS_OF.isoformat()), None)
    run(test, "views/concentration.py")
    assert len(test.metric) == 5
    test.multiselect(key="conc_kinds").set_value(["victims", "locations"])
    run(test)
    assert [m.label for m in test.metric] == ["Top 10% of locations", "Top 10% of victims"] or sorted(
        m.label for m in test.metric
    ) == ["Top 10% of locations", "Top 10% of victims"]
    assert len(test.dataframe[0].value) == 2


def test_data_page_follows_the_area(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, as_of=AS_OF.isoformat()), None)
    run(test, "views/data.py")
    quality = test.dataframe[-1].value
    assert len(quality) == 3 and metric(test, "Events with no ward") == "0"
    test.selectbox(key="sb_district").set_value(NORTH)
    run(test)
    assert len(test.dataframe[-1].value) == 2
    assert test.header[-1].value == f"Data quality: {NORTH}"


def test_ward_page_says_when_a_ward_is_quiet(monkeypatch, crafted):
    test = run(
        app(monkeypatch, crafted, ward=CASTLE, window="7d", as_of=(AS_OF - timedelta(days=200)).isoformat()),
        None,
    )
    run(test, "views/ward.py")
    assert metric(test, "Crimes") == "0"
    shown = texts(test)
    assert "No crimes or calls in the 7 days" in shown
    assert "No repeat victims (2 or more events) in this period." in shown


# Crimes at L1 only; the crime source lacks May 2026 (coverage Jan to Jun 2026).
GAP_CRIMES = [
    {"crime_id": f"G{n}", "recorded_at": f"{day} 12:00", "location_id": "L1"}
    for n, day in enumerate(["2026-06-05", "2026-06-20", "2026-04-10", "2026-03-15", "2026-02-10", "2026-01-20"])
]


@pytest.fixture(scope="module")
def gap_data(tmp_path_factory):
    covered = [
        {"table_name": t, "month": f"2026-{m:02d}-01", "covered": not (t == "crimes" and m == 5)}
        for t in ("calls", "crimes", "missing_episodes")
        for m in range(1, 7)
    ]
    return write_extracts(
        tmp_path_factory.mktemp("gap"), crimes=GAP_CRIMES, calls=[{"received_at": at(0)}], coverage=covered
    )


def test_ward_page_counts_a_window_with_a_missing_month_over_its_covered_days(monkeypatch, gap_data):
    """The 90 days to 2026-06-30 hold 59 covered days (May lacks crime data): 3 crimes, said
    so in words, against 3 in the 90 days before; never a zero for May."""
    test = run(app(monkeypatch, gap_data, ward=ABBEY, window="90d", as_of=AS_OF.isoformat()), None)
    run(test, "views/ward.py")
    assert metric(test, "Crimes") == "3"
    assert "Counted over the days covered (this period: 59 of 90 days; no crime data for May 2026)." in texts(test)
    # change at equal covered days: 3 - 3 x 59/90 = +1
    assert next(m for m in test.metric if m.label == "Crimes").delta == "1"


def test_ward_page_shows_no_number_for_a_window_inside_a_gap(monkeypatch, gap_data):
    """The 28 days to 2026-05-31 lie wholly in May."""
    test = run(app(monkeypatch, gap_data, ward=ABBEY, window="28d", as_of="2026-05-31"), None)
    run(test, "views/ward.py")
    assert metric(test, "Crimes") == "no data" and metric(test, "Calls for service") == "0"
    assert "no crime data for this period" in texts(test)
    assert 'data-significance="no_data"' in texts(test)


def test_compare_headline_states_the_covered_days(monkeypatch, gap_data):
    test = run(app(monkeypatch, gap_data, ward=ABBEY, window="90d", as_of=AS_OF.isoformat()), None)
    run(test, "views/compare.py")
    shown = texts(test)
    # 3 in 59 covered days against 3 in 90: at 59 days the 3 before are 1.97, so +1
    assert ('**Crimes: 3** (59 of 90 days; no crime data for May 2026) against 3 before: +1 at equal '
            'covered days <span data-significance="no_change"') in shown
    assert ">no significant change (p = " in shown
    assert "this period: 59 of 90 days; no crime data for May 2026" in shown  # beside the tables


def test_profile_never_counts_a_missing_month_as_zero(monkeypatch, gap_data):
    """L1's crimes by period to 2026-06-30. 90 days: 3 (10 Apr, 5 and 20 Jun) over 59 covered
    days. 12 months: 6 over 150 covered days (July to December 2025 and May 2026 uncovered);
    the 12 months before have no covered day, so no change is shown rather than +6 on 0."""
    test = run(app(monkeypatch, gap_data, ward=ABBEY, window="90d", as_of=AS_OF.isoformat(), location="L1"),
               "views/profile.py")
    give_purpose(test, "location", "L1")
    assert metric(test, "Last 90 days") == "3" and metric(test, "Last 12 months") == "6"
    year = next(m for m in test.metric if m.label == "Last 12 months")
    assert year.delta in (None, "")
    shown = texts(test)
    assert "59 of 90 days; no crime data for May 2026" in shown
    assert "no crime data for July to December 2025 and May 2026" in shown
    assert "the period before: no crime data for this period" in shown


def test_a_broken_extract_shows_table_and_column_not_a_trace(monkeypatch, tmp_path):
    data = write_extracts(tmp_path / "broken", crimes=CRIMES[:2])
    con = duckdb.connect()
    path = data / "crimes.parquet"
    con.execute(
        f"COPY (SELECT * EXCLUDE (category) FROM '{path}') TO '{tmp_path / 'c.parquet'}' (FORMAT parquet)"
    )
    con.close()
    (tmp_path / "c.parquet").replace(path)
    test = app(monkeypatch, data)
    test.run()
    assert not test.exception
    message = read(test.error[0].value)
    assert "cannot be read" in message and "crimes, column category: required column missing" in message


def test_a_later_broken_extract_keeps_the_old_data_serving(monkeypatch, tmp_path):
    import ui

    data = write_extracts(tmp_path / "later", crimes=CRIMES)
    test = run(app(monkeypatch, data, ward=ABBEY, as_of=AS_OF.isoformat()), None)
    run(test, "views/ward.py")
    (data / "wards.parquet").write_bytes(b"not parquet")
    ui._refreshed.clear()
    run(test)
    assert metric(test, "Crimes") == "9"
    assert "keeps serving" in read(test.warning[0].value) and "wards.parquet" in read(test.warning[0].value)


def test_the_small_synthetic_force_renders_every_page(monkeypatch, small_force, small_store):
    from demand import analytics, areas

    ward = areas.wards(small_store)["ward_code"].iloc[0]
    test = run(app(monkeypatch, small_force, ward=ward, window="90d"))
    for page in PAGES:
        run(test, page)
    run(test, "views/ward.py")
    expected = analytics.headline(small_store, areas.resolve(small_store, ward), "90d").set_index("measure")
    assert metric(test, "Crimes") == f"{int(expected.loc['crimes', 'count']):,}"


def test_headline_numbers_lead_to_their_records(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="28d", as_of=AS_OF.isoformat()), None)
    run(test, "views/ward.py")
    test.session_state["ward_records_open"] = True
    run(test)
    records = test.expander[0].dataframe[0].value
    assert sorted(records["event_id"]) == ["R0", "R1", "R2", "R3", "R4"]  # the 5 crimes of the 28 days
    assert "Newest first." in texts(test)
    test.segmented_control(key="ward_measure").set_value("asb_calls")
    run(test)
    assert len(test.expander[0].dataframe[0].value) == int(metric(test, "ASB calls")) == 3


def test_record_rows_open_the_location_profile_keeping_the_view():
    import ui
    from demand.ui_state import View

    view = View(district=NORTH, ward=ABBEY, window="28d", as_of=AS_OF, pinned=True)
    assert ui.profile_params(view, "locations", "L1") == {
        "ward": ABBEY,
        "window": "28d",
        "as_of": "2026-06-30",
        "location": "L1",
    }
    assert ui.profile_params(View(district=NORTH), "victims", "P1") == {
        "district": NORTH,
        "window": "90d",
        "person": "P1",
    }


def test_compare_missing_episodes_invite_a_row_choice(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="28d", as_of=AS_OF.isoformat()), None)
    run(test, "views/compare.py")
    test.segmented_control(key="cmp_by").set_value("missing")
    run(test)
    assert test.dataframe[0].value["group"].tolist()[0] == "episodes"
    assert "Choose a row to see its records." in texts(test)


# --- a selection belongs to the row chosen (issue 14) -------------------------------------------------


def choose_row(test: AppTest, prefix: str, row: int) -> str:
    """Tick a row of the table whose key starts with ``prefix`` (as a click would) and rerun."""
    key = next(frame.key for frame in test.dataframe if frame.key and frame.key.startswith(prefix + "-"))
    test.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    run(test)
    return key


def test_a_stale_selection_never_opens_records_of_another_grouping(monkeypatch, crafted):
    """Issue 14: Bicycle theft chosen, grouping switched to call types, and 'Abandoned call'
    records opened although nobody chose them."""
    test = run(app(monkeypatch, crafted, district=NORTH, window="90d", as_of=AS_OF.isoformat()), "views/compare.py")
    chosen = test.dataframe[0].value.data["group"].iloc[0] if hasattr(test.dataframe[0].value, "data") else None
    choose_row(test, "cmp_groups", 0)
    group = read(next(m.value for m in test.markdown if m.value.endswith("choose a record to open its location.")))
    assert group.startswith(f"**{chosen} in {NORTH}**") if chosen else "in Northtown" in group
    test.segmented_control(key="cmp_by").set_value("call_type")
    run(test)
    assert "Choose a row to see its records." in texts(test)
    assert not [m for m in test.markdown if m.value.endswith("choose a record to open its location.")]


@pytest.fixture(scope="module")
def many_records(tmp_path_factory):
    """30 crimes in Abbey in the last 30 days, none with a place: two pages of records."""
    return write_extracts(tmp_path_factory.mktemp("many"), crimes=[
        {"crime_id": f"N{n:02d}", "recorded_at": at(n), "ward_code": ABBEY} for n in range(30)
    ] + [{"crime_id": "OLD", "recorded_at": at(500), "ward_code": ABBEY}])


def test_a_selection_does_not_move_to_another_row_when_the_page_changes(monkeypatch, many_records):
    """Issue 14: in a paged table the selection was kept by position, so page 2 selected its own
    first row. A record with no place says so when chosen; on page 2 nothing is chosen."""
    test = run(app(monkeypatch, many_records, ward=ABBEY, window="90d", as_of=AS_OF.isoformat()), "views/ward.py")
    test.session_state["ward_records_open"] = True
    run(test)
    choose_row(test, "ward_records", 0)
    assert "Record N00 has no location to open." in texts(test)
    test.session_state["ward_records_page"] = 2
    run(test)
    records = next(f for f in test.dataframe if f.key and f.key.startswith("ward_records-")).value
    assert records["event_id"].iloc[0] == "N25"  # page 2: the 26th newest onwards
    assert "has no location to open" not in texts(test)


def test_back_on_the_ward_page_the_profiles_person_is_dropped(monkeypatch, crafted):
    """Issue 14: back on the Ward page, the URL kept the profile's person=."""
    test = run(app(monkeypatch, crafted, ward=ABBEY, window="90d", person="P1"), "views/profile.py")
    assert test.query_params["person"] == "P1"
    run(test, "views/ward.py")
    assert "person" not in test.query_params and test.query_params["ward"] == ABBEY


def test_choosing_a_ward_on_the_overview_opens_it(monkeypatch, crafted):
    """Issue 14: choosing a ward on the Overview changed nothing visible."""
    test = run(app(monkeypatch, crafted, as_of=AS_OF.isoformat()))
    test.selectbox(key="sb_district").set_value(NORTH)
    run(test)
    assert test.title[0].value == "Repeat demand"  # a district alone is not a ward
    test.selectbox(key="sb_ward").set_value(BEACON)
    run(test)
    assert test.title[0].value == f"Beacon ward ({NORTH})"
    assert test.query_params["ward"] == BEACON


def test_a_page_of_one_ward_opened_without_one_offers_the_wards(monkeypatch, crafted):
    test = run(app(monkeypatch, crafted, district=NORTH, as_of=AS_OF.isoformat()), "views/ward.py")
    picker = test.selectbox(key="ward_pick")
    assert picker.options == ["Abbey (Northtown)", "Beacon (Northtown)"]
    picker.set_value(ABBEY)
    run(test)
    assert test.title[0].value == f"Abbey ward ({NORTH})" and test.selectbox(key="sb_ward").value == ABBEY
