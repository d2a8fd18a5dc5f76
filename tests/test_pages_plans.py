"""The Problems page through Streamlit's AppTest: the register each role may see, a new plan from
a profile with its target filled in, bad input shown and nothing saved, a plan's assessment,
edits and closing with their history, and the monthly review."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demand import fixtures
from demand.access import User
from demand.fixtures import ABBEY, CASTLE
from demand.plans.service import PlanDesk
from demand.reader import Reader
from demand.state import Editor, open_state
from demand.store import Store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ANALYST = User("analyst@force.example", "Analyst", "analyst")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Crafted extracts (a fall at LT, nothing next door), their own state database, and two
    plans made beforehand: one in Abbey (Northtown), one in Castle (Southvale)."""
    root = tmp_path_factory.mktemp("plan_pages")
    data = fixtures.plan_place_extracts(root / "data", target=(40, 10), buffer=(20, 20), control=(200, 200),
                                        other_district=(30, 30))
    url = f"sqlite:///{root / 'state.db'}"
    state = open_state(url)
    store = Store(data, cache=root / "snap")
    desk = PlanDesk(Reader(store, ANALYST, state.audit), state.plans, today=date.today())
    abbey = desk.create({"title": "Burglary at LT", "kind": "location", "targets": ["LT"], "ward_code": ABBEY,
                         "response_date": fixtures.PLAN_RESPONSE, "response": "Locks and lights"})
    castle = desk.create({"title": "Shop at LS", "kind": "location", "targets": ["LS"], "ward_code": CASTLE})
    store.close()
    yield {"data": data, "url": url, "state": state, "abbey": abbey, "castle": castle}
    state.close()


def app(monkeypatch, world, **params) -> AppTest:
    monkeypatch.setenv("DEMAND_DATA", str(world["data"]))
    monkeypatch.setenv("DEMAND_STATE_URL", world["url"])
    test = AppTest.from_file(APP, default_timeout=90)
    test.query_params.update({"as_of": fixtures.PLAN_AS_OF, **params})
    return test


def run(test: AppTest, page: str | None = None) -> AppTest:
    if page:
        test.switch_page(page)
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def texts(test: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("title", "subheader", "markdown", "caption", "info", "warning",
                                               "error") for e in getattr(test, kind))


def as_role(test: AppTest, role: str) -> AppTest:
    test.selectbox(key="demo_role").set_value(role)
    return run(test)


def test_the_register_shows_the_plans_of_the_users_wards(monkeypatch, world):
    test = run(run(app(monkeypatch, world)), "views/problems.py")
    titles = set(test.dataframe[0].value["title"])
    assert {"Burglary at LT", "Shop at LS"} <= titles
    as_role(test, "officer")  # the demonstration officer covers Abbey, the first ward
    assert "Shop at LS" not in set(test.dataframe[0].value["title"]) and "Burglary at LT" in set(
        test.dataframe[0].value["title"])
    test.segmented_control(key="prob_status").set_value("closed")
    run(test)
    assert "No plans here yet" in texts(test)


def test_a_viewer_has_no_problems_page(monkeypatch, world):
    test = as_role(run(app(monkeypatch, world)), "viewer")
    with pytest.raises(ValueError):
        test.switch_page("views/problems.py")
        test.run()


def test_a_plan_starts_from_a_profile_with_its_target_filled_in(monkeypatch, world):
    # opened by its link (a page keeps only its own parameters: the Overview would drop location=)
    test = run(app(monkeypatch, world, location="LT", ward=ABBEY), "views/profile.py")
    test.selectbox(key="profile_purpose_location_LT").set_value("Problem solving (SARA)")
    run(test)
    test.button(key="profile_start_plan").click()
    run(test)
    assert test.query_params["new"] == "1" and test.query_params["target"] == "LT"
    assert "New problem-solving plan" in texts(test)
    run(test, "views/problems.py")  # AppTest stays on the page it ran; go where the button went
    assert test.text_area[0].value == "LT" and test.text_input[0].value == "Location LT"
    assert next(s for s in test.selectbox if s.label == "Kind").value == "location"
    before = len(world["state"].plans.list())
    test.text_input[0].set_value("")  # no title: refused, and nothing saved
    next(b for b in test.button if b.label == "Create plan").click()
    run(test)
    assert "Not saved: title: a plan needs a title" in texts(test)
    assert len(world["state"].plans.list()) == before
    test.text_input[0].set_value("Repeat burglary at LT")
    test.checkbox[0].check()
    test.date_input[-1].set_value(date(2026, 1, 1))
    next(b for b in test.button if b.label == "Create plan").click()
    run(test)
    created = world["state"].plans.list()[0]
    assert created.title == "Repeat burglary at LT" and created.targets == ("LT",)
    assert created.kind == "location" and created.ward_code == ABBEY and created.district == "Northtown"
    assert created.response_date == date(2026, 1, 1)
    assert test.query_params["plan"] == str(created.id)
    assert test.title[0].value == f"Plan {created.id}: Repeat burglary at LT"


