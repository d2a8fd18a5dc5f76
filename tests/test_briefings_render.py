"""A briefing as a document (demand.briefings.render): what the HTML says for each role and edge
case, and the PDF Chromium prints from the same HTML (pages, size and headline figures, read
back with pypdfium2). The PDF pages are also saved as PNG in test-artifacts/briefings/ for a
person to look at."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from demand.access import User
from demand.briefings import compose, render
from demand.fixtures import ABBEY, BEACON
from demand.present import document
from demand.reader import Reader
from demand.state import open_state
from demand.store import Store
from tests import briefing_data
from tests.briefing_data import AS_OF

SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "briefings"
ANALYST = User("analyst@force.example", "Ann Analyst", "analyst")
VIEWER = User("viewer@force.example", "Vic Viewer", "viewer")
needs_chromium = pytest.mark.skipif(document.chromium_path() is None, reason="./dev test installs Chromium")


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """Abbey's briefing and Northtown's breakdown for an analyst and a viewer, and Abbey's from
    extracts without the optional tables."""
    state = open_state(f"sqlite:///{tmp_path_factory.mktemp('state') / 'state.db'}")
    made = {}
    for name, optional in (("held", True), ("plain", False)):
        store = Store(briefing_data.write(tmp_path_factory.mktemp(name), with_optional=optional),
                      cache=tmp_path_factory.mktemp(f"snap_{name}"))
        for who, user in (("analyst", ANALYST), ("viewer", VIEWER)):
            gate = Reader(store, user, state.audit, page="test")
            made[name, who, "ward"] = compose.ward_briefing(gate, ABBEY, AS_OF)
            made[name, who, "beacon"] = compose.ward_briefing(gate, BEACON, AS_OF)
            made[name, who, "district"] = compose.district_breakdown(gate, "Northtown", AS_OF)
        store.close()
    state.close()
    return made


def text_of(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#39;", "'")


def test_the_html_asks_for_nothing_outside_itself(docs):
    for doc in docs.values():
        html = render.html(doc)
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
        assert "<script" not in html and "default-src 'none'" in html


def test_values_from_the_data_are_text_never_markup(docs):
    hostile = replace(docs["held", "analyst", "ward"], ward_name='<img src=x onerror="alert(1)">')
    html = render.html(hostile)
    assert "<img src=x" not in html and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_the_ward_briefing_says_what_an_officer_needs(docs):
    text = text_of(render.html(docs["held", "analyst", "ward"]))
    assert "Abbey ward briefing" in text and "Northtown · the 7 and 90 days to Tuesday 30 June 2026" in text
    assert "Crimes 44 ▲ real rise from 5" in text
    assert "Vehicle crime rose from 2 to 30: a real rise" in text
    assert "Last 7 days: 3 crimes and 3 calls ; 2 people wanted (1 new)" in text
    assert "Burglary (2): Sun 28 Jun 12:00 Test Street RN2 ; Thu 25 Jun 12:00 Test Street RN1" in text
    assert "Most calls came from Test Street (3)" in text
    assert re.search(r"Name-PN b\. 1990 NEW", text) and not re.search(r"Name-PA b\. 1990 NEW", text)
    assert "NEW = not on the list in the briefing of 23 Jun 2026" in text
    assert "Name-PO" in text and "Suspect circulated: burglary" in text and "weapons" in text
    assert "OFFICIAL-SENSITIVE" in text


def test_a_missing_month_is_named_and_a_period_without_data_shows_no_number(docs):
    text = text_of(render.html(docs["held", "analyst", "ward"]))
    assert "no crime data for May 2026" in text and "59 of 90 days" in text
    assert "Missing episodes no data not compared: no data for a period" in text


def test_an_empty_week_and_no_repeats_read_as_such(docs):
    text = text_of(render.html(docs["held", "analyst", "beacon"]))
    assert "Crimes (0) newest first, on or near the street named None." in text
    assert text.count("None with 2 or more events.") == 5


def test_tables_not_held_say_so_and_never_show_zero(docs):
    for key in (("plain", "analyst", "ward"), ("plain", "viewer", "ward"), ("plain", "analyst", "district")):
        text = text_of(render.html(docs[key]))
        assert "Not held: the data this force delivers has no record of powers used" in text
        assert "Not held: the data this force delivers has no record of people wanted" in text
        assert "0 people wanted" not in text and "people wanted (0" not in text


def test_a_viewers_copy_names_no_one_and_no_place(docs):
    for kind in ("ward", "district"):
        html = render.html(docs["held", "viewer", kind])
        assert "Name-" not in html and "Test Street" not in html and "RN1" not in html
        assert "OFFICIAL: counts only" in html
    text = text_of(render.html(docs["held", "viewer", "ward"]))
    assert "Repeat victims (6 in all) 6 with 2 or more events. Your role shows counts only" in text


def test_the_breakdown_puts_the_ward_needing_attention_first(docs):
    text = text_of(render.html(docs["held", "analyst", "district"]))
    assert text.index("Abbey") < text.index("Beacon")
    assert "Crimes rose from 5 to 44: a real rise" in text and "1 person newly wanted (2 wanted in all)" in text
    assert "No real change in crimes, calls, ASB or missing episodes." in text
    assert "changes tested; 5% false discovery rate" in text


def test_file_names_say_whose_document_it_is():
    doc = replace(_ward_stub(), ward_name="St Mary's / Castle: \"North\"")
    assert render.file_name(doc, "pdf") == "2026-06-30 St Mary's - Castle- -North (E05000001) ward briefing.pdf"


def _ward_stub():
    reading = compose.Reading("a@x", "A", "Analyst", True, AS_OF, briefing_data.PREVIOUS_BRIEFING, 7,
                              AS_OF, AS_OF, AS_OF, "")
    return compose.WardBriefing(ABBEY, "Abbey", "Northtown", reading, (), 0, 0, (), (), (), 0, (), False, (), (),
                                False, None, None, ())


@needs_chromium
@pytest.mark.parametrize("key, name, expected", [
    (("held", "analyst", "ward"), "abbey-analyst", ["Abbey ward briefing", "Vehicle crime rose from 2 to 30", "Name-PN",
                                                    "NEW", "People wanted"]),
    (("held", "viewer", "ward"), "abbey-viewer", ["Abbey ward briefing", "OFFICIAL: COUNTS ONLY"]),
    (("held", "analyst", "district"), "northtown-analyst", ["Northtown: every ward", "Crimes rose from 5 to 44",
                                                            "Abbey", "Beacon"]),
])
def test_the_pdf_is_the_same_document_on_one_or_two_a4_pages(docs, key, name, expected):
    import pypdfium2

    pdf = render.render(docs[key], "pdf")
    assert pdf.startswith(b"%PDF")
    reader = pypdfium2.PdfDocument(pdf)
    assert 1 <= len(reader) <= 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    text = ""
    for number in range(len(reader)):
        page = reader[number]
        assert tuple(round(v) for v in page.get_size()) == (595, 842)  # A4 in points
        text += page.get_textpage().get_text_range() + "\n"
        page.render(scale=1.3).to_pil().save(SHOTS / f"{name}-page{number + 1}.png")
    flat = re.sub(r"\s+", " ", text)
    for fragment in expected:
        assert fragment in flat, fragment
    if key[1] == "viewer":
        assert "Name-" not in flat
    crimes = re.search(r"Crimes\s+(\d+)\s+▲?\s*real rise from (\d+)", flat)
    if key[2] == "ward":
        assert crimes and crimes.groups() == ("44", "5")  # the headline figure, as printed
