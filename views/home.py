"""Landing page: what the dashboard is, the data's date range and size, links onward."""

import pandas as pd
import streamlit as st

import ui
from demand.present import wording

if ui.ward_just_chosen() and ui.view().ward and "ward" in ui.page_keys():
    ui.go_to_ward(ui.view().ward)  # choosing a ward here means: show me my ward

st.title("Repeat demand")
st.markdown(
    "A small share of people and places generates a large share of police demand. This "
    "dashboard puts the **repeat victims, offenders, locations, callers and missing persons** "
    "of each ward in front of neighbourhood teams, sets the current period against the one "
    "before, and tests whether a change is real. Choose the area, period and as-of date in "
    "the sidebar; they stay with you on every page and in the link you share."
)

first, last = ui.call("data_range")
info = ui.call("table_info")
meta = ui.call("snapshot_meta")
events = info[info["table_name"].isin(["calls", "crimes", "missing_episodes"])]

cols = st.columns(3)
cols[0].metric("Data from", f"{first:%d %b %Y}")
cols[1].metric("Data to", f"{last:%d %b %Y}")
cols[2].metric(
    "Events" if ui.user().force_wide else "Events in your wards",
    f"{int(events['row_count'].sum()):,}",
    help="Calls for service, recorded crimes and missing episodes",
)

allowed = set(ui.page_keys())
mine = ui.wards()
if "ward" in allowed and ui.user().wards is not None and len(mine) <= 8:
    st.subheader("Your wards")
    for code, name in zip(mine["ward_code"], mine["ward_name"]):
        st.page_link("views/ward.py", label=f"**{wording.plain(name)}**: this week, repeat people and places",
                     icon=":material/location_city:", query_params=ui.area_params(ward=code))

st.subheader("Go to")
for path, (key, title, icon, url, purpose) in ui.PAGES.items():
    if url and key in allowed:
        st.page_link(path, label=f"**{title}**: {purpose}", icon=icon, query_params=ui.shared_params())

st.subheader("Rows per table")
table = info.assign(  # tables of things rather than events have no dates: leave them blank
    first_at=pd.to_datetime(info["first_at"]).dt.strftime("%d %b %Y").fillna(""),
    last_at=pd.to_datetime(info["last_at"]).dt.strftime("%d %b %Y").fillna(""),
)
st.dataframe(
    table,
    hide_index=True,
    key="home_tables",
    column_order=["table_name", "row_count", "last_at", "first_at"],
    column_config={
        "table_name": st.column_config.TextColumn("Table", width=110),
        "row_count": st.column_config.NumberColumn("Rows", format="localized", width=80),
        "last_at": st.column_config.TextColumn("Latest record", width=100),
        "first_at": st.column_config.TextColumn("First record", width=100),
    },
)
st.caption(
    f"Snapshot built {pd.Timestamp(meta['built_at']):%d %b %Y %H:%M} from {wording.plain(meta['source'], 200)}. "
    "The Data page shows freshness, missing months and data quality per ward."
)
