"""Data: how fresh it is, how much there is, which months are missing and the known
data-quality traps per ward."""

import pandas as pd
import streamlit as st

import ui
from demand.present import wording

v = ui.view()
st.title("Data")

first, last = ui.call("data_range")
meta = ui.call("snapshot_meta")
info = ui.call("table_info")
st.markdown(
    f"Events from **{first:%d %b %Y}** to **{last:%d %b %Y}**. Snapshot built "
    f"**{pd.Timestamp(meta['built_at']):%d %b %Y %H:%M}** from {wording.plain(meta['source'], 200)}; the app "
    f"looks for changed extracts every {ui.REFRESH_SECONDS} seconds."
)

st.header("Freshness and row counts")
fresh = info.assign(
    first_at=pd.to_datetime(info["first_at"]),
    last_at=pd.to_datetime(info["last_at"]),
    days_behind=(pd.Timestamp(last) - pd.to_datetime(info["last_at"]).dt.normalize()).dt.days.where(
        info["table_name"] != "coverage"
    ),  # coverage rows are months, not events
)
st.dataframe(
    fresh,
    hide_index=True,
    key="data_tables",
    placeholder="–",
    column_order=["table_name", "last_at", "days_behind", "row_count", "first_at"],
    column_config={
        "table_name": st.column_config.TextColumn("Table", width=110, pinned=True),
        "last_at": st.column_config.DatetimeColumn("Latest record", format="DD MMM YYYY", width=100),
        "days_behind": st.column_config.NumberColumn("Days behind", width=80, help="Days behind the latest record "
                                                     "of any table; 0: up to date"),
        "row_count": st.column_config.NumberColumn("Rows", format="localized"),
        "first_at": st.column_config.DatetimeColumn("First record", format="DD MMM YYYY"),
    },
)

ui.last_import()

st.header("Missing months")
ui.not_held_note()
gaps = ui.call("coverage_gaps", first=first, last=last)
if gaps.empty:
    st.success(
        "Every source covers every month from its first to its last record.", icon=":material/check_circle:"
    )
else:
    listed = gaps.assign(month=[wording.month_text(m) for m in gaps["month"]])
    st.warning(
        "These months are missing from the extracts. Pages show them as missing, never as "
        "zero, and do not test a change across them.",
        icon=":material/event_busy:",
    )
    st.dataframe(
        listed[["month", "table_name"]], hide_index=True, key="data_gaps",
        column_config={"table_name": "Source", "month": st.column_config.TextColumn("Month", width=120)},
    )

st.header(f"Data quality: {wording.plain(ui.area_label())}")
st.caption(
    "All the data, not just the chosen period. Known traps of real extracts: victims not "
    "linked or recorded only as the reporting person, and locations defaulted to a street."
)
quality = ui.call("data_quality", area=v.area)
person_columns = ["crimes_without_victim", "no_victim_pct", "victim_only_reporting_person"]
if not ui.snapshot().person_level:
    st.caption("Victim links are not checked: person-level data is not loaded.")
quality = quality.assign(
    no_victim_pct=quality["crimes_without_victim"] / quality["crimes"].where(quality["crimes"] > 0) * 100,
    street_pct=quality["street_defaulted_share"] * 100,
)
unwarded = quality[quality["ward_code"].isna()]
if not unwarded.empty:
    st.metric(
        "Events with no ward",
        f"{int(unwarded['events_no_ward'].iloc[0]):,}",
        help="Counted for the whole force only, never for a ward or district",
    )
per_ward = quality[quality["ward_code"].notna()].sort_values("no_victim_pct", ascending=False)
st.dataframe(
    per_ward,
    hide_index=True,
    key="data_quality",
    column_order=[
        c
        for c in ["ward_name", "no_victim_pct", "street_pct", "crimes", "crimes_without_victim",
                  "victim_only_reporting_person", "events"]
        if ui.snapshot().person_level or c not in person_columns
    ],
    column_config={
        "ward_name": st.column_config.TextColumn("Ward", width=110, pinned=True),
        "crimes": st.column_config.NumberColumn("Crimes", format="localized"),
        "crimes_without_victim": st.column_config.NumberColumn("Crimes with no victim linked"),
        "no_victim_pct": st.column_config.ProgressColumn(
            "No victim", format="%.0f%%", min_value=0, max_value=100, width=110
        ),
        "victim_only_reporting_person": st.column_config.NumberColumn("Victim only as reporting person"),
        "events": st.column_config.NumberColumn("Events", format="localized"),
        "street_pct": st.column_config.ProgressColumn(
            "Street only", format="%.0f%%", min_value=0, max_value=100, width=110,
            help="Events located only to a street (the location defaulted to it)"
        ),
    },
)
