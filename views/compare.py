"""A district inspector's page: what rose and fell against the previous period (or the same
period last year), by crime type, by ward and crime type, and on a map of the wards."""

import pandas as pd
import streamlit as st

import ui
from demand import dashboard

BASELINES = {"previous": "the previous period", "last_year": "the same period last year"}
BY = {"category": "Crime categories", "call_type": "Call types", "missing": "Missing episodes"}
MEASURE_OF = {"category": "crimes", "call_type": "calls"}
SOURCES = {"crimes": "Crimes", "calls": "Calls", "missing_episodes": "Missing episodes"}


def with_words(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        verdict=[dashboard.significance_text(s, z) for s, z in zip(frame["significance"], frame["z"])]
    )


def coloured(frame: pd.DataFrame):
    """Colour the verdict column by significance (words and arrows carry it too)."""
    colours = frame["significance"].map(dashboard.significance_colour)
    return frame.style.apply(lambda _: [f"color: {c}; font-weight: 600" for c in colours], subset=["verdict"])


def counts_config(group_label: str) -> dict:
    return {
        "group": group_label,
        "ward_name": "Ward",
        "category": "Category",
        "previous_count": st.column_config.NumberColumn("Before", help="Blank: months missing"),
        "count": st.column_config.NumberColumn("Now", help="Blank: months missing"),
        "change": st.column_config.NumberColumn("Change", format="%+d"),
        "pct_change": st.column_config.NumberColumn("Change %", format="%+.0f%%"),
        "z": st.column_config.NumberColumn(
            "z", format="%+.1f", help="Wheeler's Poisson z; |z| ≥ 1.96 is significant at 5%"
        ),
        "verdict": "Significance",
    }


def records(title: str, area: str, measure: str, key: str, **filters) -> None:
    """The latest records behind a selected row (``filters`` as dashboard.window_records takes
    them); selecting one opens its location's profile."""
    rows = ui.call(
        "window_records", area=area, measure=measure, window=v.window, as_of=v.as_of, limit=200, **filters
    )
    st.markdown(f"**{title}**: the latest {len(rows):,} records. Select one to open its location.")
    # A new table (and no stale selection) for each row chosen.
    ui.records_table(rows, key=f"{key}_{title}", columns=("at", "event_id", "what", "detail", "ward_name", "address"))


v = ui.view()
st.title(f"Compare periods: {ui.area_label()}")
baseline = st.radio(
    "Compare with", list(BASELINES), format_func=BASELINES.get, horizontal=True, key="cmp_baseline"
)
st.caption(
    ui.window_caption(baseline=baseline) + ". Rise and fall are tested with Wheeler's "
    "Poisson z (|z| ≥ 1.96 is significant at 5%); percentages mislead on small counts."
)

head = ui.call("headline", area=v.area, window=v.window, as_of=v.as_of, baseline=baseline).set_index(
    "measure"
)
st.markdown("  \n".join(dashboard.headline_text(m, head.loc[m]) for m in dashboard.MEASURE_LABELS))

# --- what is increasing -----------------------------------------------------------------------------
st.header("What is increasing?")
by = st.segmented_control(
    "Group by", list(BY), format_func=BY.get, key="cmp_by", required=True, default="category"
)
compared = ui.call("compare", area=v.area, window=v.window, as_of=v.as_of, by=by, baseline=baseline)
if compared.empty:
    ui.empty(f"No {BY[by].lower()} recorded in either period in {ui.area_label()}.")
