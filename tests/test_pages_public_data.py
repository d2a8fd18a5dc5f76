"""The pages over imported data.police.uk data (the real slice): public-data mode, the last
import on the Data page, a gap month shown as missing, and the warning when data is old."""

from __future__ import annotations

import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from demand import config
from demand.cli import main
from tests.test_pages import APP, PAGES, metric, run, texts

AS_OF = "2023-02-01"


def app(monkeypatch, data, **params) -> AppTest:
    monkeypatch.setenv(config.DATA_ENV, str(data))
    test = AppTest.from_file(APP, default_timeout=60)
    test.query_params.update({"as_of": AS_OF, **params})
    return test


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_over_public_data(monkeypatch, published_slice, page):
    test = run(app(monkeypatch, published_slice), None)
    run(test, page)
    assert test.title and not test.error
    assert any("Public data only" in str(c.value) for c in test.sidebar.caption)


def test_person_lists_say_person_level_data_is_not_loaded(monkeypatch, published_slice):
    test = run(app(monkeypatch, published_slice, window="90d"), None)
    run(test, "views/repeats.py")  # opens on Locations, the list public data has
    assert not test.info and len(test.dataframe[0].value) > 0
    assert test.dataframe[0].value["name"].str.startswith("On or near").all()
    test.session_state["rep_kind"] = "victims"
    run(test)
    assert "Person-level data is not loaded" in test.info[0].value
    assert not test.dataframe  # not an empty table


def test_a_person_profile_says_so_too(monkeypatch, published_slice):
    test = run(app(monkeypatch, published_slice, person="P1"), "views/profile.py")  # the profile's own link
    assert "Person-level data is not loaded" in test.info[0].value and not test.error


def test_the_ward_page_shows_missing_episodes_as_not_held(monkeypatch, published_slice):
    test = run(app(monkeypatch, published_slice, window="28d"), None)
    run(test, "views/ward.py")
    assert metric(test, "Missing episodes") == "not held"
    assert metric(test, "Crimes") != "missing"
    assert "Not held in this data" in texts(test)
    assert test.dataframe  # the Locations tab, open first
    test.session_state["ward_kind"] = "offenders"
    run(test)
    assert "Person-level data is not loaded" in test.info[-1].value
    # The files give months only: the latest month, not "the last 7 days"; a monthly trend.
    assert "February 2023" in [h.value for h in test.header]
    assert "calls** in February 2023 (the data gives each record's month only)" in texts(test)
    assert "Events per month" in test.get("plotly_chart")[0].proto.spec


def test_the_data_page_shows_the_last_import(monkeypatch, published_slice):
    test = run(app(monkeypatch, published_slice), None)
    run(test, "views/data.py")
    shown = texts(test)
    assert "**police-uk** import published" in shown and "duplicates." in shown
    quarantine = (published_slice / "quarantine.csv").read_text().splitlines()
    assert metric(test, "Rows in quarantine") == f"{len(quarantine) - 1:,}"
    reasons = next(d.value for d in test.dataframe if "reason" in d.value).set_index("reason")["rows"]
    assert reasons["Crime ID: a duplicate of a row already loaded"] == 18  # the slice's repeated Crime IDs
    assert reasons["Crime ID: an outcome of a crime not in the street files loaded"] > 0  # crimes before Nov 2022
    files = next(d.value for d in test.dataframe if "loaded" in d.value)
    assert (files["read"] == files["loaded"] + files["rejected"] + files["duplicates"]).all()
    assert "missing episodes" in next(i.value for i in test.info if "Not held" in i.value)


def test_a_gap_month_is_missing_on_the_pages(monkeypatch, tmp_path, police_uk_slice):
    folder = tmp_path / "in"
    with zipfile.ZipFile(police_uk_slice) as archive:
        for month in ("2022-11", "2023-01", "2023-02"):
            archive.extract(f"{month}/{month}-city-of-london-street.csv", folder)
    out = tmp_path / "data"
    assert main(["ingest", "police-uk", str(folder), "--out", str(out)]) == 0
    test = run(app(monkeypatch, out), None)
    run(test, "views/data.py")
    gaps = next(d.value for d in test.dataframe if "month" in d.value and "table_name" in d.value)
    # months written as everywhere else: "December 2022" (issue 14)
    assert sorted(zip(gaps["table_name"], gaps["month"])) == [("calls", "December 2022"), ("crimes", "December 2022")]
    test = run(app(monkeypatch, out, window="28d", as_of="2023-01-01"), None)
    run(test, "views/compare.py")
    assert "**Not compared:** a period has no day of data." in texts(test)  # December, the period before
    assert any("no crime data for this period" in w.value for w in test.warning)


def test_old_data_is_flagged(monkeypatch, published_slice):
    monkeypatch.setenv(config.MAX_AGE_ENV, "0.000001")
    test = run(app(monkeypatch, published_slice), None)
    assert any("The data was last refreshed" in w.value for w in test.warning)
    monkeypatch.setenv(config.MAX_AGE_ENV, "2")
    run(test)
    assert not any("The data was last refreshed" in w.value for w in test.warning)
