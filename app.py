"""The dashboard's frame: page config, the data, sign-in, the pages the user's role allows,
the shared sidebar.

Run with ``./dev run`` (or ``streamlit run app.py``); DEMAND_DATA names the extracts. Sign-in
is configured in ``.streamlit/secrets.toml`` (README, Sign-in); without it the app runs in a
demonstration mode that says so on every page. Pages hold UI only; everything they show comes
through the read gate (``demand.reader``). They live in ``views/``, not ``pages/``: Streamlit
serves a ``pages/`` folder's scripts without this frame when the first request after a start
is a deep link (``/ward?ward=...``).
"""

import streamlit as st

import ui
from demand import access, serving
from demand.errors import UsageError
from demand.present import wording
from demand.reader import AuditUnavailable, Refused
from demand.store import ExtractError

# The icon is a file served by the app itself: a ":material/...:" icon is fetched from a public font host.
st.set_page_config(page_title="Repeat demand", page_icon=ui.ICON, layout="wide")
ui.page_style()


def stop_with(title: str, lines: list[str]) -> None:
    """Stop with a message and its lines (problems naming files, columns and values, shown as
    plain text: an extract's values are never read as Markdown)."""
    st.title("Repeat demand")
    st.error(title + "\n\n" + "\n".join(f"- {wording.plain(line, limit=300)}" for line in lines),
             icon=":material/error:")
    st.stop()


try:
    store = ui.store()
except ExtractError as error:
    stop_with(
        f"The extracts in {wording.plain(ui.config.data_dir(), limit=200)} cannot be read. Fix these and reload:",
        [str(p) for p in error.problems],
    )
except (access.SettingError, ValueError) as error:
    stop_with("A setting cannot be used:", [str(error)])

try:
    user = ui.sign_in()
except (access.UsersFileError, access.SettingError) as error:
    stop_with("Sign-in cannot work until this is fixed:", [str(error)])
st.session_state["user"] = user

if store.last_error is not None:
    st.warning(
        "Newer extracts were found but cannot be read, so the data last read keeps "
        "serving. Problems:\n\n"
        + "\n".join(f"- {wording.plain(p, limit=300)}" for p in store.last_error.problems),
        icon=":material/warning:",
    )
if user.source == "demonstration":
    st.warning(
        f"**Demonstration mode**: sign-in is not configured, so you are the {wording.plain(user.describe())}. "
        "Use it only on the synthetic force; a live deployment refuses to run like this.",
        icon=":material/science:",
    )

ui.data_status()

try:
    dates = ui.call("data_range")
except UsageError as error:
    stop_with("There is nothing to show yet:", [str(error)])

allowed = set(ui.page_keys())
pages = {
    key: st.Page(path, title=title, icon=icon, url_path=url or None, default=(url == ""))
    for path, (key, title, icon, url, _) in ui.PAGES.items()
    if key in allowed
}
navigation = st.navigation(list(pages.values()))
st.session_state["page_key"] = next(k for k, page in pages.items() if page.url_path == navigation.url_path)
st.session_state["view"] = ui.sidebar(ui.wards(), dates)
for note in st.session_state.pop("url_notes", []):
    ui.say("warning", f"Link not fully understood: {note}", icon=":material/link_off:")
with st.sidebar:
    st.caption(f"Data from {dates[0]:%d %b %Y} to {dates[1]:%d %b %Y}")
    described = wording.plain(user.describe(), limit=120)
    st.caption(f"Signed in as **{described}**" if user.source != "demonstration" else described)
    if user.source != "demonstration":
        st.button("Sign out", on_click=st.logout, key="sign_out", icon=":material/logout:")
    if ui.state() is None and user.sees_persons:
        st.error(
            "The audit log cannot be opened, so person-level data is not shown. "
            f"({st.session_state.get('state_error', '')})",
            icon=":material/policy:",
        )
try:
    navigation.run()
except AuditUnavailable as error:
    ui.say("error", error, icon=":material/policy:")
except Refused as error:
    ui.say("error", f"Not shown: {error}", icon=":material/block:")
finally:
    serving.settle_memory()  # once per process, after its first page
