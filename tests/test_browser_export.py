"""The Export page in a real browser over the small synthetic force: what will be published, at
desktop and phone width, and a real download that the export log records first. The printable
summary itself at phone and desktop width and as its one-page PDF. Screenshots go to
test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from demand.access import command_line_user
from demand.disclosure.export import Request, produce
from demand.present import document
from demand.reader import Reader
from demand.state import open_state
from tests.test_browser import SHOTS, browser, open_page, screenshot, server, watched_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def areas(small_store):
    wards = Reader(small_store, command_line_user(), None).wards()
    first = wards.iloc[0]
    return {"ward": first["ward_code"], "ward_name": first["ward_name"], "district": first["district"]}


def test_the_export_page_shows_what_will_be_published_and_records_the_download(server, browser, areas):  # noqa: F811
    heading = f"Export a public summary: {areas['ward_name']} ward ({areas['district']})"
    page = open_page(browser, server, f"/export?ward={areas['ward']}&window=90d", heading)
    page.get_by_text("What will be published").first.wait_for()
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="figures are shown as").first
    notice.wait_for()
    assert "can be narrowed to fewer than 3 possible values" in notice.inner_text()
    screenshot(page, "export-page")
    state = open_state()
    before = len(state.exports.records())
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download: Table (CSV)").click()
    saved = download.value.path().read_bytes().decode("utf-8-sig")
    assert saved.startswith("section,item,ward,period,month,count,shown,note")
    assert f"about,Area,,,,,,\"{areas['ward_name']} ward, {areas['district']}\"" in saved
    records = state.exports.records()
    state.close()
    assert len(records) == before + 1
    newest = records[0]
    assert (newest["area"], newest["format"], newest["file_name"]) == (
        areas["ward"], "csv", download.value.suggested_filename)
    page.close()


def test_the_export_page_at_phone_width(server, browser, areas):  # noqa: F811
    heading = f"Export a public summary: {areas['ward_name']} ward ({areas['district']})"
    page, watch = watched_page(browser, server, f"/export?ward={areas['ward']}&window=90d", heading, 390)
    page.get_by_text("What will be published").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "export-page-phone")
    # the printable page's tab: the page in a frame as tall as the page, nothing to scroll inside
    page.get_by_role("tab", name="Printable page").click()
    frame = page.frame_locator("iframe").first
    frame.locator("h1").first.wait_for()
    inside = frame.locator("body").evaluate("body => body.ownerDocument.documentElement.scrollHeight")
    expect(page.locator("iframe").first).to_have_js_property("clientHeight", inside, timeout=30_000)
    screenshot(page, "export-page-phone-printable")
    assert watch.third_party() == [] and watch.problems == []
    page.close()


@pytest.mark.parametrize("area_key, window", [("ward", "90d"), ("district", "12m")])
def test_the_printable_summary_reads_on_a_phone_and_prints_on_one_a4_page(small_store, browser, areas,  # noqa: F811
                                                                          area_key, window):
    import pypdfium2

    reader = Reader(small_store, command_line_user(), None)
    summary, output, _ = produce(reader, Request(areas[area_key], window=window, format="html"))
    html = output.content.decode()
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = f"export-summary-{area_key}-{window}"
    for width in (390, 1000):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(html)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off a phone
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.close()
    pdf = pypdfium2.PdfDocument(document.to_pdf(html))
    try:
        assert len(pdf) == 1
        text = pdf[0].get_textpage().get_text_range()
        assert summary.title.split(":")[0] in text and "Disclosure control" in text
        pdf[0].render(scale=1.6).to_pil().save(SHOTS / f"{name}-print.png")
    finally:
        pdf.close()
