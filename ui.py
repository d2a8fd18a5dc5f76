"""Streamlit glue shared by app.py and the pages: the store, the signed-in user, reads
through the gate (cached on the resolved wards), the sidebar's view state, and the few
widgets every page draws the same way.

Logic lives in ``demand``; this module only decides how it reaches the screen.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

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
            f"You are signed in as {email or 'an account with no email'}, but Repeat demand has no "
            f"role or wards for you. Ask {directory().contact} to add you.",
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
                  run=_run)


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
        st.session_state.setdefault(tab_key, "Locations")


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


def _reset_ward() -> None:
    st.session_state["sb_ward"] = ""


def sidebar(wards: pd.DataFrame, dates: tuple) -> View:
    """Area, window and as-of date. The URL is read once per session into the widgets'
    state; invalid values are dropped with a note. Returns the chosen view."""
    state = st.session_state
    first, last = dates
    if "sb_window" not in state:
        view, notes = ui_state.from_params(st.query_params.to_dict(), wards, dates)
        state["sb_district"] = view.district or ""
        state["sb_ward"] = view.ward or ""
        state["sb_window"] = view.window
        state["sb_as_of"] = view.as_of
        state["url_notes"] = notes
    # New data: follow the latest date unless the user chose another; never leave the range.
    if state.get("latest_seen") not in (None, last) and state["sb_as_of"] == state["latest_seen"]:
        state["sb_as_of"] = last
    if not first <= state["sb_as_of"] <= last:
        state["sb_as_of"] = last
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
            st.selectbox("Ward", list(names), key="sb_ward", format_func=names.get)
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
            help=f"The data runs from {first:%d %b %Y} to {last:%d %b %Y}.",
        )
    view = View(
        district=state["sb_district"] or None,
        ward=state.get("sb_ward") or None,
        window=state["sb_window"],
        as_of=state["sb_as_of"],
    )
    _write_url(view)
    return view


def _write_url(view: View) -> None:
    """Put the view in the URL, leaving any page's own parameters (person=...) alone."""
    wanted = ui_state.to_params(view)
    for key in ui_state.SHARED_PARAMS:
        if key not in wanted and key in st.query_params:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def view() -> View:
    return st.session_state["view"]


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


def tested_caption(frame: pd.DataFrame, fdr: bool = True) -> None:
    """'260 changes tested; 5% false discovery rate', beside a table of tests."""
    st.caption(wording.tested_text(frame.attrs.get("tested", 0), fdr=fdr))


def paged(frame: pd.DataFrame, key: str, **dataframe_args):
    """A dataframe shown PAGE_ROWS at a time with a page picker under it; returns the
    selection state of the visible page (rows are positions in that page) and the page."""
    pages = max(1, -(-len(frame) // PAGE_ROWS))
    page = st.session_state.get(f"{key}_page", 1)
    if not 1 <= page <= pages:  # the table shrank under the picker: back to the first page
        st.session_state.pop(f"{key}_page", None)
        page = 1
    start = (page - 1) * PAGE_ROWS
    shown = frame.iloc[start : start + PAGE_ROWS]
    event = st.dataframe(shown, key=key, hide_index=True, placeholder="–", **dataframe_args)
    if pages > 1:
        st.pagination(pages, key=f"{key}_page")
        st.caption(f"Rows {start + 1:,}–{start + len(shown):,} of {len(frame):,}")
    return event, shown


def selected_row(event, shown: pd.DataFrame) -> pd.Series | None:
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    return shown.iloc[rows[0]] if rows else None


def profile_params(v: View, kind: str, entity_id: str) -> dict[str, str]:
    """The URL parameters of the profile of a person, or of a location when kind is
    'locations', keeping the view's area, window and as-of date."""
    key = "location" if kind == "locations" else "person"
    return {**ui_state.to_params(v), key: str(entity_id)}


def open_profile(kind: str, entity_id: str) -> None:
    """Go to the profile page of a person, or of a location when kind is 'locations'."""
    st.switch_page("views/profile.py", query_params=profile_params(view(), kind, entity_id))


PLAN_KINDS = {"victims": "victim", "offenders": "offender", "callers": "caller", "missing": "missing",
              "locations": "location", "person": "victim", "location": "location"}


def start_plan(kind: str, target: str, ward: str | None = None, title: str = "") -> None:
    """Open the Problems page's new-plan form with the target filled in (``kind``: a repeat
    list's kind, or 'person' / 'location' from a profile)."""
    params = {"new": "1", "kind": PLAN_KINDS.get(kind, kind), "target": str(target)}
    if ward:
        params["ward"] = str(ward)
    if title:
        params["title"] = title
    st.switch_page("views/problems.py", query_params={**ui_state.to_params(view()), **params})


def open_record_location(record: pd.Series | None) -> None:
    """For a records table: open the location profile of the selected record (a row with a
    ``location_id``), or say that the record has no location."""
    if record is None:
        return
    if pd.isna(record.get("location_id")):
        st.caption(f"Record {record.get('event_id', '')} has no location to open.")
        return
    open_profile("locations", record["location_id"])


RECORD_COLUMNS = {
    "at": st.column_config.DatetimeColumn("When", format="DD MMM YYYY HH:mm"),
    "event_id": "Reference",
    "what": "What",
    "detail": "Detail",
    "ward_name": "Ward",
    "location_id": "Location",
    "address": "Address",
}


def download_personal(frame: pd.DataFrame, ids: list[str], file_name: str, key: str, area: str | None,
                      label: str = "Download CSV") -> None:
    """A CSV download of a person-level table. The file is made only when the button is
    pressed, and only after an audit record of the download is written; if it cannot be, no
    file is made. (The tables' own toolbar download is switched off: client.disableDataExport.)"""
    gate = reader()

    def audited_csv() -> bytes:
        gate.record_disclosure("download", area, ids, file_name=file_name, rows=len(frame))
        return frame.to_csv(index=False).encode("utf-8")

    st.download_button(label, audited_csv, file_name=file_name, mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:", help="The download is recorded in the audit log.")


def records_table(rows: pd.DataFrame, key: str, columns=tuple(RECORD_COLUMNS), area: str | None = None) -> None:
    """Records behind a number (demand.records.window_records); selecting one opens its
    location's profile."""
    event = st.dataframe(
        rows[list(columns)],
        hide_index=True,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        column_config={c: RECORD_COLUMNS[c] for c in columns},
    )
    download_personal(rows[list(columns)], rows["event_id"].astype(str).tolist(), f"{key}.csv", f"{key}_csv",
                      area if area is not None else view().area)
    open_record_location(selected_row(event, rows))


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")
