"""Sign-in through a real OpenID Connect provider, in a real browser, and scope under load.

An OpenID Connect provider (the PyPI package oidc-provider-mock) runs in a thread on
127.0.0.1 with several users; the app is served with a temporary secrets.toml pointing at it
(AUTHLIB_INSECURE_TRANSPORT=1, since the test speaks plain http) and a users file giving each
user a role and wards. Chromium signs in as a person would: the app's sign-in page, the
provider's page, the redirect back, the user's name shown, sign-out. No test-only way in."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
import werkzeug.serving
from oidc_provider_mock import User as MockUser
from oidc_provider_mock import app as oidc_app

from demand.fixtures import ABBEY, BEACON, CASTLE
from tests import scoped_data
from tests.scoped_data import AS_OF, forbidden
from tests.test_browser import ROOT, browser, free_port, screenshot  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.browser

# email: (name, role line of the users file, wards the role reads (None: the force))
PEOPLE = {
    "abbey@force.example": ("Alex Abbey", f'role = "officer"\nwards = ["{ABBEY}"]', {ABBEY}),
    "beacon@force.example": ("Bea Beacon", f'role = "officer"\nwards = ["{BEACON}"]', {BEACON}),
    "castle@force.example": ("Cas Castle", f'role = "officer"\nwards = ["{CASTLE}"]', {CASTLE}),
    "two@force.example": ("Tom Two-Wards", f'role = "officer"\nwards = ["{ABBEY}", "{BEACON}"]', {ABBEY, BEACON}),
    "north@force.example": ("Nia North", 'role = "inspector"\ndistrict = "Northtown"', {ABBEY, BEACON}),
    "south@force.example": ("Sam South", 'role = "inspector"\ndistrict = "Southvale"', {CASTLE}),
    "analyst@force.example": ("Ana Lyst", 'role = "analyst"', None),
    "viewer@force.example": ("Vic Viewer", 'role = "viewer"', None),
}


@pytest.fixture(scope="module")
def provider():
    """The OpenID Connect provider on 127.0.0.1; yields its issuer URL."""
    users = [MockUser(sub=email, claims={"email": email, "name": name}) for email, (name, _, _) in PEOPLE.items()]
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory):
    """The app served over the crafted scoped data with sign-in configured; yields its URL."""
    folder = tmp_path_factory.mktemp("signed_app")
    data = scoped_data.write(folder / "data")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
        'client_id = "repeat-demand"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    users = folder / "users.toml"
    users.write_text('contact = "the Performance team"\n' + "".join(
        f'\n[users."{email}"]\n{grant}\n' for email, (_, grant, _) in PEOPLE.items()))
    log = folder / "streamlit.log"
    env = {**os.environ, "DEMAND_DATA": str(data), "DEMAND_USERS": str(users),
           "DEMAND_STATE_DIR": str(folder / "state"), "AUTHLIB_INSECURE_TRANSPORT": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--secrets.files", str(secrets)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
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
        yield base, folder
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        print(f"--- streamlit output ---\n{log.read_text()}")


def settled(page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def sign_in(context, base: str, email: str, provider: str, shot: str | None = None):
    """The whole sign-in, as a person does it; returns the signed-in page."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base + "/")
    page.get_by_role("button", name="Sign in").wait_for()
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{base}/**")
    page.get_by_text("Signed in as").first.wait_for()
    settled(page)
    return page


def test_sign_in_and_out_through_the_provider(signed_app, provider, browser):  # noqa: F811
    base, _ = signed_app
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        page = sign_in(context, base, "abbey@force.example", provider, shot="sign_in")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Alex Abbey, neighbourhood officer (1 ward)").wait_for()
        assert page.get_by_role("heading", name="Repeat demand").count() == 1
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{provider}/oauth2/end_session**")  # the provider's own sign-out page
        page.get_by_role("button", name="End session").click()
        page.get_by_role("button", name="Sign in").wait_for()  # back at the app, signed out
        assert page.get_by_text("Signed in as").count() == 0
        page.goto(base + f"/ward?ward={ABBEY}")
        page.get_by_role("button", name="Sign in").wait_for()
        assert page.get_by_text("Name-").count() == 0
    finally:
        context.close()


PAGES_OF = {  # each person on a different page
    "abbey@force.example": f"/ward?ward={ABBEY}&window=12m&as_of={AS_OF}",
    "beacon@force.example": f"/repeats?window=12m&as_of={AS_OF}",
    "castle@force.example": f"/profile?person=PBOTH&window=12m&as_of={AS_OF}",
    "two@force.example": f"/compare?window=12m&as_of={AS_OF}",
    "north@force.example": f"/repeats?district=Southvale&window=12m&as_of={AS_OF}",
    "south@force.example": f"/ward?window=12m&as_of={AS_OF}",
    "analyst@force.example": f"/audit?as_of={AS_OF}",
    "viewer@force.example": f"/concentration?window=12m&as_of={AS_OF}",
}


def test_eight_people_at_once_each_see_only_their_own_scope(signed_app, provider, browser):  # noqa: F811
    base, _ = signed_app
    contexts, pages = [], {}
    try:
        for email in PAGES_OF:
            context = browser.new_context(viewport={"width": 1300, "height": 900})
            contexts.append(context)
            pages[email] = sign_in(context, base, email, provider)
        for email, path in PAGES_OF.items():  # all eight pages load at the same time
            pages[email].goto(base + path, wait_until="commit")
        for email, page in pages.items():
            page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
            settled(page)
            if email == "castle@force.example":  # the profile asks why first
                page.locator('[data-testid="stSelectbox"]').filter(has_text="Why are you opening it?").click()
                page.get_by_role("option", name="Safeguarding or vulnerability").click()
                page.get_by_text("outside your wards: counted here, not shown").wait_for()
                # The crime in their own ward is shown (checked now, while the profile is open:
                # on a loaded machine the later pages' runs can take a while).
                # (in the table's accessible cells, which the canvas-drawn grid keeps hidden)
                page.get_by_text("RCA5").first.wait_for(state="attached")
                settled(page)
            shown = page.locator("body").text_content()
            for asked in parse_qs(urlparse(PAGES_OF[email]).query).values():  # their own words, echoed
                shown = shown.replace(f"'{asked[0]}'", "")
            assert page.locator('[data-testid="stException"]').count() == 0, email
            leaked = {t for t in forbidden(PEOPLE[email][2]) if t in shown}
            assert not leaked, (email, leaked)
        # What each should see: their own wards' people, and the viewer no person at all.
        assert "Name-PAB1" in pages["abbey@force.example"].locator("body").text_content()
        assert "Name-PBE1" in pages["beacon@force.example"].locator("body").text_content()
        north = pages["north@force.example"].locator("body").text_content()
        assert "District 'Southvale' is not one you can see" in north
        viewer = pages["viewer@force.example"].locator("body").text_content()
        assert "Name-" not in viewer and "Addr-" not in viewer
        screenshot(pages["abbey@force.example"], "ward_scoped_officer")
        audit = pages["analyst@force.example"]
        audit.reload()
        audit.get_by_role("heading", name="Audit log").wait_for()
        settled(audit)
        audit.get_by_text("records").first.wait_for()
        screenshot(audit, "audit_log")
    finally:
        for context in contexts:
            context.close()