else:
    missing = compared["months_missing"].iloc[0]
    if missing:
        st.warning(
            f"Not compared: the data lacks {missing}. A missing month is never counted as zero; "
            "choose another period or as-of date.",
            icon=":material/event_busy:",
        )
    rising = compared[compared["significance"] == "rise"].sort_values("z", ascending=False)
    if not rising.empty:
        st.markdown(
            "**Significant rises:** "
            + "; ".join(
                f"{g} ({int(p):,} → {int(c):,}, z = {z:+.1f})"
                for g, p, c, z in zip(rising["group"], rising["previous_count"], rising["count"], rising["z"])
            )
        )
    elif not missing:
        st.markdown("**No significant rise** in any group.")
    if compared["change"].notna().any():
        st.plotly_chart(
            dashboard.change_bar_figure(
                compared,
                f"Change in {BY[by].lower()}: {ui.window_caption().split(',')[0]} against "
                f"{BASELINES[baseline]}",
                BY[by],
            ),
            key="cmp_bar",
        )
    table = with_words(compared)[["group", "previous_count", "count", "change", "pct_change", "z", "verdict"]]
    table = table.assign(significance=compared["significance"])
    event = st.dataframe(
        coloured(table),
        hide_index=True,
        placeholder="–",
        key="cmp_groups",
        on_select="rerun",
        selection_mode="single-row",
        column_order=list(counts_config(BY[by])),
        column_config=counts_config(BY[by]),
    )
    chosen = ui.selected_row(event, table)
    if chosen is None:
        st.caption("Select a row to see its records.")
    elif by == "missing":
        records(
            f"Missing episodes ({chosen['group']}) in {ui.area_label()}",
            v.area,
            "missing_episodes",
            "cmp_group_records",
            **dashboard.MISSING_GROUP_RECORDS[chosen["group"]],
        )
    else:
        records(
            f"{chosen['group']} in {ui.area_label()}",
            v.area,
            MEASURE_OF[by],
            "cmp_group_records",
            what=chosen["group"],
        )

# --- wards x categories -----------------------------------------------------------------------------
st.header("Wards × crime categories")
matrix = ui.call("compare_matrix", area=v.area, window=v.window, as_of=v.as_of, baseline=baseline)
if matrix.empty:
    ui.empty(f"No crimes recorded in either period in {ui.area_label()}.")
else:
    if matrix["z"].notna().any() and matrix["ward_code"].nunique() > 1:
        st.plotly_chart(
            dashboard.z_heatmap_figure(matrix, "Change by ward and category (z; number = crimes now)"),
            key="cmp_heatmap",
        )
    only = st.toggle("Only significant changes", key="cmp_only_significant", value=True)
    shown = matrix[matrix["significance"].isin(["rise", "fall"])] if only else matrix
    shown = with_words(shown.sort_values("z", ascending=False))
    st.caption(
        f"{len(shown):,} of {len(matrix):,} ward–category pairs. Sort by any column; "
        "select a row to see its records."
    )
    if shown.empty:
        ui.empty(
            "No ward–category pair changed significantly"
            if not matrix["months_missing"].iloc[0]
            else f"Not compared: the data lacks {matrix['months_missing'].iloc[0]}."
        )
    else:
        shown_columns = ["ward_name", "category", "previous_count", "count", "change", "pct_change", "z", "verdict"]
        # significance drives the colours and ward_code the records; neither is shown.
        cells = shown[shown_columns + ["significance", "ward_code"]]
        event = st.dataframe(
            coloured(cells),
            hide_index=True,
            placeholder="–",
            key="cmp_matrix",
            on_select="rerun",
            selection_mode="single-row",
            column_config=counts_config("Category"),
            column_order=shown_columns,
        )
        chosen = ui.selected_row(event, cells)
        if chosen is not None:
            records(
                f"{chosen['category']} in {chosen['ward_name']}",
                chosen["ward_code"],
                "crimes",
                "cmp_matrix_records",
                what=chosen["category"],
            )

# --- map ----------------------------------------------------------------------------------------------
st.header("Map of change by ward")
source = st.segmented_control(
    "Of", list(SOURCES), format_func=SOURCES.get, key="cmp_source", required=True, default="crimes"
)
by_ward = ui.call(
    "compare", area=v.area, window=v.window, as_of=v.as_of, by="ward", source=source, baseline=baseline
)
boundaries = dashboard.ward_boundaries(by_ward["group"])
if not boundaries["features"]:
    ui.empty(
        "No ward boundaries are held for this area, so there is no map; the table below has the figures."
    )
else:
    st.pydeck_chart(dashboard.change_map(boundaries, by_ward), height=440, key="cmp_map")
    st.caption(
        ":red[■] significant rise · :blue[■] significant fall · :gray[■] no significant change · "
        ":orange[■] months missing. Hover a ward for its figures."
    )
with st.expander("Figures per ward"):
    st.dataframe(
        with_words(by_ward)[["ward_name", "previous_count", "count", "change", "pct_change", "z", "verdict"]],
        hide_index=True,
        key="cmp_wards",
        placeholder="–",
        column_config=counts_config("Ward"),
    )
