"""Repeat lists: a tab per kind, with filters; every row opens its profile."""

import streamlit as st

import ui
from demand.present import wording
from demand.schema import CRIME_CATEGORIES

KIND_LABELS = {
    "victims": "Victims",
    "offenders": "Offenders",
    "callers": "Callers",
    "missing": "Missing persons",
    "locations": "Locations",
}
CRIME_KINDS = ("victims", "offenders", "locations")

v = ui.view()
st.title(f"Repeat lists: {ui.area_label()}")
st.caption(
    ui.window_caption().split(",")[0] + ". Ranked by events in the period; "
    "'Before' is the previous period. Select a row to open its profile."
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
tabs = st.tabs(list(KIND_LABELS.values()), key="rep_kind", on_change="rerun")
for tab, kind in zip(tabs, KIND_LABELS):
    if not tab.open:
        continue
    with tab:
        if ui.person_data_missing(kind):
            continue
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
        if not crime_filters and (category or weapon_only or domestic_only):
            st.caption("The crime filters do not apply to this list.")
        notes = [ranked.attrs.get("coverage"), ranked.attrs.get("previous_coverage")]
        if any(notes):
            st.warning(
                "Counted over the days the source covers, never as zero ("
                + "; ".join(f"{when}: {n}" for when, n in zip(("this period", "the period before"), notes) if n)
                + "). The change compares rates per covered day.",
                icon=":material/event_busy:",
            )
        if ranked.empty:
            ui.empty(
                f"No {KIND_LABELS[kind].lower()} with {int(min_count)} or more events in this period "
                f"in {ui.area_label()}"
                + (" with these filters." if category or weapon_only or domestic_only else ".")
            )
            continue
        rises = int((ranked["significance"] == "rise").sum())
        st.markdown(
            f"**{len(ranked):,} {KIND_LABELS[kind].lower()}** with {int(min_count)} or more events, "
            f"{int(ranked['count'].sum()):,} events between them; "
            + (f"**{rises:,}** with a significant rise on the period before." if rises else
               "none with a significant rise on the period before.")
        )
        ui.tested_caption(ranked)
        columns = [
            "rank",
            "name",
            "count",
            "previous_count",
            "change",
            "verdict",
            "first_at",
            "last_at",
            "main_categories",
            "harm",
            "flags",
        ]
        if kind == "locations":
            columns += ["location_type", "crimes", "calls", "missing"]
        else:
            columns.insert(2, "birth_year")
        ranked = ranked.assign(
            verdict=[wording.significance_text(s) if s in ("rise", "fall") else "" for s in ranked["significance"]]
        )
        event, shown = ui.paged(
            ranked[columns],
            key=f"rep_{kind}",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "rank": st.column_config.NumberColumn("#", width="small"),
                "name": "Address" if kind == "locations" else "Name",
                "id": "Person",
                "birth_year": st.column_config.NumberColumn("Born", format="%d"),
                "count": "Events",
                "previous_count": st.column_config.NumberColumn(
                    "Before", help="Blank: the previous period has no day of data"
                ),
                "change": st.column_config.NumberColumn(
                    "Change", format="%+.0f", help="Events now minus before, at the same covered days"
                ),
                "verdict": st.column_config.TextColumn(
                    "Significance",
                    help="E-test of the change, the false discovery rate held at 5% over the list",
                ),
                "first_at": st.column_config.DatetimeColumn("First", format="DD MMM YY"),
                "last_at": st.column_config.DatetimeColumn("Latest", format="DD MMM YY"),
                "main_categories": "Mostly",
                "harm": st.column_config.NumberColumn(
                    "Harm", format="%.0f", help="Indicative crime harm (days), summed"
                ),
                "flags": "Flags",
                "location_type": "Type",
                "crimes": "Crimes",
                "calls": "Calls",
                "missing": "Missing",
            },
        )
        ui.download_personal(
            ranked[["id", *columns]],
            ranked["id"].astype(str).tolist(),
            f"repeat-{kind}-{v.area}-{v.window}-{v.as_of}.csv",
            key=f"rep_{kind}_csv",
            area=v.area,
        )
        chosen = ui.selected_row(event, ranked.loc[shown.index])
        if chosen is not None and row_action == "plan":
            ui.start_plan(kind, chosen["id"], ward=chosen.get("ward_code") or v.ward,
                          title=f"{KIND_LABELS[kind].rstrip('s')} {chosen['id']}")
        elif chosen is not None:
            ui.open_profile(kind, chosen["id"])
