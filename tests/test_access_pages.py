"""Sign-in, roles and scope on the real pages (Streamlit's AppTest, a signed-in user as
st.user gives it, the users file): each user sees only their pages and their wards, the
unknown and the signed-out see nothing, and every look at personal data is audited."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from demand.fixtures import ABBEY, BEACON, CASTLE
from demand.state import AuditWriteError, open_state
from tests import scoped_data
from tests.markdown import read
from tests.scoped_data import AS_OF, forbidden

APP = str(Path(__file__).resolve().parent.parent / "app.py")
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-for-use",
    "client_id": "repeat-demand",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
USERS_FILE = f"""
contact = "the Performance team (performance@force.example)"

[users."abbey@force.example"]
role = "officer"
wards = ["{ABBEY}"]

[users."castle@force.example"]
role = "officer"
wards = ["{CASTLE}"]

[users."north@force.example"]
role = "inspector"
district = "Northtown"

[users."viewer@force.example"]
role = "viewer"

[groups."sg-repeat-demand-analysts"]
role = "analyst"
"""
WARDS_OF = {
    "abbey@force.example": {ABBEY},
    "castle@force.example": {CASTLE},
    "north@force.example": {ABBEY, BEACON},
    "viewer@force.example": None,
    "analyst@force.example": None,
}
ALL_PAGES = ["views/home.py", "views/ward.py", "views/briefing.py", "views/compare.py", "views/repeats.py",
             "views/profile.py", "views/streets.py", "views/find.py", "views/concentration.py", "views/data.py",
             "views/problems.py", "views/export.py", "views/audit.py"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return scoped_data.write(tmp_path_factory.mktemp("scoped_pages"))


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.toml"
    path.write_text(USERS_FILE)
    return path


@pytest.fixture
def env(monkeypatch, data, users_file):
    monkeypatch.setenv("DEMAND_DATA", str(data))
    monkeypatch.setenv("DEMAND_USERS", str(users_file))


def signed_in(email: str | None, groups=(), iat: float | None = None, **params) -> AppTest:
    test = AppTest.from_file(APP, default_timeout=60)
    test.secrets["auth"] = AUTH
    if email is None:
        test.user = {"is_logged_in": False}
    else:
        test.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title(),
                     "groups": list(groups), "iat": iat or time.time()}
    test.query_params.update({"as_of": AS_OF.isoformat(), **params})
    return test


def run(test: AppTest, page: str | None = None) -> AppTest:
    if page:
        test.switch_page(page)
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def everything_shown(test: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "code"):
        parts += [str(e.value) for e in getattr(test, kind)]
    parts += [f"{m.label} {m.value}" for m in test.metric]
    parts += [" ".join(map(str, s.options)) for s in test.selectbox]
    for frame in test.dataframe:
        value = frame.value
        parts.append(value.data.to_csv() if hasattr(value, "data") else pd.DataFrame(value).to_csv())
    parts += [str(link.label) for link in test.get("page_link")]
    parts += [frame.proto.srcdoc for frame in test.get("iframe")]  # a document shown in the page (Briefing)
    return read("\n".join(parts))


def audit_records() -> list[dict]:
    state = open_state()
    try:
        return state.audit.records(limit=100_000)
    finally:
        state.close()


def test_a_signed_out_visitor_sees_only_the_sign_in_page(env):
    test = run(signed_in(None))
    assert [b.label for b in test.button] == ["Sign in"]
    assert not test.dataframe and not test.metric and not test.sidebar.selectbox


def test_an_unknown_user_is_told_whom_to_ask_and_sees_nothing_else(env):
    test = run(signed_in("stranger@force.example"))
    assert test.title[0].value == "No access yet"
    assert "Ask the Performance team (performance@force.example) to add you" in read(test.info[0].value)
    assert not test.dataframe and not test.metric


def test_a_group_claim_gives_its_role(env):
    test = run(signed_in("analyst@force.example", groups=["sg-other", "sg-repeat-demand-analysts"]))
    assert "Analyst, analyst (whole force)" in everything_shown(test)


OFFICER_PAGES = ["Overview", "Ward", "Briefing", "Compare periods", "Repeat lists", "Profile", "Crimes by street",
                 "Find", "Concentration", "Data", "Problems"]


@pytest.mark.parametrize("email, pages", [
    ("abbey@force.example", OFFICER_PAGES),
    ("viewer@force.example", ["Overview", "Briefing", "Compare periods", "Concentration", "Data"]),
    ("analyst@force.example", [*OFFICER_PAGES, "Export", "Audit log"]),
])
def test_the_page_list_follows_the_role(env, email, pages):
    test = run(signed_in(email, groups=["sg-repeat-demand-analysts"]))
    links = [read(link.label) for link in test.get("page_link") if ": " in link.label and "this week" not in link.label]
    assert [p for p in pages if p != "Overview"] == [link.split(":")[0].strip("*") for link in links]


def test_a_page_outside_the_role_is_not_served(env):
    test = run(signed_in("viewer@force.example"))
    with pytest.raises(ValueError, match="Could not find a navigation page") as missing:
        test.switch_page("views/repeats.py")
    assert "repeats.py" not in str(missing.value).split("Known pages:")[1]


def test_a_session_past_its_absolute_limit_is_ended(env):
    test = run(signed_in("abbey@force.example", iat=time.time() - 11 * 3600))
    assert test.title[0].value == "Session ended" and "at most 10 hours" in test.info[0].value
    assert not test.dataframe and not test.metric


def test_an_idle_session_is_ended(env, monkeypatch):
    monkeypatch.setenv("DEMAND_IDLE_MINUTES", "0.001")  # 60 ms
    issued = time.time() - 5
    test = run(signed_in("castle@force.example", iat=issued))
    assert test.title[0].value != "Session ended"
    time.sleep(0.2)
    run(test)
    assert test.title[0].value == "Session ended" and "without activity" in test.info[0].value


def test_without_sign_in_a_live_deployment_refuses_to_start(env, monkeypatch):
    monkeypatch.setenv("DEMAND_LIVE", "1")
    test = AppTest.from_file(APP, default_timeout=60)
    run(test)
    assert test.title[0].value == "Repeat demand is not available"
    assert "marked live (DEMAND_LIVE)" in test.info[0].value and not test.metric


@pytest.mark.parametrize("page", ["views/home.py", "views/compare.py", "views/data.py", "views/concentration.py"])
def test_demonstration_mode_says_so_on_every_page(env, page):
    test = AppTest.from_file(APP, default_timeout=60)
    run(test)
    run(test, page)
    assert any("Demonstration mode" in w.value for w in test.warning)


def test_the_officers_ward_page_shows_their_ward_only(env):
    test = run(signed_in("abbey@force.example", ward=ABBEY, window="12m"), None)
    run(test, "views/ward.py")
    assert test.title[0].value == "Abbey ward (Northtown)"
    assert next(m.value for m in test.metric if m.label == "Crimes") == "8"
    assert test.sidebar.selectbox(key="sb_district").options == ["All my wards", "Northtown"]
    assert not {t for t in forbidden({ABBEY}) if t in everything_shown(test)}


def test_a_profile_view_adds_exactly_one_audit_record_with_its_reason(env):
    test = run(signed_in("abbey@force.example", person="PBOTH"), "views/profile.py")
    before = len(audit_records())
    test.selectbox(key="profile_purpose_person_PBOTH").set_value("Safeguarding or vulnerability")
    run(test)
    records = audit_records()
    assert len(records) == before + 1
    record = records[0]
    assert (record["user_email"], record["action"], record["page"], record["purpose"]) == (
        "abbey@force.example", "profile", "profile", "Safeguarding or vulnerability")
    assert record["id_count"] == 3  # PBOTH and the two Abbey crimes; the Castle two are not shown
    assert "2 more events of this person lie outside your wards: counted here, not shown." in everything_shown(test)


def test_a_failing_audit_write_shows_no_personal_data(env, monkeypatch):
    def refuse(self, entry, connection=None):
        raise AuditWriteError("the audit log could not be written (OperationalError)")

    monkeypatch.setattr("demand.state.audit.AuditLog.append", refuse)
    test = run(signed_in("abbey@force.example", ward=ABBEY, window="12m"), None)
    run(test, "views/repeats.py")
    shown = everything_shown(test)
    assert "Person-level data is not shown because the audit log could not be written" in shown
    assert "Name-" not in shown and not [f for f in test.dataframe if "name" in getattr(f.value, "columns", [])]


# --- the property: no out-of-scope row anywhere -------------------------------------------------

EMAILS = sorted(WARDS_OF)
AREA_PARAMS = st.sampled_from([{}, {"ward": ABBEY}, {"ward": BEACON}, {"ward": CASTLE}, {"district": "Northtown"},
                               {"district": "Southvale"}, {"ward": "' OR 1=1 --"}, {"ward": "x" * 100_000},
                               {"district": "../../etc/passwd"}])
EXTRA_PARAMS = st.sampled_from([{}, {"person": "PCA1"}, {"person": "PBOTH"}, {"person": "PAB1"},
                                {"location": "LCA1"}, {"location": "LAB1"}, {"person": "' OR 1=1 --"},
                                {"window": "12m"}, {"wards": CASTLE}, {"include_unwarded": "true"},
                                {"street": "Street-LCA1"}, {"street": "Street-LAB1"}])


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(email=st.sampled_from(EMAILS), page=st.sampled_from(ALL_PAGES), area=AREA_PARAMS, extra=EXTRA_PARAMS)
def test_no_page_shows_anything_outside_the_users_wards(env, email, page, area, extra):
    test = signed_in(email, groups=["sg-repeat-demand-analysts"] if email.startswith("analyst") else [],
                     **{**area, **extra, "window": "12m"})
    run(test, None)
    try:  # the page opened by its link, as a colleague's link opens it (the URL's parameters with it)
        test.query_params.update({**area, **extra, "window": "12m"})
        test.switch_page(page)
    except ValueError:  # not one of this role's pages: it is not served at all
        page = None
    run(test)
    if page == "views/profile.py" and ("person" in extra or "location" in extra):
        reference = extra.get("person") or extra.get("location")
        kind = "person" if "person" in extra else "location"
        widget = [s for s in test.selectbox if s.key == f"profile_purpose_{kind}_{reference}"]
        if widget:
            widget[0].set_value("Investigation")
            run(test)
    if page == "views/find.py":  # a search every name and place of the data would match
        test.text_input(key="find_text").set_value("Name")
        run(test)
        shown = everything_shown(test)
        test.text_input(key="find_text").set_value("Street-")
        run(test)
        shown += everything_shown(test)
    else:
        shown = everything_shown(test)
    for asked in [*area.values(), *extra.values()]:
        shown = shown.replace(str(asked)[:40], "")  # a user's own words may be echoed back
    wards = WARDS_OF[email]
    leaked = {token for token in forbidden(wards) if token in shown}
    assert not leaked
    if wards is None and email.startswith("viewer"):
        assert "Name-" not in shown and "Addr-" not in shown  # a viewer never sees a person or address


@pytest.mark.parametrize("email", ["abbey@force.example", "castle@force.example", "north@force.example"])
def test_a_search_finds_only_the_people_and_places_of_the_users_wards(env, email):
    test = run(signed_in(email, window="12m"), "views/find.py")
    test.text_input(key="find_text").set_value("Name-")
    run(test)
    people = everything_shown(test)
    test.text_input(key="find_text").set_value("Street-")
    run(test)
    places = everything_shown(test)
    hidden = forbidden(WARDS_OF[email])
    assert not {t for t in hidden if t in people + places}
    mine = {"abbey@force.example": ("Name-PAB1", "Addr-LAB1", "Street-LAB1"),
            "castle@force.example": ("Name-PCA1", "Addr-LCA1", "Street-LCA1"),
            "north@force.example": ("Name-PBE1", "Addr-LBE1", "Street-LBE1")}[email]
    assert mine[0] in people and mine[1] in places and mine[2] in places
    searches = [r for r in audit_records() if r["user_email"] == email and r["action"] == "find_people"]
    assert searches and json.loads(searches[0]["params"])["text"] == "Street-"
