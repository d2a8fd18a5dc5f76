"""Export: a public-friendly crime summary for residents, partners and publication, with small
numbers protected (demand.disclosure). The analyst chooses the period, the comparison and the
format, sees exactly what will be published (hidden figures marked) and downloads it; every
download is recorded in the export log first."""

import pandas as pd
import streamlit as st

import ui
from demand import access
from demand.disclosure import formats
from demand.disclosure.export import Request, file_name, log_export, read_inputs, render_file
from demand.disclosure.model import ASB, CRIMES, CURRENT
from demand.disclosure.summary import Summary, build
from demand.disclosure.suppression import Rule
from demand.errors import UsageError
from demand.reader import wards_text
from demand.windows import WHOLE_MONTHS

PERIODS = {"90d": "Last 3 whole months", "12m": "Last 12 whole months"}
BASELINES = {"previous": "The months before", "last_year": "Same months last year"}  # short: one line at phone width
HIDDEN = {"<", "[c]", "–", "no data"}
HIDDEN_STYLE = "background-color: #ececec; color: #555555; font-style: italic"

st.title(f"Export a public summary: {ui.area_label()}")
if not access.may(ui.user(), "exports"):
    st.error("Exports are for analysts.", icon=":material/lock:")
    st.stop()
v = ui.view()
st.caption(
    "Crime and anti-social behaviour for residents, partners and publication: counts by type, month, street "
    "and ward, with the change in plain words. Small numbers are protected: counts of 1 to 4 are hidden, and "
    "so is anything that would let someone work one out. The area and the date come from the sidebar."
)

# --- what to export -------------------------------------------------------------------------------
if st.session_state.get("exp_window") not in WHOLE_MONTHS:
    st.session_state["exp_window"] = v.window if v.window in WHOLE_MONTHS else "90d"
with st.container(horizontal=True, gap="medium"):
    window = st.segmented_control("Period", list(PERIODS), format_func=PERIODS.get, key="exp_window",
                                  required=True)
    baseline = st.segmented_control("Compare with", list(BASELINES), format_func=BASELINES.get,
                                    key="exp_baseline", required=True, default="previous")
    fmt = st.selectbox("Format", formats.FORMATS, format_func=formats.LABELS.get, key="exp_format", width=270)
with st.expander("Disclosure control"):
    threshold = st.number_input("Hide counts below", min_value=3, max_value=50, value=5, step=1, key="exp_threshold",
                                help="Counts from 1 up to this number less one are shown as '<5'. 5 is usual; "
                                     "ONS uses 10 for some outputs.")
    rounding = st.toggle("Round other counts to the nearest 5 (as ONS does)", key="exp_round",
                         disabled=fmt == "police-uk",
                         help="Not for the street files: a file of one row per crime counts exactly.")
request = Request(area=v.area, window=window, as_of=v.as_of, baseline=baseline, format=fmt,
                  threshold=int(threshold), rounding=bool(rounding) and fmt != "police-uk")
try:
    request.check()
    reader = ui.reader()
    inputs = read_inputs(reader, request)
except UsageError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()


@st.cache_data(max_entries=64, show_spinner="Protecting small numbers ...")
def protected(key: tuple, _inputs, threshold: int, rounding: int) -> Summary:
    """The summary, cached on the data, the wards read and the choices (``key``), never the user."""
    return build(_inputs, Rule(threshold=threshold, rounding=rounding))


current = ui.store()
key = (str(current.data_dir), current.version, inputs.scope, inputs.area, inputs.window, inputs.baseline,
       inputs.as_of)
summary = protected(key, inputs, request.threshold, 5 if request.rounding else 0)
name = file_name(summary, fmt)

# --- what will be published ---------------------------------------------------------------------------
st.header("What will be published")
st.markdown(f"**{summary.title}** · {summary.current_label}, compared with {summary.compared_with} "
            f"({summary.comparison_label})")
hidden = summary.hidden_small + summary.hidden_secondary + summary.hidden_breakdown
if hidden:
    breakdown = (f", and {summary.hidden_breakdown} figures of months too small to break down are not shown "
                 "(**–**)") if summary.hidden_breakdown else ""
    st.info(
        f"{summary.hidden_small} figures are shown as **{summary.rule.small_mark}** and {summary.hidden_secondary} "
        f"more are withheld as **[c]** so that none of them can be worked out by subtraction{breakdown}. Checked: "
        f"from everything in the file, no hidden figure can be narrowed to fewer than {summary.rule.protection} "
        "possible values. Hidden figures are shaded below.",
        icon=":material/shield_lock:",
    )
else:
    st.success("No figure needs hiding: every count is zero or at least "
               f"{summary.rule.threshold}.", icon=":material/verified_user:")
for text in summary.missing:
    st.warning(f"{text}. Months without data are left out, never counted as zero.", icon=":material/event_busy:")
st.markdown("\n".join(f"- {line}" for line in summary.headlines))


def shaded(frame: pd.DataFrame):
    """Hidden figures ('<5', '[c]', '–', 'no data') on a grey ground, as in the files."""
    return frame.style.map(lambda value: HIDDEN_STYLE if isinstance(value, str) and (
        value in HIDDEN or value.startswith("<")) else "")


