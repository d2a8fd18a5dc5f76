"""The Briefing page (views/briefing.py) through Streamlit's AppTest: the chosen ward's briefing or
district's breakdown, shown as the user's role allows, with its downloads; the document shown is
the one the command line writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demand.fixtures import ABBEY
from tests import briefing_data
from tests.briefing_data import AS_OF

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return briefing_data.write(tmp_path_factory.mktemp("brief_pages"))


def page(monkeypatch, data, role: str = "analyst", **params) -> AppTest:
    monkeypatch.setenv("DEMAND_DATA", str(data))
    test = AppTest.from_file(APP, default_timeout=90)
    test.query_params.update({"as_of": AS_OF.isoformat(), **params})
    test.run()
    if role != "analyst":
        test.selectbox(key="demo_role").set_value(role)
        test.run()
    test.switch_page("views/briefing.py")
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def shown_document(test: AppTest) -> str:
    frames = test.get("iframe")
    assert len(frames) == 1
    return frames[0].proto.srcdoc


def test_a_ward_shows_its_briefing_with_its_downloads(monkeypatch, data):
    test = page(monkeypatch, data, district="Northtown", ward=ABBEY)
    assert test.title[0].value == "Briefing: Abbey ward (Northtown)"
    html = shown_document(test)
    assert "<h1>Abbey ward briefing</h1>" in html and "Name-PN" in html
    assert "Vehicle crime rose from 2 to 30: a real rise" in html
    labels = [b.proto.label for b in test.get("download_button")]
    assert labels == ["Download PDF (A4)", "Download HTML"]
    assert all(b.proto.help == "The download is recorded in the audit log." for b in test.get("download_button"))


def test_a_district_shows_the_commanders_breakdown(monkeypatch, data):
    html = shown_document(page(monkeypatch, data, district="Northtown"))
    assert "<h1>Northtown: every ward</h1>" in html
    assert html.index('data-ward="E05000001"') < html.index('data-ward="E05000002"')


def test_no_district_asks_for_one(monkeypatch, data):
    test = page(monkeypatch, data)
    assert not test.get("iframe")
    assert "Choose a ward in the sidebar for its briefing" in test.info[0].value


def test_a_viewer_sees_the_counts_only_copy(monkeypatch, data):
    test = page(monkeypatch, data, "viewer", district="Northtown", ward=ABBEY)
    html = shown_document(test)
    assert "Name-" not in html and "Test Street" not in html and "OFFICIAL: counts only" in html
    assert all(not b.proto.help for b in test.get("download_button"))  # nothing personal to audit


def test_the_cadence_moves_the_previous_briefing(monkeypatch, data):
    test = page(monkeypatch, data, district="Northtown", ward=ABBEY)
    assert "the briefing of 23 Jun 2026" in shown_document(test)
    test.number_input(key="brief_cadence").set_value(1)
    test.run()
    assert "the briefing of 29 Jun 2026" in shown_document(test)


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    from tests import scoped_data

    return scoped_data.write(tmp_path_factory.mktemp("brief_scoped"))


@pytest.mark.parametrize("role, wards", [("officer", {ABBEY}), ("inspector", {ABBEY, "E05000002"})])
@pytest.mark.parametrize("params", [{"district": "Northtown", "ward": ABBEY}, {"district": "Northtown"}])
def test_the_document_holds_nothing_outside_the_users_wards(monkeypatch, scoped, role, wards, params):
    """The demonstration officer reads Abbey, the inspector Northtown: neither document may name
    a person, place, record or ward of Castle (tests/scoped_data.py names everything by ward)."""
    from tests.scoped_data import forbidden

    monkeypatch.setenv("DEMAND_DATA", str(scoped))
    test = AppTest.from_file(APP, default_timeout=90)
    test.query_params.update({"as_of": "2026-06-30", **params})
    test.run()
    test.selectbox(key="demo_role").set_value(role)
    test.run()
    test.switch_page("views/briefing.py")
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    html = shown_document(test)
    assert "Name-PAB2" in html  # Abbey's wanted offender is there...
    assert not {token for token in forbidden(wards) if token in html}  # ...and nothing of Castle's
