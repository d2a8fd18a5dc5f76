"""Streamlit glue shared by app.py and the pages: the store, the signed-in user, reads
through the gate (cached on the resolved wards), the sidebar's view state, and the few
widgets every page draws the same way.

Logic lives in ``demand``; this module only decides how it reaches the screen.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from demand import access, areas, config, dashboard, ui_state
from demand.access import User
from demand.present import wording
from demand.reader import ANALYSES, Reader
from demand.state import State, open_state
from demand.store import Scope, Snapshot, Store
from demand.ui_state import View

PAGES = {
    # path: (key, title, icon, url path, one-line purpose for the landing page)
    "views/home.py": ("home", "Overview", ":material/home:", "", "What this is and the data it holds"),
    "views/ward.py": (
        "ward",
        "Ward",
        ":material/location_city:",
        "ward",
        "This week, repeat people and places, map and trend for one ward",
    ),
    "views/briefing.py": (
        "briefing",
        "Briefing",
        ":material/description:",
        "briefing",
        "The ward briefing or district breakdown, to read, print or download",
    ),
    "views/compare.py": (
        "compare",
        "Compare periods",
        ":material/compare_arrows:",
        "compare",
        "Which wards and crime types are rising or falling",
    ),
    "views/repeats.py": (
        "repeats",
        "Repeat lists",
        ":material/format_list_numbered:",
        "repeats",
        "Repeat victims, offenders, callers, missing persons and locations",
    ),
    "views/profile.py": (
        "profile",
        "Profile",
        ":material/person_search:",
        "profile",
        "The timeline of one person or location",
    ),
    "views/streets.py": (
        "streets",
        "Crimes by street",
        ":material/signpost:",
        "streets",
        "From the force to a district, a ward, a street and its records",
    ),
    "views/find.py": (
        "find",
        "Find",
        ":material/search:",
        "find",
        "A person, a place or a street by name",
    ),
    "views/concentration.py": (
        "concentration",
        "Concentration",
        ":material/stacked_line_chart:",
        "concentration",
        "How much demand comes from the busiest few",
    ),
    "views/data.py": (
        "data",
        "Data",
        ":material/database:",
        "data",
        "Freshness, row counts and data quality per ward",
    ),
    "views/problems.py": (
        "problems",
        "Problems",
        ":material/assignment:",
        "problems",
        "Problem-solving plans: the register, each plan's assessment and the monthly review",
    ),
    "views/export.py": (
        "export",
        "Export",
        ":material/ios_share:",
        "export",
        "Public-friendly crime summaries, small numbers protected",
    ),
    "views/audit.py": (
        "audit",
        "Audit log",
        ":material/policy:",
        "audit",
        "Who looked at personal data, when, and why",
    ),
}
REFRESH_SECONDS = 10
PAGE_ROWS = 25
DOWNLOAD_ROWS = 5_000  # the most records one download holds
ASSETS = Path(__file__).resolve().parent / "assets"
# The page icon, served by the app (Material icons as page icons are fetched from a font host).
ICON = ASSETS / "icon.png"
STYLE = "<style>" + (ASSETS / "style.css").read_text() + "</style>"


# --- the store and the state database ----------------------------------------------------------


@st.cache_resource(show_spinner="Opening the data (a first start builds a snapshot) ...")
def _open_store(data_dir: str) -> Store:
    return Store(data_dir)


@st.cache_data(ttl=REFRESH_SECONDS, show_spinner=False)
def _refreshed(data_dir: str) -> str:
    """Look for changed extracts at most every REFRESH_SECONDS; the value is only a key."""
    store = _open_store(data_dir)
    store.refresh()
    return store.version


def store() -> Store:
    """The Store for DEMAND_DATA, refreshed when its extracts changed, with the snapshot
    serving now pinned for this page run (app.py calls this first in every run). A broken
    extract raises ExtractError on the first open; after that the old data keeps serving and
    ``last_error`` says why."""
    data_dir = str(config.data_dir())
    opened = _open_store(data_dir)
    _refreshed(data_dir)
    st.session_state["pinned_snapshot"] = opened.pin()
    return opened


def snapshot() -> Snapshot:
    """The snapshot this page run reads: every read in one run sees the same data, even when
    a refresh lands in the middle of it (the next run reads the new data)."""
    pinned = st.session_state.get("pinned_snapshot")
    return pinned if pinned is not None else store().pin()


@st.cache_resource(show_spinner=False)
def _open_state(data_dir: str) -> State:
    return open_state(data_dir=config.data_dir(data_dir))


def state() -> State | None:
    """The state database (audit log), or None when it cannot be opened: the pages then show
    counts but refuse person-level data (the gate cannot audit it)."""
    try:
        return _open_state(str(config.data_dir()))
    except Exception as error:  # noqa: BLE001 - any failure to open means: no audit, no personal data
        st.session_state["state_error"] = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        return None


# --- the signed-in user ---------------------------------------------------------------------


@st.cache_data(ttl=REFRESH_SECONDS, show_spinner=False)
def _directory(path: str, mtime: float) -> access.Directory:
    return access.Directory.load(Path(path))


def directory() -> access.Directory:
    path = access.settings().users_file
    return _directory(str(path), path.stat().st_mtime if path.exists() else 0.0)


def sign_in_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (an OpenID Connect provider)."""
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 - no secrets file, or one Streamlit cannot parse: not configured
        return False


