"""The dashboard's frame: page config, the data, the shared sidebar, navigation.

Run with ``./dev run`` (or ``streamlit run app.py``); DEMAND_DATA names the extracts.
Pages hold UI only; everything they compute comes from ``demand``. They live in ``views/``,
not ``pages/``: Streamlit serves a ``pages/`` folder's scripts without this frame when the
first request after a start is a deep link (``/ward?ward=...``).
"""

import streamlit as st

import ui
from demand.errors import UsageError
from demand.store import ExtractError

st.set_page_config(page_title="Repeat demand", page_icon=":material/repeat:", layout="wide")


def stop_with(title: str, lines: list[str]) -> None:
    st.title("Repeat demand")
    st.error(title + "\n\n" + "\n".join(f"- {line}" for line in lines), icon=":material/error:")
    st.stop()


try:
    store = ui.store()
except ExtractError as error:
    stop_with(
        f"The extracts in `{ui.config.data_dir()}` cannot be read. Fix these and reload:",
        [str(p) for p in error.problems],
    )

if store.last_error is not None:
    st.warning(
        "Newer extracts were found but cannot be read, so the data last read keeps "
        "serving. Problems:\n\n" + "\n".join(f"- {p}" for p in store.last_error.problems),
        icon=":material/warning:",
    )

ui.data_status()

try:
    dates = ui.call("data_range")
except UsageError as error:
    stop_with("There is nothing to show yet:", [str(error)])

navigation = st.navigation(
    [
        st.Page(path, title=title, icon=icon, url_path=url or None, default=(url == ""))
        for path, (title, icon, url, _) in ui.PAGES.items()
    ]
)
st.session_state["view"] = ui.sidebar(ui.call("wards"), dates)
for note in st.session_state.pop("url_notes", []):
    st.warning(f"Link not fully understood: {note}", icon=":material/link_off:")
st.sidebar.caption(f"Data from {dates[0]:%d %b %Y} to {dates[1]:%d %b %Y}")
navigation.run()