def test_a_plan_page_shows_its_assessment(monkeypatch, world):
    plan = world["abbey"]
    test = run(app(monkeypatch, world, plan=str(plan.id)), "views/problems.py")  # the plan's own link
    assert test.title[0].value == f"Plan {plan.id}: Burglary at LT"
    # 12 months either side by default: interim on the data's last day (181 of 365 days)
    assert "INTERIM (181 OF 365 DAYS)" in texts(test)
    test.segmented_control(key=f"prob_window_{plan.id}").set_value("90d")
    run(test)
    metrics = {m.label: m.value for m in test.metric}
    assert (metrics["Targets: after"], metrics["Buffer: after"], metrics["Control: after"]) == ("10", "20", "200")
    before = {m.label: (m.proto.delta, m.proto.delta_description) for m in test.metric}
    assert before["Targets: after"] == ("-30", "on 40 before") and before["Control: after"] == ("0", "on 200 before")
    assert metrics["WDD"] == "-30" and metrics["WDQ"] == "+0.00"
    shown = texts(test)
    assert "Demand fell, by more than the control explains" in shown
    assert "FINAL" in shown and "Before 03 Oct 2025 – 31 Dec 2025" in shown
    assert {b.label for b in test.get("download_button")} >= {"Download the assessment (PDF)", "Download (HTML)"}


def test_edits_and_closing_are_saved_with_their_history(monkeypatch, world):
    plan = world["state"].plans.create({"title": "To edit", "kind": "location", "targets": ["LT"],
                                        "ward_code": ABBEY, "owner": "analyst@force.example"},
                                       Editor("analyst@force.example", "analyst"), date.today())
    test = run(app(monkeypatch, world, plan=str(plan.id)), "views/problems.py")  # the plan's own link
    assert "Set the date the response started (Edit) to assess this plan." in texts(test)
    test.session_state["prob_plan_tab"] = "Edit"
    run(test)
    form_title = next(t for t in test.text_input if t.label == "Title")
    form_title.set_value("Edited title")
    next(t for t in test.text_area if t.label == "Analysis").set_value("Burglars use the back alley")
    next(b for b in test.button if b.label == "Save changes").click()
    run(test)
    saved = world["state"].plans.get(plan.id)
    assert saved.title == "Edited title" and saved.analysis == "Burglars use the back alley" and saved.version == 2
    next(t for t in test.text_area if t.label == "Final assessment").set_value("No longer a problem")
    test.button(key=f"prob_close_{plan.id}").click()
    run(test)
    closed = world["state"].plans.get(plan.id)
    assert closed.status == "closed" and closed.assessment == "No longer a problem"
    test.session_state["prob_plan_tab"] = "History"
    run(test)
    history = test.dataframe[0].value
    assert history["action"].tolist() == ["closed", "updated", "created"]
    assert "title: To edit → Edited title" in history["changes"].iloc[1]


def test_an_officer_cannot_open_another_wards_plan(monkeypatch, world):
    test = as_role(run(app(monkeypatch, world)), "officer")
    test.query_params["plan"] = str(world["castle"].id)
    run(test, "views/problems.py")
    assert f"there is no plan {world['castle'].id}" in texts(test)
    assert "Shop at LS" not in texts(test)


def test_the_monthly_review_flags_plans_without_a_response_date(monkeypatch, world):
    test = run(run(app(monkeypatch, world)), "views/problems.py")
    test.session_state["prob_tab"] = "Monthly review"
    run(test)
    review = test.dataframe[0].value.set_index("id")
    assert "no response date" in review.loc[world["castle"].id, "flags"]
    assert review.loc[world["abbey"].id, "flags"] == "–"
    assert "open plans need attention" in texts(test)