def figures_table(rows, label: str) -> pd.DataFrame:
    return pd.DataFrame({label: [r.label for r in rows], "Now": [r.now.text for r in rows],
                         "Before": [r.before.text for r in rows], "Change": [r.brief for r in rows]})


def count(heading: str):
    return st.column_config.TextColumn(heading, alignment="right", width="small")


FIGURES = {"Now": count("Now"), "Before": count("Before"),
           "Change": st.column_config.TextColumn("Change (in the file's words)", width="large")}


def types_tab() -> None:
    types = figures_table(summary.categories, "Type")
    st.dataframe(shaded(types), hide_index=True, key="exp_types", height="content", column_config=FIGURES)
    st.caption(f"Now: {summary.current_label}. Before: {summary.comparison_label}.")


def months_tab() -> None:
    months = [m for m in summary.months if m.window == CURRENT]
    table = pd.DataFrame({"Type": [*CRIMES, "All crimes", ASB]} | {
        f"{m.month:%b %Y}": [*(m.categories[c].text for c in CRIMES), m.crimes.text, m.asb.text] for m in months})
    st.dataframe(shaded(table), hide_index=True, key="exp_months", height="content",
                 column_config={column: count(column) for column in table.columns[1:]})
    st.caption("The months before are published as totals only (crimes and anti-social behaviour), for the chart.")


def streets_tab() -> None:
    if not summary.streets:
        ui.empty(f"No street had {summary.rule.threshold} or more crimes in {summary.current_label}.")
        return
    streets = pd.DataFrame({"Street": [s.label for s in summary.streets], "Ward": [s.ward for s in summary.streets],
                            "Crimes": [s.figure.text for s in summary.streets]})
    if summary.other_streets is not None:
        streets.loc[len(streets)] = ["All other streets and places", "", summary.other_streets.text]
    st.dataframe(shaded(streets if summary.wards else streets.drop(columns="Ward")), hide_index=True,
                 key="exp_streets", height="content", column_config={"Crimes": count("Crimes")})
    st.caption(f"On or near a street, never an address; only streets with at least {summary.rule.threshold} "
               f"crimes in {summary.current_label}.")


def wards_tab() -> None:
    by_ward = figures_table(summary.wards, "Ward")
    st.dataframe(shaded(by_ward), hide_index=True, key="exp_wards", height="content", column_config=FIGURES)


def printable_tab() -> None:
    from demand.disclosure.formats import page
    from demand.present import document

    # our own page, every value from the data escaped; as tall as its content
    st.iframe(document.in_app(page.html(summary)), height="content")


def notes_tab() -> None:
    st.markdown("\n".join(f"- {note}" for note in summary.notes()))


TABS = {"By type": types_tab, "By month": months_tab, "Streets": streets_tab, "Wards": wards_tab,
        "Printable page": printable_tab, "Notes": notes_tab}
tabs = [label for label in TABS if label != "Wards" or summary.wards]
# Only the tab being read is built (the printable page draws its chart, ~0.2 s): choosing
# another tab reruns the page, with the summary cached.
for label, tab in zip(tabs, st.tabs(tabs, key="exp_tab", on_change="rerun")):
    if tab.open:
        with tab:
            TABS[label]()
if fmt == "police-uk":
    st.info(
        "The street files hold one row per crime of every month and type published above, exactly that many. A "
        f"row keeps its street point only where at least {summary.rule.threshold} rows share its street, month "
        "and type and the audit allows it; the rest have no location. Crime IDs are made afresh for the file.",
        icon=":material/map:",
    )

# --- download -------------------------------------------------------------------------------------------
st.header("Download")
state = ui.state()
if state is None:
    st.error("The export log cannot be opened, so nothing can be exported: every export must be recorded. "
             f"({st.session_state.get('state_error', '')})", icon=":material/policy:")
    st.stop()
user, wards = ui.user(), wards_text(reader.scope(request.area))


def make_file() -> bytes:
    """Runs when the button is pressed (in a worker thread: no Streamlit here). The export is
    recorded first; if the log refuses, nothing is handed out."""
    made, output = render_file(inputs, request, summary)
    log_export(state, user, wards, request, made, output, name)
    return output.content


st.download_button(f"Download: {formats.LABELS[fmt]}", make_file, file_name=name, mime=formats.MIME[fmt],
                   key="exp_download", on_click="ignore", type="primary", icon=":material/download:")
st.caption(f"`{name}`. The download is recorded in the export log (who, when, area, period, format, file name, "
           "rows) and the audit log.")
with st.expander("Recent exports"):
    log = pd.DataFrame(state.exports.records(limit=20))
    if log.empty:
        st.caption("No export yet.")
    else:
        st.dataframe(log[["at", "user_email", "area", "window", "format", "file_name", "rows"]], hide_index=True,
                     key="exp_log", column_config={"at": "When (UTC)", "user_email": "Who", "area": "Area",
                                                   "window": "Period", "format": "Format", "file_name": "File",
                                                   "rows": "Rows"})
