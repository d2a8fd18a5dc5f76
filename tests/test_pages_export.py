"""The Export page, driven by Streamlit's AppTest over crafted extracts: an analyst sees exactly
what will be published, hidden figures marked, and a download named for the area and months;
other roles do not get the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demand.access import command_line_user
from demand.disclosure.export import Request, file_name, summarise
from demand.fixtures import ABBEY, write_extracts
from demand.reader import Reader
from demand.store import Store
from tests.test_disclosure_export import CALLS_ROWS, CRIMES_ROWS, LOCATIONS

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_extracts(tmp_path_factory.mktemp("export_page"), crimes=CRIMES_ROWS, calls=CALLS_ROWS,
                          locations=LOCATIONS)


@pytest.fixture(scope="module")
def expected(data, tmp_path_factory):
    store = Store(data, cache=tmp_path_factory.mktemp("snap"))
    reader = Reader(store, command_line_user(), None)
    out = {fmt: summarise(reader, Request(ABBEY, window="90d", format=fmt)) for fmt in ("csv",)}
    store.close()
    return out["csv"]


def page(monkeypatch, data, role: str = "Analyst", **params) -> AppTest:
    monkeypatch.setenv("DEMAND_DATA", str(data))
    test = AppTest.from_file(APP, default_timeout=90)
    test.query_params.update({"ward": ABBEY, "as_of": "2026-06-30", **params})
    test.run()
    if role != "Analyst":
        test.sidebar.selectbox(key="demo_role").set_value(role.lower()).run()
    test.switch_page("views/export.py").run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def test_an_analyst_sees_what_will_be_published(monkeypatch, data, expected):
    test = page(monkeypatch, data)
    assert test.title[0].value.startswith("Export a public summary: Abbey")
    info = " ".join(str(i.value) for i in test.info)
    assert f"{expected.hidden_small} figures are shown as **<5**" in info
    types = test.dataframe[0].value
    row = types.set_index("Type").loc["Shoplifting"]
    assert (row["Now"], row["Before"]) == ("<5", "0")
    assert types.set_index("Type").loc["Burglary", "Now"] == "14"
    markdown = " ".join(str(m.value) for m in test.markdown)
    assert "Robbery rose from 0 to 6: a real rise" in markdown
    assert len(test.get("download_button")) == 1
    assert file_name(expected, "csv") in " ".join(str(c.value) for c in test.caption)


def test_choosing_the_street_files_explains_them_and_turns_rounding_off(monkeypatch, data):
    test = page(monkeypatch, data)
    test.selectbox(key="exp_format").set_value("police-uk").run()
    assert not test.exception
    assert any("one row per crime" in str(i.value) for i in test.info)
    assert test.toggle(key="exp_round").disabled


def test_a_short_sidebar_period_becomes_three_whole_months(monkeypatch, data):
    test = page(monkeypatch, data, window="7d")
    assert test.session_state["exp_window"] == "90d"
    assert "April to June 2026" in " ".join(str(m.value) for m in test.markdown)


@pytest.mark.parametrize("role", ["Officer", "Inspector", "Viewer"])
def test_other_roles_do_not_get_the_page(monkeypatch, data, role):
    monkeypatch.setenv("DEMAND_DATA", str(data))
    test = AppTest.from_file(APP, default_timeout=90)
    test.query_params.update({"as_of": "2026-06-30"})
    test.run()
    test.sidebar.selectbox(key="demo_role").set_value(role.lower()).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        test.switch_page("views/export.py")