@st.cache_resource
def _activity() -> dict:
    """Last page run per signed-in identity (email, sign-in time), shared by the sessions of
    this process, so a new tab does not restart the idle clock. Several app processes need
    sticky sessions (as Streamlit's sign-in does anyway)."""
    return {}


def user() -> User:
    return st.session_state["user"]


def stop_page(title: str, message: str, icon: str = ":material/lock:", sign_out: bool = False) -> None:
    st.title(title)
    st.info(message, icon=icon)
    if sign_out:
        st.button("Sign out", on_click=st.logout, key="stop_sign_out")
    st.stop()


def sign_in() -> User:
    """The user of this run. Without sign-in configured: the demonstration user (refused when
    the deployment is live). With it: the signed-in person's role and wards from the users
    file, or a page that stops the run (sign in; session ended; no access yet)."""
    limits = access.settings()
    if not sign_in_configured():
        if limits.live:
            stop_page(
                "Repeat demand is not available",
                "This deployment is marked live (DEMAND_LIVE), so it does not run without sign-in, "
                "and sign-in is not configured. The system administrator adds the identity "
                "provider to .streamlit/secrets.toml (see the README, Sign-in).",
                icon=":material/error:",
            )
        return _demonstration_user()
    if not st.user.is_logged_in:
        st.title("Repeat demand")
        st.markdown(
            "Repeat victims, offenders, places, callers and missing persons, ward by ward. "
            "Sign in with your force account: what you see follows your role and wards, and "
            "every look at personal data is recorded."
        )
        st.button("Sign in", type="primary", on_click=st.login, key="sign_in", icon=":material/login:")
        st.stop()
    email = str(st.user.get("email") or "").strip()
    now = time.time()
    issued = st.user.get("iat")
    signed_in_at = float(issued) if isinstance(issued, (int, float)) else st.session_state.setdefault("signed_in_at", now)
    identity = (email.lower(), signed_in_at)
    activity = _activity()
    reason = access.session_expired(now, signed_in_at, activity.get(identity), limits)
    if reason:
        activity[identity] = float("-inf")  # ended until a new sign-in (a new iat)
        stop_page("Session ended", reason, icon=":material/timer_off:", sign_out=True)
    activity[identity] = now
    found = directory().identify(email, st.user.to_dict(), all_wards())
    if found is None:
        stop_page(
            "No access yet",
            f"You are signed in as {wording.plain(email) if email else 'an account with no email'}, but Repeat "
            f"demand has no role or wards for you. Ask {wording.plain(directory().contact, 200)} to add you.",
            sign_out=True,
        )
    return found


def _demonstration_user() -> User:
    demo = access.demonstration_users(all_wards())
    with st.sidebar:
        role = st.selectbox(
            "Demonstrate as",
            list(demo),
            key="demo_role",
            format_func=lambda r: access.ROLES[r].title,
            help="Demonstration mode only: see the pages as each role would.",
        )
    return demo[role]


# --- reads through the gate ------------------------------------------------------------------


@st.cache_data(ttl=3600, max_entries=500, show_spinner=False)
def _cached(name: str, data_dir: str, version: str, scope: tuple | None, kwargs: tuple, _snapshot: Snapshot) -> Any:
    """An analysis's result, keyed by the wards resolved for the user (never the area's name)
    and the data's version; ``_snapshot`` (not hashed) is the snapshot of that version."""
    function = ANALYSES[name].function
    if scope is None:
        return function(_snapshot, **dict(kwargs))
    wards, include_unwarded, label = scope
    return function(_snapshot, Scope(wards, include_unwarded, label), **dict(kwargs))


def _run(name: str, scope: Scope | None, kwargs: dict) -> Any:
    pinned = snapshot()
    key = None if scope is None else (scope.wards, scope.include_unwarded, scope.label)
    return _cached(name, str(pinned.data_dir), pinned.version, key, tuple(sorted(kwargs.items())), pinned)


def reader() -> Reader:
    """The gate for this user on this page (the page's key goes in the audit record)."""
    audit = state()
    return Reader(snapshot(), user(), audit.audit if audit else None, page=st.session_state.get("page_key", ""),
                  run=_run, thread_setup=_in_this_run())


def _in_this_run() -> Callable[[], None]:
    """What a thread the gate starts for a document's reads (Reader.concurrently) does first:
    take this page run's context, as Streamlit's guide to threads shows, so the reads it runs
    find the run's pinned snapshot and share the app's cache. The threads only read: every
    element is drawn by the page's own thread."""
    context = get_script_run_ctx()
    return lambda: add_script_run_ctx(threading.current_thread(), context)


def call(name: str, area: str | None = None, **kwargs) -> Any:
    """``demand.reader.Reader.call`` for the signed-in user: the area within their wards,
    person-level results audited, results cached on the resolved wards and the data version."""
    return reader().call(name, area, **kwargs)


@st.cache_data(ttl=REFRESH_SECONDS, show_spinner=False)
def _all_wards(data_dir: str, version: str, _snapshot: Snapshot) -> pd.DataFrame:
    return areas.wards(_snapshot)


def all_wards() -> pd.DataFrame:
    """Every ward in the data: reference, used to resolve a user's district."""
    pinned = snapshot()
    return _all_wards(str(pinned.data_dir), pinned.version, pinned)


