"""A neighbourhood officer's page: the ward's numbers, its last 7 days, its repeat people and
places, a map and the weekly trend."""

import pandas as pd
import streamlit as st

import ui
from demand import dashboard
from demand.dashboard import MEASURE_LABELS, fmt_count
from demand.present import wording

KIND_LABELS = {
    "victims": "Victims",
    "offenders": "Offenders",
    "locations": "Locations",
    "callers": "Callers",
    "missing": "Missing persons",
}
MAP_POINTS = 4_000  # more dots than this tell an officer nothing more and slow a phone

v = ui.view()
st.title(ui.area_label())
st.caption(ui.window_caption())
if not v.ward:
    st.info(
        "Choose a district and ward in the sidebar for a neighbourhood view. "
        "The figures below are for the whole area chosen.",
        icon=":material/touch_app:",
    )

# --- headline numbers ----------------------------------------------------------------------------
head = ui.call("headline", area=v.area, window=v.window, as_of=v.as_of).set_index("measure")
columns = st.columns(4)
for column, measure in zip(columns, MEASURE_LABELS):
    row = head.loc[measure]
    known = pd.notna(row["change"])
    with column.container(border=True):
        st.metric(
            MEASURE_LABELS[measure],
            fmt_count(row["count"], row["months_missing"]),
            delta=round(row["change"]) if known else None,
            delta_description=f"on {fmt_count(row['previous_count'])} before" if known else None,
            # the verdict's colour is the badge's, from the one definition of verdict colours
            delta_color="off",
            help="Change in count at the same number of covered days, tested with the E-test: "
            "a rise or fall is significant when p < 0.05.",
        )
        if wording.not_held(row["months_missing"]):
            st.caption("Not held in this data (public data has no such records).")
            continue
        ui.significance_badge(row["significance"], row["p"])
        notes = [row["coverage"] and f"this period: {row['coverage']}",
                 row["previous_coverage"] and f"the period before: {row['previous_coverage']}"]
        if any(notes):
            st.caption("Counted over the days covered (" + "; ".join(n for n in notes if n) + ").")

records = st.expander(
    "The records behind these numbers", key="ward_records_open", on_change="rerun", icon=":material/list:"
)
if records.open:
    with records:
        measure = st.segmented_control(
            "Records of",
            list(MEASURE_LABELS),
            key="ward_measure",
            format_func=MEASURE_LABELS.get,
            required=True,
            default="crimes",
        )
        limit = st.session_state.setdefault("ward_records_limit", 50)
        rows = ui.call(
            "window_records", area=v.area, measure=measure, window=v.window, as_of=v.as_of, limit=limit
        )
        total = head.loc[measure, "count"]
        if rows.empty:
            ui.empty(f"No {MEASURE_LABELS[measure].lower()} in this period in {ui.area_label()}.")
        else:
            ui.records_table(rows, key=f"ward_records_{measure}")
            shown = f"Showing the latest {len(rows):,}"
            st.caption(
                (f"{shown} of {fmt_count(total)}." if pd.notna(total) else f"{shown}.")
                + " Select a row to open its location."
            )
            if pd.notna(total) and len(rows) < total and st.button("Show more", key="ward_more"):
                st.session_state["ward_records_limit"] = limit + 200
                st.rerun()

# --- the last 7 days -------------------------------------------------------------------------------
days, heading, span = ui.recent_span(v.as_of)  # the last 7 days, or the month for month-dated data
st.header(heading)
recent = ui.call("recent_events", area=v.area, days=days, as_of=v.as_of)
if recent.empty:
    ui.empty(f"No crimes or calls {span} in {ui.area_label()}.")
else:
    crimes = int((recent["source"] == "crime").sum())
    calls = int((recent["source"] == "call").sum())
    st.markdown(
        f"**{crimes:,} crimes** and **{calls:,} calls** {span}, newest first. Select a row to open its location."
    )
    event, shown = ui.paged(
        recent.assign(source=recent["source"].map(dashboard.SOURCE_NAMES))[
            ["at", "source", "what", "address", "event_id"]
        ],
        key="ward_recent",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "at": st.column_config.DatetimeColumn("When", format="ddd DD MMM HH:mm"),
            "source": "Type",
            "what": "What",
            "address": "Where",
            "event_id": "Reference",
        },
    )
    ui.open_record_location(ui.selected_row(event, recent.loc[shown.index]))

