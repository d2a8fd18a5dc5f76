"""A neighbourhood officer's page: the ward's numbers, its last 7 days, its repeat people and
places, a map and the weekly trend. Drawn for a phone first: lists are lines to tap, not wide
tables, and the map is labelled and answers a tap."""

import pandas as pd
import streamlit as st

import ui
from demand import dashboard
from demand.dashboard import MEASURE_LABELS, fmt_count
from demand.present import wording

MAP_POINTS = 4_000  # more dots than this tell an officer nothing more and slow a phone
TOP = 5

v = ui.view()
st.title(wording.plain(ui.area_label()))
st.caption(ui.window_caption())
if not v.ward:
    ui.ward_picker("ward_pick", v)

# --- headline numbers ----------------------------------------------------------------------------
head = ui.call("headline", area=v.area, window=v.window, as_of=v.as_of).set_index("measure")
with ui.phone("ward_head"):  # four cards would fill a phone's screen before the last 7 days
    ui.headline_lines(head)
with ui.desk("ward_head"):
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
        total = ui.records("ward_records", v.area, measure, v.window, v.as_of)
        if not total:
            ui.empty(f"No {MEASURE_LABELS[measure].lower()} in this period in {wording.plain(ui.area_label())}.")
        else:
            st.caption("Newest first. Choose one to open its location.")

# --- the last 7 days -------------------------------------------------------------------------------
days, heading, span = ui.recent_span(v.as_of)  # the last 7 days, or the month for month-dated data
st.header(heading)
recent = ui.call("recent_events", area=v.area, days=days, as_of=v.as_of)
if recent.empty:
    ui.empty(f"No crimes or calls {span} in {wording.plain(ui.area_label())}.")
else:
    crimes = int((recent["source"] == "crime").sum())
    calls = int((recent["source"] == "call").sum())
    st.markdown(
        f"**{crimes:,} crimes** and **{calls:,} calls** {span}, newest first. Choose one to open its location."
    )
    ui.event_list(recent.assign(source=recent["source"].map(dashboard.SOURCE_NAMES)), key="ward_recent")

# --- repeat people and places ----------------------------------------------------------------------
st.header("Who and where keeps coming back")
st.caption(
    f"The top {TOP} of each kind with at least 2 events in the {ui.window_caption().split(',')[0]}, "
    "with the count in the period before. Choose one to open its profile."
)
ui.open_locations_first("ward_kind")
kind = ui.kind_picker("ward_kind")
ui.top_lists(kind, v, TOP, key="ward_top")
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
    several = len(boundaries["features"]) > 1
    tapped = st.pydeck_chart(dashboard.area_map(boundaries, points, spots, pick_wards=several), height=460,
                             key="ward_map", on_select="rerun", selection_mode="single-object")
    ui.follow_map_choice(dashboard.map_choice(tapped.selection))
    # Drawn from the colours the map uses, so the legend cannot disagree with it.
    dots = wording.legend_html(
        [(dashboard.SOURCE_COLOURS[s], label) for s, label in (("crime", "crime"), ("call", "call"),
                                                                 ("missing", "missing episode"))],
        shape="dot",
    )
    ring = wording.legend_html([(dashboard.REPEAT_SPOT_COLOUR, "top repeat locations, sized by events")], shape="circle")
    st.markdown(
        f'<span style="font-size:0.875rem">{dots} · {ring}. Tap a place to open it'
        + (", a ward to go to it" if several else "") + ". "
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