def wards() -> pd.DataFrame:
    """The wards the signed-in user may read."""
    table = all_wards()
    mine = user().wards
    return table if mine is None else table[table["ward_code"].isin(mine)].reset_index(drop=True)


def page_keys() -> list[str]:
    return access.pages_for(user())


# --- what data is serving ----------------------------------------------------------------------

PERSON_KINDS = ("victims", "offenders", "callers", "missing", "person")


def person_data_missing(kind: str = "person") -> bool:
    """For a person list or profile: when the data holds no person-level records (public
    data), say so plainly on the page and return True so the page shows nothing more."""
    if kind not in PERSON_KINDS or snapshot().person_level:
        return False
    st.info(
        "**Person-level data is not loaded.** This data (public data, such as data.police.uk) "
        "holds places and crime types but no people, so there are no victims, offenders, "
        "callers or missing persons to list. Locations, comparisons, concentration and maps "
        "work; load the force's own extracts to see people.",
        icon=":material/person_off:",
    )
    return True


def recent_span(as_of) -> tuple[int, str, str]:
    """The ward page's "latest" section: days to read, heading and phrase. Data dated by month
    only (data.police.uk) has no last 7 days: its latest month up to the as-of date instead."""
    if snapshot().month_dated:
        return as_of.day, f"{as_of:%B %Y}", f"in {as_of:%B %Y} (the data gives each record's month only)"
    return 7, "Last 7 days", f"in the 7 days to {as_of:%d %b %Y}"


def last_import() -> None:
    """The Data page's account of the import that published the data serving: totals, rows in
    quarantine, per-file counts and how rows were placed in wards."""
    pinned = snapshot()
    report = pinned.import_report
    st.header("Last import")
    if report is None:
        st.caption(
            "This data was not published by an import (`python -m demand ingest` or `refresh`), so "
            "there is no import report; its refresh time is that of its newest file."
        )
        return
    totals = report.get("totals", {})
    st.markdown(
        f"**{report['source']}** import published **{pd.Timestamp(report['published_at']):%d %b %Y %H:%M}** "
        f"(release `{report.get('release')}`): {totals.get('read', 0):,} rows read, "
        f"{totals.get('loaded', 0):,} loaded, {totals.get('rejected', 0):,} rejected, "
        f"{totals.get('duplicates', 0):,} duplicates."
    )
    st.metric(
        "Rows in quarantine",
        f"{report.get('quarantined', 0):,}",
        help=f"Rejected and duplicate rows, each with its file, row, field and reason, in "
        f"{pinned.source / 'quarantine.csv'}",
    )
    reasons = report.get("quarantine_reasons") or {}
    if reasons:
        st.dataframe(
            pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())}),
            hide_index=True,
            key="data_import_reasons",
            column_config={"reason": "Why rows were not loaded", "rows": "Rows"},
        )
    for line in report.get("notes", []):
        st.caption(line)
    st.dataframe(
        dashboard.import_files(report),
        hide_index=True,
        key="data_import_files",
        column_config={"file": "File", "kind": "Kind", "note": "Note", **{
            c: st.column_config.NumberColumn(c.capitalize(), format="localized")
            for c in ("read", "loaded", "rejected", "duplicates")}},
    )
    routes = dashboard.import_routes(report)
    if not routes.empty:
        st.dataframe(routes, hide_index=True, key="data_import_routes",
                     column_config={"route": "How rows were placed in a ward",
                                    "rows": st.column_config.NumberColumn("Rows", format="localized"),
                                    "placed": "Placed"})


def not_held_note() -> None:
    """Name the sources the data does not hold at all (never shown as zero)."""
    missing = [dashboard.SOURCE_LABELS[dashboard.SOURCE_OF_TABLE[t]].lower()
               for t in ("calls", "crimes", "missing_episodes") if t not in snapshot().held_sources]
    if missing:
        st.info(f"Not held in this data at all (shown as *not held*, never as zero): {', '.join(missing)}.",
                icon=":material/block:")


def open_locations_first(tab_key: str) -> None:
    """Public-data mode: a page of repeat lists opens on its Locations tab, the one with
    something to show (a user may still choose another)."""
    if not snapshot().person_level:
        st.session_state.setdefault(tab_key, "locations")


def data_status() -> None:
    """In the frame: when the data was last refreshed, whether it is public data only, and a
    warning when it is older than the configured age."""
    pinned = snapshot()
    refreshed = pinned.refreshed_at
    st.sidebar.caption(f"Data refreshed {refreshed:%d %b %Y %H:%M}")
    if not pinned.person_level:
        st.sidebar.caption("Public data only: places and crime types, dated by month; no people.")
    age_days = (datetime.now() - refreshed).total_seconds() / 86_400
    limit = config.max_age_days()
    if age_days > limit:
        st.warning(
            f"The data was last refreshed on {refreshed:%d %b %Y at %H:%M}, {age_days:.0f} days ago: "
            f"older than the {limit:g} days it should be. Check the daily refresh (the Data page "
            "shows the last import).",
            icon=":material/update:",
        )


# --- the shared view (sidebar) ---------------------------------------------------------------

