"""The real app in a real browser: `streamlit run` on a free port over the small synthetic
force, driven by Playwright with Debian's Chromium. Each page must show its heading and a
number computed here from the same data; a screenshot of each is saved to
test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from demand import analytics, areas

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(small_force, tmp_path_factory):
    """The app served over the small force; yields its base URL. Its output is printed when
    a test fails (pytest shows captured stdout)."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = {**os.environ, "DEMAND_DATA": str(small_force)}
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy:\n{log.read_text()}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        print(f"--- streamlit output ---\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (./dev test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def expected(small_store):
    """Headings and numbers each page must show, computed from the data, not hard-coded."""
    wards = areas.wards(small_store)
    ward = wards.iloc[0]
    district = ward["district"]
    ward_scope, district_scope = (
        areas.resolve(small_store, ward["ward_code"]),
        areas.resolve(small_store, district),
    )
    force = areas.resolve(small_store, "force")
    info = analytics.table_info(small_store, force).set_index("table_name")
    events = int(info.loc[["calls", "crimes", "missing_episodes"], "row_count"].sum())
    head = analytics.headline(small_store, ward_scope, "90d").set_index("measure")
    compare = analytics.headline(small_store, district_scope, "90d").set_index("measure")
    victims = analytics.rank(small_store, ward_scope, "victims", "90d")
    top_place = analytics.rank(small_store, ward_scope, "locations", "90d", limit=1).iloc[0]
    timeline = analytics.timeline(small_store, force, location=top_place["id"])
    shares = {
        k: analytics.concentration(small_store, district_scope, k, "12m")["top_share"][10]
        for k in analytics.KINDS
    }
    no_ward = analytics.data_quality(small_store, force)
    no_ward = int(no_ward.loc[no_ward["ward_code"].isna(), "events_no_ward"].iloc[0])
    ward_q = f"ward={ward['ward_code']}&window=90d"
    return {
        "home": ("/", "Repeat demand", f"{events:,}"),
        "ward": (
            f"/ward?{ward_q}",
            f"{ward['ward_name']} ward ({district})",
            f"{int(head.loc['crimes', 'count']):,}",
        ),
        "compare": (
            f"/compare?district={district}&window=90d",
            f"Compare periods: {district}",
            f"Crimes: {int(compare.loc['crimes', 'count']):,}",
        ),
        "repeats": (
            f"/repeats?{ward_q}",
            f"Repeat lists: {ward['ward_name']} ward ({district})",
            f"{len(victims):,} victims",
        ),
        "profile": (
            f"/profile?{ward_q}&location={top_place['id']}",
            f"Open the profile of location {top_place['id']}",
            f"{len(timeline):,} events in all",
        ),
        "concentration": (
            f"/concentration?district={district}&window=12m",
            f"Concentration: {district}",
            f"{max(shares.values()) * 100:.0f}%",
        ),
        "data": ("/data", "Data", f"{no_ward:,}"),
    }


def open_page(browser, base: str, path: str, heading: str, width: int = 1400):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base + path)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
    # The app has finished running once the "Running..." status widget has gone.
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    return page


