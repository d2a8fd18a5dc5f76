"""Crimes by street, drillable: the force's districts, a district's wards, a ward's streets, a
street's records (Hampshire's "crimes by street"). The level follows the area chosen (in the
sidebar, or by choosing a row here); ?street= names a street of the chosen ward."""

import pandas as pd
import streamlit as st

import ui
from demand import streets as streets_module
from demand.present import wording

v = ui.view()
street = st.query_params.get("street")
PAGE = "views/streets.py"
VERDICT = {"rise", "fall"}


def crumbs() -> None:
    """Where the view is, each level a link back up: Whole force › Leicester › Abbey › Grange Avenue."""
    top = "Whole force" if ui.user().force_wide else "All my wards"
    steps = [(top, ui.area_params())]
    if v.district:
        steps.append((v.district, ui.area_params(district=v.district)))
    if v.ward:
        name = ui.wards().set_index("ward_code")["ward_name"].get(v.ward, v.ward)
        steps.append((name, ui.area_params(ward=v.ward)))
    if v.ward and street:
        steps.append((street, None))
    with st.container(horizontal=True, gap="small", key="streets_crumbs"):
        for number, (label, params) in enumerate(steps):
            if number:
                st.markdown("›")
            if params is None or number == len(steps) - 1:
                st.markdown(f"**{wording.plain(label, 40)}**")
            else:
                st.page_link(PAGE, label=wording.plain(label, 40), query_params=params)


def line(name: str, row: pd.Series) -> str:
    """'**Leicester** · 4,357 crimes (3,940 before) · ▲ significant rise · harm 410,251 days'."""
    parts = [f"**{wording.plain(name, 50)}**",
             f"{wording.fmt_count(row['count'])} crimes ({wording.fmt_count(row['previous_count'])} before)"]
    if row["significance"] in VERDICT:
        parts.append(wording.significance_text(row["significance"]))
    if isinstance(row.get("main_categories"), str):
        parts.append("mostly " + wording.plain(row["main_categories"], 70))
    return " · ".join(parts)


COLUMNS = {
    "name": st.column_config.TextColumn("Area", width=130, pinned=True),
    "count": st.column_config.NumberColumn("Crimes", width=62),
    "change": st.column_config.NumberColumn("Change", format="%+.0f", width=64,
                                            help="Now minus before, at the same number of covered days"),
    "verdict": st.column_config.TextColumn("Verdict", width=78, help="The E-test, false discovery rate 5%"),
    "previous_count": st.column_config.NumberColumn("Before", width=60),
    "harm": st.column_config.NumberColumn("Harm", format="localized",
                                          help="Indicative harm in days, summed over the crimes"),
    "places": st.column_config.NumberColumn("Places", help="Different places with a crime now"),
    "main_categories": "Mostly",
}


def level_table(frame: pd.DataFrame, key: str, name_label: str, params_of, drillable) -> None:
    """One level's rows (busiest first): lines to tap on a phone, a table at a desk; choosing a
    row goes one level down (``params_of(row)``: the URL parameters of that level)."""
    frame = frame.assign(verdict=[wording.verdict(s).short for s in frame["significance"]])
    frame = frame.sort_values(["count", "harm"], ascending=False).reset_index(drop=True)
    with ui.phone(key):
        ui.link_list([(line(r["name"], r), params_of(r) if drillable(r) else None)
                      for _, r in frame.head(ui.PAGE_ROWS * 2).iterrows()], key, page=PAGE)
        if len(frame) > ui.PAGE_ROWS * 2:
            st.caption(f"The {ui.PAGE_ROWS * 2} with most crimes of {len(frame):,}; a desk shows them all.")
    with ui.desk(key):
        shown_columns = [c for c in COLUMNS if c in frame.columns]
        event, shown = ui.paged(frame[[*shown_columns, "group"]], key, ids="group", column_order=shown_columns,
                                column_config={**COLUMNS, "name": st.column_config.TextColumn(
                                    name_label, width=150, pinned=True)},
                                on_select="rerun", selection_mode="single-row")
    chosen = ui.selected_row(event, shown)
    if chosen is not None and drillable(chosen):
        st.switch_page(PAGE, query_params=params_of(chosen))


def coverage(frame: pd.DataFrame) -> None:
    notes = [n for n in (frame["coverage"].iloc[0], frame["previous_coverage"].iloc[0]) if n]
    if notes:
        st.warning("Counted over the days the crime source covers, never as zero (" + "; ".join(notes) + ").",
                   icon=":material/event_busy:")


st.title("Crimes by street")
crumbs()
st.caption(ui.window_caption() + ". Choose a row to go down a level: district, ward, street, its records.")

if v.ward and street:
    st.header(wording.plain(street, 60))
    total = ui.records("streets_records", v.ward, "crimes", v.window, v.as_of,
                       columns=("at", "what", "address", "detail", "event_id"), street=street)
    if not total:
        ui.empty("No crimes on this street in this period.")
    st.page_link(PAGE, label="All the streets of the ward", icon=":material/arrow_upward:",
                 query_params=ui.area_params(ward=v.ward))
elif v.ward:
    found = ui.call("crimes_by_street", area=v.ward, window=v.window, as_of=v.as_of)
    st.header(f"Streets of {wording.plain(ui.area_label())}")
    if found.empty:
        ui.empty("No crimes in this ward in this period or the one before.")
    else:
        coverage(found)
        ui.tested_caption(found)
        found = found.assign(group=found["street"], name=found["street"])
        level_table(found, "streets_streets", "Street", lambda r: ui.area_params(ward=v.ward, street=r["street"]),
                    lambda r: r["street"] != streets_module.NO_STREET)
else:
    level = "ward" if v.district else "district"
    found = ui.call("crimes_by_area", area=v.area, level=level, window=v.window, as_of=v.as_of)
    st.header(f"{'Wards' if level == 'ward' else 'Districts'} of {wording.plain(ui.area_label())}")
    if found.empty:
        ui.empty("No ward in this area.")
    else:
        coverage(found)
        ui.tested_caption(found)
        if level == "ward":
            level_table(found, "streets_wards", "Ward", lambda r: ui.area_params(ward=r["group"]), lambda r: True)
        else:
            level_table(found, "streets_districts", "District", lambda r: ui.area_params(district=r["group"]),
                        lambda r: True)