# Each page's own URL parameters; any other parameter (not the shared view's) is dropped when
# the page runs, so a person= from the profile does not follow the officer back to the Ward page.
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "profile": ("person", "location"),
    "streets": ("street",),
    "problems": ("plan", "new", "kind", "target", "title"),
}


def _reset_ward() -> None:
    st.session_state["sb_ward"] = ""


def _ward_chosen() -> None:
    st.session_state["sb_ward_chosen"] = True


def _date_chosen() -> None:
    """A date picked in the sidebar pins the view to it; picking the latest date unpins it."""
    state = st.session_state
    state["sb_pinned"] = state["sb_as_of"] != state.get("latest_seen")


def _follow_latest() -> None:
    state = st.session_state
    state["sb_as_of"], state["sb_pinned"] = state["latest_seen"], False


def sidebar(wards: pd.DataFrame, dates: tuple) -> View:
    """Area, window and as-of date. The URL is read once per session into the widgets'
    state; invalid values are dropped with a note. Returns the chosen view."""
    state = st.session_state
    first, last = dates
    asked = {k: v for k, v in st.query_params.to_dict().items() if k in ui_state.SHARED_PARAMS}
    # Read the URL once per session, and again when a link or the browser's Back brought another
    # view (a drill-down, a tap on the map); a page change that carries no view keeps this one.
    if "sb_window" not in state or (asked and asked != state.get("url_written")):
        view, notes = ui_state.from_params(st.query_params.to_dict(), wards, dates)
        state["sb_district"] = view.district or ""
        state["sb_ward"] = view.ward or ""
        state["sb_window"] = view.window
        state["sb_as_of"] = view.as_of
        state["sb_pinned"] = view.pinned
        state["url_notes"] = notes
    # Unless a date was chosen, the view is of the latest data, and moves on with new data.
    if not state.get("sb_pinned") or not first <= state["sb_as_of"] <= last:
        state["sb_as_of"], state["sb_pinned"] = last, False
    state["latest_seen"] = last

    districts = sorted(wards["district"].unique())
    if state["sb_district"] not in districts:  # gone from newly served data
        state["sb_district"], state["sb_ward"] = "", ""
    with st.sidebar:
        everything = "Whole force" if user().force_wide else "All my wards"
        st.selectbox(
            "District",
            [""] + districts,
            key="sb_district",
            on_change=_reset_ward,
            format_func=lambda d: d or everything,
        )
        if state["sb_district"]:
            in_district = wards[wards["district"] == state["sb_district"]]
            names = {"": f"All wards in {state['sb_district']}"}
            names.update(zip(in_district["ward_code"], in_district["ward_name"]))
            if state.get("sb_ward") not in names:
                state["sb_ward"] = ""
            st.selectbox("Ward", list(names), key="sb_ward", format_func=names.get, on_change=_ward_chosen)
        st.segmented_control(
            "Period",
            list(ui_state.WINDOW_LABELS),
            key="sb_window",
            required=True,
            format_func=ui_state.WINDOW_LABELS.get,
        )
        st.date_input(
            "As of",
            min_value=first,
            max_value=last,
            key="sb_as_of",
            format="DD/MM/YYYY",
            on_change=_date_chosen,
            help=f"The data runs from {first:%d %b %Y} to {last:%d %b %Y}. Links you share carry a date only "
            "when you choose one here; otherwise they show the latest data when opened.",
        )
        if state["sb_pinned"]:
            st.button("Back to the latest data", key="sb_latest", on_click=_follow_latest,
                      icon=":material/update:", width="stretch")
    view = View(
        district=state["sb_district"] or None,
        ward=state.get("sb_ward") or None,
        window=state["sb_window"],
        as_of=state["sb_as_of"],
        pinned=bool(state["sb_pinned"]),
    )
    _write_url(view)
    return view


def _write_url(view: View) -> None:
    """Put the view in the URL with the page's own parameters (person=...) and nothing else."""
    wanted = ui_state.to_params(view)
    own = PAGE_PARAMS.get(st.session_state.get("page_key", ""), ())
    for key in ui_state.page_params(st.query_params.to_dict(), own):
        del st.query_params[key]
    for key in ui_state.SHARED_PARAMS:
        if key not in wanted and key in st.query_params:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state["url_written"] = wanted


def ward_just_chosen() -> bool:
    """Whether the sidebar's ward was chosen in this run (the Overview then opens the ward)."""
    return bool(st.session_state.pop("sb_ward_chosen", False))


def view() -> View:
    return st.session_state["view"]


def area_params(ward: str | None = None, district: str | None = None, **extra: str) -> dict[str, str]:
    """The URL parameters of the current view moved to another area (a ward, a district, or
    neither: all of the user's area), for a drill-down link; a ward brings its district."""
    if ward and not district:
        match = wards()[wards()["ward_code"] == ward]
        district = match["district"].iloc[0] if len(match) else None
    moved = replace(view(), ward=ward, district=district)
    return {**ui_state.to_params(moved), **extra}


def go_to_ward(ward: str) -> None:
    """Open the Ward page for ``ward`` (its district follows), keeping window and date."""
    st.switch_page("views/ward.py", query_params=area_params(ward=ward))


def _picked_ward(key: str) -> None:
    """A ward chosen in a page's picker becomes the view's ward (before the next run draws the
    sidebar, so its selectors follow)."""
    code = st.session_state.get(key)
    match = wards()[wards()["ward_code"] == code]
    if len(match):
        st.session_state["sb_district"], st.session_state["sb_ward"] = match["district"].iloc[0], code