# --- repeat people and places ----------------------------------------------------------------------
st.header("Who and where keeps coming back")
st.caption(
    f"The top five of each kind with at least 2 events in the {ui.window_caption().split(',')[0]}. "
    "Select a row to open its profile."
)
ui.open_locations_first("ward_kind")
tabs = st.tabs(list(KIND_LABELS.values()), key="ward_kind", on_change="rerun")
for tab, kind in zip(tabs, KIND_LABELS):
    if not tab.open:
        continue
    with tab:
        if ui.person_data_missing(kind):
            continue
        top = ui.call("rank", kind=kind, area=v.area, window=v.window, as_of=v.as_of, limit=5)
        if top.empty:
            ui.empty(f"No repeat {KIND_LABELS[kind].lower()} (2 or more events) in this period.")
            continue
        show = [
            "rank",
            "name",
            "count",
            "previous_count",
            "main_categories",
            "flags",
        ]
        event = st.dataframe(
            top[show],
            key=f"ward_top_{kind}",
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "rank": st.column_config.NumberColumn("#", width="small"),
                "name": "Address" if kind == "locations" else "Name",
                "id": "Person",
                "count": "Events",
                "previous_count": "Before",
                "main_categories": "Mostly",
                "flags": "Flags",
            },
        )
        chosen = ui.selected_row(event, top)
        if chosen is not None:
            ui.open_profile(kind, chosen["id"])
st.page_link(
    "views/repeats.py",
    label="All repeat lists, with filters",
    icon=":material/arrow_forward:",
    query_params=ui.shared_params(),
)

# --- map -----------------------------------------------------------------------------------------
st.header("Map")
wards = ui.wards()
in_area = (
    wards
    if v.area == "force"
    else wards[(wards["ward_code"] == v.ward) if v.ward else (wards["district"] == v.district)]
)
boundaries = dashboard.ward_boundaries(in_area["ward_code"])
points, total = ui.call("map_points", area=v.area, window=v.window, as_of=v.as_of, limit=MAP_POINTS)
spots = ui.call("rank", kind="locations", area=v.area, window=v.window, as_of=v.as_of, limit=25)
if total > len(points):
    st.caption(f"Showing a random {len(points):,} of the period's {total:,} events with a map position.")
if points.empty and not boundaries["features"]:
    ui.empty("Nothing to map: no events with coordinates in this period and no ward boundary.")
else:
    st.pydeck_chart(dashboard.area_map(boundaries, points, spots), height=460, key="ward_map")
    # Drawn from the colours the map uses, so the legend cannot disagree with it.
    dots = wording.legend_html(
        [(dashboard.SOURCE_COLOURS[s], label) for s, label in (("crime", "crime"), ("call", "call"),
                                                                 ("missing", "missing episode"))],
        shape="dot",
    )
    ring = wording.legend_html([(dashboard.REPEAT_SPOT_COLOUR, "top repeat locations, sized by events")], shape="circle")
    st.markdown(
        f'<span style="font-size:0.875rem">{dots} · {ring}. '
        + ("" if boundaries["features"] else "No boundary is held for this area's wards.")
        + "</span>",
        unsafe_allow_html=True,
    )

# --- trend ---------------------------------------------------------------------------------------
if ui.snapshot().month_dated:  # a weekly line of monthly data would be spikes
    trend = ui.call("monthly_trend", area=v.area, as_of=v.as_of, months=24)
    figure = dashboard.weekly_trend_figure(trend, f"Events per month, 24 months to {v.as_of:%b %Y}", "month")
else:
    trend = ui.call("weekly_trend", area=v.area, as_of=v.as_of, weeks=52)
    figure = dashboard.weekly_trend_figure(trend, f"Events per week, 52 weeks to {v.as_of:%d %b %Y}")
st.plotly_chart(figure, key="ward_trend")
if trend["count"].isna().any():
    st.caption("Gaps in a line are weeks or months the source holds no data for; they are not zero.")
