"""Repeat lists: one list at a time (the same lists, in the same order, as the Ward page), with
filters; every row opens its profile. On a phone each row is a line to tap; at a desk, a table."""

import streamlit as st

import ui
from demand.present import wording
from demand.schema import CRIME_CATEGORIES

CRIME_KINDS = ("victims", "offenders", "locations")

v = ui.view()
st.title(f"Repeat lists: {wording.plain(ui.area_label())}")
st.caption(
    ui.window_caption().split(",")[0] + ". Ranked by events in the period; "
    "'Before' is the previous period. Choose a row to open its profile, or to start a plan."
)

with st.container(horizontal=True):
    min_count = st.number_input(
        "At least this many events", min_value=1, max_value=500, value=2, step=1, key="rep_min", width=200
    )
    category = st.selectbox(
        "Crime category",
        [""] + list(CRIME_CATEGORIES),
        key="rep_category",
        format_func=lambda c: c or "All categories",
        width=260,
        help="Victims, offenders and locations only",
    )
    weapon_only = st.checkbox("Weapon crimes only", key="rep_weapon")
    domestic_only = st.checkbox("Domestic only", key="rep_domestic")
    row_action = st.segmented_control(
        "Selecting a row", ["profile", "plan"], default="profile", key="rep_row_action", required=True,
        format_func={"profile": "Opens its profile", "plan": "Starts a problem-solving plan"}.get,
    )

ui.open_locations_first("rep_kind")
kind = ui.kind_picker("rep_kind")
filtered = bool(category or weapon_only or domestic_only)
plan = row_action == "plan"


def coverage_warning(ranked) -> None:
    notes = [ranked.attrs.get("coverage"), ranked.attrs.get("previous_coverage")]
    if any(notes):
        st.warning(
            "Counted over the days the source covers, never as zero ("
            + "; ".join(f"{when}: {n}" for when, n in zip(("this period", "the period before"), notes) if n)
            + "). The change compares rates per covered day.",
            icon=":material/event_busy:",
        )


def summary(ranked, noun: str, events: str = "events") -> None:
    rises = int((ranked["significance"] == "rise").sum())
    st.markdown(
        f"**{len(ranked):,} {noun}** with {int(min_count)} or more {events}, "
        f"{int(ranked['count'].sum()):,} {events} between them; "
        + (f"**{rises:,}** with a significant rise on the period before." if rises else
           "none with a significant rise on the period before.")
    )
    ui.tested_caption(ranked)


def with_verdict(ranked):
    return ranked.assign(
        verdict=[wording.significance_text(s) if s in ("rise", "fall") else "" for s in ranked["significance"]]
    )


# Columns of the desk table, what matters first (who or where, how many, how many before).
COMMON = {
    "count": st.column_config.NumberColumn("Events", width=64),
    "previous_count": st.column_config.NumberColumn("Before", width=64,
                                                    help="Blank: the previous period has no day of data"),
    "change": st.column_config.NumberColumn(
        "Change", format="%+.0f", width=70, help="Events now minus before, at the same covered days"
    ),
    "verdict": st.column_config.TextColumn(
        "Significance", help="E-test of the change, the false discovery rate held at 5% over the list"
    ),
}
DATES = {
    "last_at": st.column_config.DatetimeColumn("Latest", format="DD MMM YY"),
    "first_at": st.column_config.DatetimeColumn("First", format="DD MMM YY"),
}
HARM = {"harm": st.column_config.NumberColumn("Harm", format="%.0f", help="Indicative crime harm (days), summed")}
PEOPLE = {
    "name": st.column_config.TextColumn("Name", width=150, pinned=True),
    **COMMON,
    "main_categories": "Mostly",
    "flags": "Flags",
    **DATES,
    "birth_year": st.column_config.NumberColumn("Born", format="%d"),
    **HARM,
}
PLACES = {
    "name": st.column_config.TextColumn("Address", width=170, pinned=True),
    **COMMON,
    "main_categories": "Mostly",
    "flags": "Flags",
    "location_type": "Type",
    "crimes": "Crimes",
    "calls": "Calls",
    "missing": "Missing",
    **DATES,
    **HARM,
}
ASB_PEOPLE = {
    "name": st.column_config.TextColumn("Name", width=150, pinned=True),
    **COMMON, "count": st.column_config.NumberColumn("Reports", width=64),
    "main_place": "Mostly at",
    "places": st.column_config.NumberColumn("Places", help="Different places this person reported"),
    "calls": "Calls",
    "crimes": "Crimes",
    **DATES,
    "birth_year": st.column_config.NumberColumn("Born", format="%d"),
}
ASB_PLACES = {
    "name": st.column_config.TextColumn("Address", width=170, pinned=True),
    **COMMON, "count": st.column_config.NumberColumn("Reports", width=64),
    "reporters": st.column_config.NumberColumn("People", help="Different people who reported ASB here"),
    "location_type": "Type",
    "calls": "Calls",
    "crimes": "Crimes",
    **DATES,
}


def download(ranked, columns, name: str) -> None:
    ui.download_personal(ranked[["id", *columns]], ranked["id"].astype(str).tolist(),
                         f"{name}-{v.area}-{v.window}-{v.as_of}.csv", key=f"{name}_csv", area=v.area)


if kind == "asb":
    if filtered:
        st.caption("The crime filters do not apply to the ASB lists.")
    for analysis, noun, config, title in (
        ("asb_reporters", "people reporting ASB", ASB_PEOPLE, "People reporting ASB repeatedly"),
        ("asb_locations", "places", ASB_PLACES, "Where ASB is reported repeatedly"),
    ):
        st.subheader(title)
        if analysis == "asb_reporters" and ui.person_data_missing():
            continue
        ranked = ui.call(analysis, area=v.area, window=v.window, as_of=v.as_of, min_count=int(min_count))
        coverage_warning(ranked)
        if ranked.empty:
            ui.empty(f"No {noun} with {int(min_count)} or more ASB reports in this period.")
            continue
        summary(ranked, noun, events="reports")
        ranked = with_verdict(ranked)
        ui.ranked_list(ranked, analysis, f"rep_{analysis}", config, plan=plan)
        download(ranked, list(config), f"repeat-{analysis}")
    st.stop()

if ui.person_data_missing(kind):
    st.stop()
crime_filters = kind in CRIME_KINDS
ranked = ui.call(
    "rank",
    area=v.area,
    kind=kind,
    window=v.window,
    as_of=v.as_of,
    min_count=int(min_count),
    category=(category or None) if crime_filters else None,
    weapon_only=weapon_only and crime_filters,
    domestic_only=domestic_only and crime_filters,
)
if not crime_filters and filtered:
    st.caption("The crime filters do not apply to this list.")
coverage_warning(ranked)
if ranked.empty:
    ui.empty(
        f"No {ui.KINDS[kind].lower()} with {int(min_count)} or more events in this period "
        f"in {wording.plain(ui.area_label())}" + (" with these filters." if filtered else ".")
    )
    st.stop()
summary(ranked, ui.KINDS[kind].lower())
ranked = with_verdict(ranked)
config = PLACES if kind == "locations" else PEOPLE
ui.ranked_list(ranked, kind, f"rep_{kind}", config, plan=plan)
download(ranked, list(config), f"repeat-{kind}")