def ward_picker(key: str, v: View) -> None:
    """For a page of one ward opened without one: choose it here (a phone hides the sidebar)."""
    choices = wards() if not v.district else wards()[wards()["district"] == v.district]
    names = dict(zip(choices["ward_code"], choices["ward_name"] + " (" + choices["district"] + ")"))
    st.selectbox("Choose a ward for a neighbourhood view", list(names), index=None, key=key,
                 format_func=names.get, placeholder="Your ward", on_change=_picked_ward, args=(key,),
                 help="The same as choosing it in the sidebar; the figures below are for the whole area until then.")


def follow_map_choice(choice: tuple[str, str] | None) -> None:
    """Act on a tap on a map (dashboard.map_choice): a place opens its profile, a ward its page."""
    if choice is None:
        return
    kind, reference = choice
    if kind == "location":
        open_profile("locations", reference)
    elif kind == "ward" and reference != view().ward and "ward" in page_keys():
        go_to_ward(reference)


def shared_params(**extra: str) -> dict[str, str]:
    """The URL parameters of the current view plus a page's own, for links between pages."""
    return {**ui_state.to_params(view()), **extra}


def area_label() -> str:
    return ui_state.area_label(view(), wards(), whole_force=user().force_wide)


def window_caption(v: View | None = None, baseline: str = "previous") -> str:
    from demand.windows import previous, window, year_earlier

    v = v or view()
    current = window(v.window, v.as_of)
    base = previous(current) if baseline == "previous" else year_earlier(current)
    return (
        f"{ui_state.WINDOW_LABELS[v.window]} to {current.end:%d %b %Y} "
        f"({current.start:%d %b} – {current.end:%d %b %Y}), compared with "
        f"{base.start:%d %b %Y} – {base.end:%d %b %Y}"
    )


# --- widgets drawn the same way everywhere ---------------------------------------------------


def significance_badge(significance: str | None, p=None) -> None:
    """A verdict as a small label in its colour (demand.present.wording, like every legend)."""
    st.markdown(wording.badge_html(significance, p), unsafe_allow_html=True)


def verdict_legend() -> None:
    """The legend of every map and chart coloured by significance."""
    st.markdown(wording.verdict_legend_html(), unsafe_allow_html=True)


def headline_lines(head: pd.DataFrame) -> None:
    """The four headline figures (analytics.headline, indexed by measure) as four lines, each
    with its verdict's badge: 'Crimes: 228 against 183 before: +45 ▲ significant rise'. The
    Compare page's headline, and the Ward page's on a phone (where four cards fill a screen)."""
    from demand.dashboard import MEASURE_LABELS

    lines = []
    for measure, label in MEASURE_LABELS.items():
        row = head.loc[measure]
        if wording.not_held(row["months_missing"]):
            lines.append(f"**{label}: not held** in this data")
            continue
        now_note = f" ({row['coverage']})" if row["coverage"] else ""
        before_note = f" ({row['previous_coverage']})" if row["previous_coverage"] else ""
        change = ""
        if pd.notna(row["change"]):
            unequal = row["exposure_days"] != row["previous_exposure_days"]
            change = f": {row['change']:+,.0f}" + (" at equal covered days" if unequal else "")
        lines.append(
            f"**{label}: {wording.fmt_count(row['count'])}**{now_note} against "
            f"{wording.fmt_count(row['previous_count'])} before{before_note}{change} "
            + wording.badge_html(row["significance"], row["p"])
        )
    st.markdown("  \n".join(lines), unsafe_allow_html=True)


def tested_caption(frame: pd.DataFrame, fdr: bool = True) -> None:
    """'260 changes tested; 5% false discovery rate', beside a table of tests."""
    st.caption(wording.tested_text(frame.attrs.get("tested", 0), fdr=fdr))


# --- the phone and the desk --------------------------------------------------------------------


def page_style() -> None:
    """The app's few style rules (assets/style.css): phone and desk variants of a list, room
    for the tables' toolbars. Called once per run by the frame."""
    st.html(STYLE)


def phone(key: str):
    """A container shown only on a narrow screen (below 640 px, where Streamlit stacks columns)."""
    return st.container(key=f"phone-{key}")


def desk(key: str):
    """A container shown only on a wider screen: the desk variant of a ``phone`` container."""
    return st.container(key=f"desk-{key}")


# --- tables: selection belongs to the rows shown ---------------------------------------------------


def table_key(key: str, ids) -> str:
    """The widget key of a table showing rows with these identities (in this order). Streamlit
    keeps a table's selection by row position under a widget key; tying the key to the rows
    shown means a selection can only ever pick the row it was made on: the same rows keep it,
    and any other table (another grouping, page, area or window) starts with none."""
    text = "\x1f".join(str(v) for v in ids)
    return f"{key}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"


def _page(key: str, pages: int, table: str) -> int:
    """The page of a paged table, back to the first when the table under it changed."""
    state = st.session_state
    if state.get(f"{key}_table") != table:
        state[f"{key}_table"] = table
        state.pop(f"{key}_page", None)
    page = state.get(f"{key}_page", 1)
    if not 1 <= page <= pages:
        state.pop(f"{key}_page", None)
        page = 1
    return page


