"""The Problems page in a real browser over the small synthetic force: the register, the planted
repeat-caller cohort's plan with its assessment (desktop and a 390 px phone), a plan started in
one step from a repeat-list row, and the printable assessment as HTML and PDF. Screenshots go to
test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import json
from datetime import date

import pytest
from playwright.sync_api import expect

from demand import areas
from demand.access import User
from demand.plans import document
from demand.plans.assess import assess
from demand.plans.service import PlanDesk
from demand.reader import Reader
from demand.state import open_state
from tests.test_browser import SHOTS, browser, click_first_row, open_page, screenshot, server, watched_page  # noqa: F401

pytestmark = pytest.mark.browser

ANALYST = User("analyst@force.example", "Analyst", "analyst")


@pytest.fixture(scope="module")
def cohort_plan(small_store):
    """The cohort's plan in the state database the served app reads (the session's state folder)."""
    manifest = json.loads((small_store.data_dir / "synth_manifest.json").read_text())["stories"]["cohort"]
    state = open_state()
    gate = Reader(small_store, ANALYST, state.audit, page="test")
    ward = gate.all_wards().iloc[0]["ward_code"]
    plan = PlanDesk(gate, state.plans, today=date.today()).create({
        "title": "Peer mentoring for repeat callers", "kind": "caller", "targets": manifest["person_ids"],
        "ward_code": ward, "response_date": manifest["intervention_date"], "control_area": "force",
        "partners": "Adult social care; NHS mental health crisis team",
        "scanning": "Twenty people made 791 calls in a year, most about welfare and mental health.",
        "response": "Each caller was given a peer mentor and a named contact in the crisis team.",
    })
    result = assess(gate, plan, window="12m")
    state.close()
    return plan, result


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_register_and_a_plans_assessment(server, browser, cohort_plan):  # noqa: F811
    plan, result = cohort_plan
    page = open_page(browser, server, "/problems", "Problems")
    try:
        page.get_by_text("Peer mentoring for repeat callers").first.wait_for(state="attached", timeout=30_000)
        no_exception(page)
        screenshot(page, "problems_register")
    finally:
        page.close()
    page = open_page(browser, server, f"/problems?plan={plan.id}", f"Plan {plan.id}: {plan.title}")
    try:
        page.get_by_text("the fall can be credited to the response").first.wait_for(timeout=60_000)
        page.get_by_text(f"on {result.target.before:,} before").first.wait_for(timeout=30_000)
        no_exception(page)
        screenshot(page, "problems_plan")
    finally:
        page.close()


def test_a_plan_on_a_phone(server, browser, cohort_plan):  # noqa: F811
    plan, _ = cohort_plan
    page, watch = watched_page(browser, server, f"/problems?plan={plan.id}", f"Plan {plan.id}: {plan.title}", 390)
    try:
        page.get_by_text("the fall can be credited to the response").first.wait_for(timeout=60_000)
        overflow = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollWidth")
        assert overflow <= 390
        screenshot(page, "problems_plan_phone")
        assert watch.third_party() == [] and watch.problems == []
    finally:
        page.close()


def test_a_plan_starts_in_one_step_from_a_repeat_list_row(server, browser, small_store):  # noqa: F811
    first = areas.wards(small_store).iloc[0]
    page = open_page(browser, server, f"/repeats?ward={first['ward_code']}&window=90d",
                     f"Repeat lists: {first['ward_name']} ward ({first['district']})")
    try:
        page.get_by_text("Starts a problem-solving plan").click()
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        click_first_row(page, page.locator('[data-testid="stDataFrame"]').first, "**/problems?**new=1**")
        assert "kind=victim" in page.url and "target=" in page.url and f"ward={first['ward_code']}" in page.url
        page.get_by_text("New problem-solving plan").wait_for(timeout=30_000)
        target = page.url.split("target=")[1].split("&")[0]
        # The form is drawn before the browser has filled its fields: wait for the value.
        expect(page.get_by_role("textbox", name="Targets")).to_have_value(target, timeout=30_000)
        no_exception(page)
        screenshot(page, "problems_new_from_repeats")
    finally:
        page.close()


def test_the_printable_assessment_as_html_and_pdf(browser, cohort_plan):  # noqa: F811
    import pypdfium2

    _, result = cohort_plan
    html = document.html(result)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, width in (("assessment_html", 1000), ("assessment_html_phone", 390)):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.set_content(html)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        finally:
            page.close()
    pdf = pypdfium2.PdfDocument(document.pdf(result))
    try:
        assert len(pdf) == 1
        pdf[0].render(scale=1.6).to_pil().save(SHOTS / "assessment_pdf.png")
        text = pdf[0].get_textpage().get_text_range()
        assert "the fall can be credited to the response" in text.replace("\r\n", " ").replace("\n", " ")
    finally:
        pdf.close()