def give_reason(page, reason: str = "Problem solving (SARA)") -> None:
    """Answer the profile's question 'why are you opening it?' (it goes in the audit log)."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Why are you opening it?").click()
    page.get_by_role("option", name=reason).click()
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def screenshot(page, name: str) -> Path:
    """A full-page picture: Streamlit scrolls inside its main block, so grow the viewport to
    the content's height (re-measured until charts and maps have laid out) first."""
    height = 0
    for _ in range(6):
        now = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
        if now == height:
            break
        height = now
        page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height + 60, 12_000)})
        page.wait_for_timeout(1500)
    # Charts and maps load their code lazily: wait until each has drawn.
    for chart, drawn in (("stPlotlyChart", ".main-svg"), ("stDeckGlJsonChart", "canvas")):
        for number in range(page.locator(f'[data-testid="{chart}"]').count()):
            page.locator(f'[data-testid="{chart}"]').nth(number).locator(drawn).first.wait_for(timeout=30_000)
    # Not "networkidle": Streamlit's connection keeps the network busy, so on a loaded
    # machine that wait can time out although everything has drawn.
    page.wait_for_timeout(1500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("name", ["home", "ward", "compare", "repeats", "profile", "concentration", "data"])
def test_page_shows_its_heading_and_a_number_from_the_data(server, browser, expected, name):
    path, heading, number = expected[name]
    page = open_page(browser, server, path, heading)
    try:
        if name == "profile":
            give_reason(page)
        page.get_by_text(number, exact=False).first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert screenshot(page, name).stat().st_size > 10_000
    finally:
        page.close()


def test_ward_page_at_phone_width(server, browser, expected):
    path, heading, number = expected["ward"]
    page = open_page(browser, server, path, heading, width=390)
    try:
        page.get_by_text(number, exact=True).first.wait_for(timeout=30_000)
        # Nothing may be wider than the phone: the page must not scroll sideways.
        overflow = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollWidth")
        assert overflow <= 390
        screenshot(page, "ward_phone")
    finally:
        page.close()


def click_first_row(page, grid, url_glob: str) -> None:
    """Tick the first data row of a dataframe (drawn on a canvas, so by position) and wait
    for the page it opens. Charts and maps above the grid can still be laying out, moving
    it: click only once its position has held still, and click again if nothing opened."""
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    for attempt in range(3):
        box, settled = None, grid.bounding_box()
        while box != settled:
            page.wait_for_timeout(500)
            box, settled = settled, grid.bounding_box()
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 18)  # the first data row's checkbox
        try:
            page.wait_for_url(url_glob, timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def test_a_repeat_list_row_opens_its_profile(server, browser, expected):
    path, heading, _ = expected["repeats"]
    page = open_page(browser, server, path, heading)
    try:
        click_first_row(page, page.locator('[data-testid="stDataFrame"]').first, "**/profile?**person=**")
        assert "ward=" in page.url and "window=90d" in page.url
        give_reason(page)
        page.get_by_role("heading", name="Timeline").wait_for(timeout=30_000)
    finally:
        page.close()


def test_a_last_7_days_row_opens_its_location(server, browser, expected, small_store):
    path, heading, _ = expected["ward"]
    ward = path.split("ward=")[1].split("&")[0]
    recent = analytics.recent_events(small_store, areas.resolve(small_store, ward), 7)
    if recent.empty or recent["location_id"].isna().iloc[0]:
        pytest.skip("the ward's newest event of the last 7 days has no location")
    page = open_page(browser, server, path, heading)
    try:
        click_first_row(page, page.locator(".st-key-ward_recent").first,
                        f"**/profile?**location={recent['location_id'].iloc[0]}**")
        assert f"ward={ward}" in page.url and "window=90d" in page.url
        give_reason(page)
        page.get_by_role("heading", name="Timeline").wait_for(timeout=30_000)
    finally:
        page.close()


@pytest.mark.parametrize("name, path", [
    ("compare_gap", "/compare?district={district}&window=12m&as_of=2025-12-31"),
    ("ward_gap", "/ward?ward={ward}&window=12m&as_of=2025-12-31"),
])
def test_a_year_with_a_missing_month_is_counted_over_the_months_covered(server, browser, small_store, name, path):
    """The small force's crime source lacks May 2025: the 12 months to 2025-12-31 are shown
    over the 11 months covered, said in words, never blanked and never zero-filled."""
    import json

    gap = json.loads((small_store.data_dir / "synth_manifest.json").read_text())["defects"]["coverage_gap"]
    assert gap == {"table": "crimes", "month": "2025-05-01"}
    ward = areas.wards(small_store).iloc[0]
    url = path.format(district=ward["district"], ward=ward["ward_code"])
    heading = f"Compare periods: {ward['district']}" if name == "compare_gap" else (
        f"{ward['ward_name']} ward ({ward['district']})")
    page = open_page(browser, server, url, heading)
    try:
        page.get_by_text("11 of 12 months; no crime data for May 2025", exact=False).first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, name)
    finally:
        page.close()


def test_the_briefing_page_shows_the_ward_briefing_and_hands_out_an_audited_pdf(server, browser, small_store):
    """The Briefing page of the first ward: the document (the ward's 90-day crimes as the Ward page
    counts them) in its frame, at desktop and phone width, and its PDF downloaded after an audit
    record of the download is written."""
    import pypdfium2

    from demand.state import open_state

    ward = areas.wards(small_store).iloc[0]
    crimes = analytics.headline(small_store, areas.resolve(small_store, ward["ward_code"]), "90d")
    crimes = int(crimes.set_index("measure").loc["crimes", "count"])
    path = f"/briefing?district={ward['district']}&ward={ward['ward_code']}"
    heading = f"Briefing: {ward['ward_name']} ward ({ward['district']})"
    for width, name in ((1400, "briefing"), (390, "briefing_phone")):
        page = open_page(browser, server, path, heading, width=width)
        try:
            frame = page.frame_locator("iframe").first
            frame.get_by_role("heading", name=f"{ward['ward_name']} ward briefing").wait_for(timeout=60_000)
            figure = frame.locator('[data-measure="crimes"] .value')
            assert figure.inner_text().replace(",", "") == str(crimes)
            if width == 390:
                assert page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollWidth") <= 390
            screenshot(page, name)
            if width == 1400:
                state = open_state()
                newest = state.audit.records(limit=1)
                before = newest[0]["seq"] if newest else 0
                with page.expect_download(timeout=90_000) as download:
                    page.get_by_role("button", name="Download PDF (A4)").click()
                pdf = Path(download.value.path()).read_bytes()
                assert download.value.suggested_filename.endswith(f"({ward['ward_code']}) ward briefing.pdf")
                text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
                assert f"{ward['ward_name']} ward briefing" in text
                added = [r for r in state.audit.records(action="download", limit=10) if r["seq"] > before]
                state.close()
                assert [r["area"] for r in added] == [ward["ward_code"]] and "ward briefing.pdf" in added[0]["params"]
        finally:
            page.close()