def _pager(key: str, pages: int, first: int, shown: int, total: int, noun: str = "rows") -> None:
    if pages > 1:
        st.pagination(pages, key=f"{key}_page", max_visible_pages=5)
        st.caption(f"{noun.capitalize()} {first:,}–{first + shown - 1:,} of {total:,}")


def paged(frame: pd.DataFrame, key: str, ids: str | list[str] | None = None, style=None, **dataframe_args):
    """A dataframe shown PAGE_ROWS at a time with a page picker under it. ``ids`` names the
    column(s) that identify a row (default: the first column); the table's selection is tied
    to the rows shown (table_key). ``style`` turns the page into a Styler. Returns the
    selection state and the rows shown: ``selected_row(event, shown)`` is the row chosen."""
    columns = [ids] if isinstance(ids, str) else list(ids or frame.columns[:1])
    identity = [tuple(row) for row in frame[columns].itertuples(index=False)]
    pages = max(1, -(-len(frame) // PAGE_ROWS))
    page = _page(key, pages, table_key("", identity))
    start = (page - 1) * PAGE_ROWS
    shown = frame.iloc[start : start + PAGE_ROWS]
    event = st.dataframe(
        style(shown) if style else shown,
        key=table_key(key, identity[start : start + PAGE_ROWS]),
        hide_index=True,
        placeholder="–",
        **dataframe_args,
    )
    _pager(key, pages, start + 1, len(shown), len(frame))
    return event, shown


def list_page(key: str, request: dict) -> int:
    """The page asked for of a list read a page at a time from the data (rank_page), back to
    the first when the list asked for (``request``: area, kind, window, filters) changed."""
    return _page(key, 10**9, table_key("", [sorted((k, str(v)) for k, v in request.items())]))


def selected_row(event, shown: pd.DataFrame) -> pd.Series | None:
    """The row selected in a table drawn by ``paged`` (or ``records``), or None."""
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    return shown.iloc[rows[0]] if rows and rows[0] < len(shown) else None


def profile_params(v: View, kind: str, entity_id: str) -> dict[str, str]:
    """The URL parameters of the profile of a person, or of a location when kind is
    'locations', keeping the view's area, window and (when chosen) as-of date."""
    key = "location" if kind == "locations" else "person"
    return {**ui_state.to_params(v), key: str(entity_id)}


def open_profile(kind: str, entity_id: str) -> None:
    """Go to the profile page of a person, or of a location when kind is 'locations'."""
    st.switch_page("views/profile.py", query_params=profile_params(view(), kind, entity_id))


PLAN_KINDS = {"victims": "victim", "offenders": "offender", "callers": "caller", "missing": "missing",
              "locations": "location", "person": "victim", "location": "location"}


def plan_params(kind: str, target: str, ward: str | None = None, title: str = "") -> dict[str, str]:
    """The URL of the Problems page's new-plan form with the target filled in (``kind``: a
    repeat list's kind, or 'person' / 'location' from a profile)."""
    params = {"new": "1", "kind": PLAN_KINDS.get(kind, kind), "target": str(target)}
    if ward:
        params["ward"] = str(ward)
    if title:
        params["title"] = title
    return {**ui_state.to_params(view()), **params}


def plan_title(kind: str, target: str) -> str:
    """'Victim P0001', 'Location L0002': a new plan's title until its owner writes one."""
    return f"{wording.KIND_LABELS.get(kind, kind).rstrip('s')} {target}"


def start_plan(kind: str, target: str, ward: str | None = None, title: str = "") -> None:
    """Open the Problems page's new-plan form with the target filled in."""
    st.switch_page("views/problems.py", query_params=plan_params(kind, target, ward, title))


def open_record_location(record: pd.Series | None) -> None:
    """For a records table: open the location profile of the selected record (a row with a
    ``location_id``), or say that the record has no location."""
    if record is None:
        return
    if pd.isna(record.get("location_id")):
        st.caption(f"Record {wording.plain(record.get('event_id', ''))} has no location to open.")
        return
    open_profile("locations", record["location_id"])


def link_list(items: list[tuple[str, dict | None]], key: str, page: str = "views/profile.py") -> None:
    """A list of short lines, each a link to ``page`` with its query parameters (None: text
    only), drawn for a thumb: one line per item, nothing to scroll sideways. Labels are
    Markdown: put values from the data through wording.plain."""
    with st.container(key=f"list-{key}", gap="small"):
        for number, (label, params) in enumerate(items):
            if params is None:
                st.markdown(label)
            else:
                st.page_link(page, label=label, query_params=params, icon=":material/chevron_right:",
                             icon_position="right", width="stretch")


def record_line(row: pd.Series) -> str:
    """One record in a phone list: '**Burglary** (Theft from dwelling) · Sat 31 Oct 21:05 ·
    12 High Street · R123'. Plain text from the data, Markdown only for the emphasis."""
    what = f"**{wording.plain(row['what'])}**" if pd.notna(row.get("what")) else "**(not recorded)**"
    detail = row.get("detail")
    parts = [what + (f" ({wording.plain(detail)})" if isinstance(detail, str) and detail else "")]
    parts.append(f"{pd.Timestamp(row['at']):%a %d %b %Y %H:%M}")
    if "address" in row.index:  # (a place's own timeline leaves its address out)
        where = row.get("address")
        parts.append(wording.plain(where, 60) if isinstance(where, str) and where else "no location")
    parts.append(wording.plain(row["event_id"], 24))
    return " · ".join(parts)


# --- repeat lists ------------------------------------------------------------------------------

KINDS = {**wording.KIND_LABELS, "asb": "ASB"}  # the lists, in the one order Ward and Repeat lists show


def kind_picker(key: str, default: str = "victims") -> str:
    """Which repeat list to show: pills that wrap onto a second line on a phone (tabs ran off
    its edge)."""
    return st.pills("List", list(KINDS), key=key, default=default, required=True, format_func=KINDS.get,
                    label_visibility="collapsed")


def repeat_line(row: pd.Series, kind: str) -> str:
    """One entry of a repeat list as a line: '**William Lee** · 15 events (5 before) · ▲
    significant rise · mostly Violence and sexual offences (9), ...'. Values are plain text."""
    noun = "reports" if kind.startswith("asb") else "events"
    parts = [f"**{wording.plain(row['name'] if pd.notna(row.get('name')) else row['id'], 50)}**",
             f"{int(row['count']):,} {noun} ({wording.fmt_count(row['previous_count'])} before)"]
    if row.get("significance") in ("rise", "fall"):
        parts.append(wording.significance_text(row["significance"]))
    for column, prefix in (("main_categories", "mostly "), ("main_place", "mostly at "), ("flags", "")):
        value = row.get(column)
        if isinstance(value, str) and value:
            parts.append(prefix + wording.plain(value, 70))
    if kind == "asb_locations" and row.get("reporters"):
        parts.append(f"{int(row['reporters'])} people reporting")
    return " · ".join(parts)


def repeat_links(frame: pd.DataFrame, kind: str, key: str) -> None:
    """A repeat list as lines to tap, each opening its profile."""
    profile_kind = "locations" if kind in ("locations", "asb_locations") else "victims"
    link_list([(repeat_line(row, kind), profile_params(view(), profile_kind, row["id"]))
               for _, row in frame.iterrows()], key)


def top_lists(kind: str, v: View, top: int, key: str) -> None:
    """The top ``top`` of a repeat list (or, for 'asb', of the people reporting ASB and of its
    places) with at least 2 events, as lines to tap."""
    if kind == "asb":
        left, right = st.columns(2)
        for column, analysis, title in ((left, "asb_reporters", "People reporting ASB repeatedly"),
                                        (right, "asb_locations", "Where ASB is reported repeatedly")):
            with column:
                st.markdown(f"**{title}**")
                if analysis == "asb_reporters" and person_data_missing():
                    continue
                found = call(analysis, area=v.area, window=v.window, as_of=v.as_of, limit=top)
                if found.empty:
                    empty("None with 2 or more reports in this period.")
                else:
                    repeat_links(found, analysis, f"{key}_{analysis}")
        return
    if person_data_missing(kind):
        return
    found = call("rank", kind=kind, area=v.area, window=v.window, as_of=v.as_of, limit=top)
    if found.empty:
        empty(f"No repeat {KINDS[kind].lower()} (2 or more events) in this period.")
    else:
        repeat_links(found, kind, f"{key}_{kind}")


def ranked_list(frame: pd.DataFrame, kind: str, key: str, column_config: dict, plan: bool = False) -> None:
    """A whole repeat list, a page at a time: on a phone as lines to tap (repeat_line), at a
    desk as a table whose columns are ``column_config``'s, in its order; choosing a row opens
    its profile, or with ``plan`` starts a problem-solving plan on it (the Problems page's form,
    the target filled in). The table's selection belongs to the rows shown."""
    pages = max(1, -(-len(frame) // PAGE_ROWS))
    page = _page(key, pages, table_key("", frame["id"]))
    start = (page - 1) * PAGE_ROWS
    _ranked_rows(frame.iloc[start : start + PAGE_ROWS], kind, key, column_config, plan, pages, start + 1, len(frame))


def ranked_page(shown: pd.DataFrame, kind: str, key: str, column_config: dict, plan: bool = False) -> None:
    """One page of a repeat list read a page at a time (demand.analytics.rank_page, the page
    asked for by list_page), drawn as ranked_list draws a page: its attrs say which page of
    how many, and the list's length."""
    page, pages = shown.attrs["page"], shown.attrs["pages"]
    if st.session_state.get(f"{key}_page", 1) != page:  # the list shrank under the picker: its last page
        st.session_state[f"{key}_page"] = page
    first = (page - 1) * shown.attrs["page_rows"] + 1
    _ranked_rows(shown, kind, key, column_config, plan, pages, first, shown.attrs["rows"])


def _ranked_rows(shown: pd.DataFrame, kind: str, key: str, column_config: dict, plan: bool, pages: int,
                 first: int, total: int) -> None:
    list_kind = {"asb_reporters": "callers", "asb_locations": "locations"}.get(kind, kind)
    with phone(key):
        if plan:
            link_list([(repeat_line(row, kind), plan_params(list_kind, row["id"], row.get("ward_code") or view().ward,
                                                             plan_title(list_kind, row["id"])))
                       for _, row in shown.iterrows()], key, page="views/problems.py")
        else:
            repeat_links(shown, kind, key)
    with desk(key):
        event = st.dataframe(shown, key=table_key(key, shown["id"]), hide_index=True, placeholder="–",
                             on_select="rerun", selection_mode="single-row", column_order=list(column_config),
                             column_config=column_config)
    _pager(key, pages, first, len(shown), total)
    chosen = selected_row(event, shown)
    if chosen is not None and plan:
        start_plan(list_kind, chosen["id"], ward=chosen.get("ward_code") or view().ward,
                   title=plan_title(list_kind, chosen["id"]))
    elif chosen is not None:
        open_profile("locations" if kind in ("locations", "asb_locations") else "victims", chosen["id"])


RECORD_COLUMNS = {
    "at": st.column_config.DatetimeColumn("When", format="DD MMM YY HH:mm", width=112),
    "what": st.column_config.TextColumn("What", width=130),
    "address": st.column_config.TextColumn("Where", width=150),
    "detail": "Detail",
    "event_id": "Reference",
    "ward_name": "Ward",
    "location_id": "Location",
    "source": st.column_config.TextColumn("Type", width=60),
    "role": st.column_config.TextColumn("Role", width=90),
    "linked": "Linked",
}


def download_personal(frame: pd.DataFrame | Callable[[], pd.DataFrame], ids: list[str] | None, file_name: str,
                      key: str, area: str | None, label: str = "Download CSV", id_column: str = "event_id") -> None:
    """A CSV download of a person-level table. The file is made only when the button is
    pressed, and only after an audit record of the download is written; if it cannot be, no
    file is made. ``frame`` may be a function that reads the rows when pressed (then ``ids``
    None: the ids are its ``id_column``). (The tables' own toolbar download is switched off:
    client.disableDataExport.)"""
    gate = reader()

    def audited_csv() -> bytes:
        rows = frame() if callable(frame) else frame
        shown = ids if ids is not None else rows[id_column].astype(str).tolist()
        gate.record_disclosure("download", area, shown, file_name=file_name, rows=len(rows))
        return rows.to_csv(index=False).encode("utf-8")

    st.download_button(label, audited_csv, file_name=file_name, mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:", help="The download is recorded in the audit log.")


def _draw_events(rows: pd.DataFrame, key: str, columns) -> None:
    """One page of events: on a phone a list of lines (each opening its location), at a desk a
    table (selecting a row opens its location). The table's selection belongs to these rows."""
    with phone(key):
        link_list([(record_line(r), None if pd.isna(r["location_id"]) else
                    profile_params(view(), "locations", r["location_id"])) for _, r in rows.iterrows()], key)
    with desk(key):
        shown = rows[[*columns, *(["location_id"] if "location_id" not in columns else [])]]
        event = st.dataframe(
            shown, key=table_key(key, rows["event_id"]), hide_index=True, placeholder="–", on_select="rerun",
            selection_mode="single-row", column_order=list(columns),
            column_config={c: RECORD_COLUMNS[c] for c in columns if c in RECORD_COLUMNS},
        )
    open_record_location(selected_row(event, shown))


def event_list(events: pd.DataFrame, key: str, columns=("at", "what", "address", "source", "event_id")) -> None:
    """Events already read (at, what, address, event_id, location_id, ...), newest first, a
    page at a time; see _draw_events."""
    pages = max(1, -(-len(events) // PAGE_ROWS))
    page = _page(key, pages, table_key("", events["event_id"]))
    start = (page - 1) * PAGE_ROWS
    _draw_events(events.iloc[start : start + PAGE_ROWS], key, columns)
    _pager(key, pages, start + 1, len(events.iloc[start : start + PAGE_ROWS]), len(events), noun="events")


def records(key: str, area: str, measure: str, window: str, as_of, columns=("at", "what", "address", "detail",
            "event_id", "ward_name"), **filters) -> int:
    """The records behind a number (demand.records.window_records), newest first, a page at a
    time read from the data (each page read through the gate, so audited), with a download of
    them all. Returns how many there are."""
    page = _page(key, 10**9, table_key("", [area, measure, window, as_of, sorted(filters.items())]))
    rows = call("window_records", area=area, measure=measure, window=window, as_of=as_of, limit=PAGE_ROWS,
                offset=(page - 1) * PAGE_ROWS, **filters)
    total = int(rows["total"].iloc[0]) if len(rows) else 0
    if rows.empty:
        return total
    _draw_events(rows, key, columns)
    _pager(key, -(-total // PAGE_ROWS), (page - 1) * PAGE_ROWS + 1, len(rows), total, noun="records")
    gate = reader()
    download_personal(
        lambda: gate.call("window_records", area, measure=measure, window=window, as_of=as_of,
                          limit=DOWNLOAD_ROWS, **filters).drop(columns=["total"]),
        None, f"records-{measure}-{area}-{window}-{as_of}.csv", f"{key}_csv", area,
        label="Download CSV" if total <= DOWNLOAD_ROWS else f"Download the latest {DOWNLOAD_ROWS:,} (CSV)")
    return total


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def say(kind: str, message: object, icon: str | None = None) -> None:
    """A message that may hold values from outside (a URL, an extract, a refusal repeating the
    request) as plain text, starting with a capital: ``kind`` is 'info', 'warning' or 'error'."""
    getattr(st, kind)(wording.plain(wording.sentence(str(message)), limit=600), icon=icon)
