"""A district inspector's page: what rose and fell against the previous period (or the same
period last year), by crime type, by ward and crime type, and on a map of the wards. Every
verdict comes from demand.stats and is worded and coloured by demand.present.wording."""

import pandas as pd
import streamlit as st

import ui
from demand import dashboard
from demand import records as records_module
from demand.present import wording

BASELINES = {"previous": "the previous period", "last_year": "the same period last year"}
BY = {"category": "Crime categories", "call_type": "Call types", "missing": "Missing episodes"}
MEASURE_OF = {"category": "crimes", "call_type": "calls"}
SOURCES = {"crimes": "Crimes", "calls": "Calls", "missing_episodes": "Missing episodes"}
SIGNIFICANT = ("rise", "fall")


def with_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The verdict and the rate ratio in words, strongest evidence first."""
    ordered = frame.sort_values(["p_adjusted", "change"], ascending=[True, False], na_position="last")
    return ordered.assign(
        verdict=[wording.significance_text(s) for s in ordered["significance"]],
        ratio=[wording.ratio_text(r, lo, hi) for r, lo, hi in
               zip(ordered["rate_ratio"], ordered["ci_low"], ordered["ci_high"])],
        # 'p < 0.001' < 'p = 0.012' < 'p = 0.200' as text too, so the column sorts by evidence
        evidence=[wording.p_text(p) or "–" for p in ordered["p_adjusted"]],
    )


def coloured(frame: pd.DataFrame):
    """Colour a rise's or fall's verdict in its colour (words and arrows carry it too)."""
    styles = [
        f"color: {wording.verdict_colour(s)}; font-weight: 600" if s in SIGNIFICANT else ""
        for s in frame["significance"]
    ]
    return frame.style.apply(lambda _: styles, subset=["verdict"])


def counts_config(group_label: str) -> dict:
    return {
        "group": group_label,
        "ward_name": "Ward",
        "category": "Category",
        "previous_count": st.column_config.NumberColumn("Before", help="Blank: no covered day in the period"),
        "count": st.column_config.NumberColumn("Now", help="Blank: no covered day in the period"),
        "change": st.column_config.NumberColumn(
            "Change", format="%+.0f", help="Now minus before, at the same number of covered days"
        ),
        "ratio": st.column_config.TextColumn(
            "Rate ratio (95% CI)", help="Rate per covered day now ÷ before, with its exact 95% interval"
        ),
        "evidence": st.column_config.TextColumn(
            "Adjusted p",
            help="E-test p adjusted for the number of changes tested (Benjamini–Hochberg): below 0.05 "
            "is a significant change with the false discovery rate held at 5%. Smallest first.",
        ),
        "verdict": "Significance",
    }


def coverage_warning(frame: pd.DataFrame) -> None:
    """Say, in plain words, when a period is counted over fewer days than it has."""
    now, before = frame["coverage"].iloc[0], frame["previous_coverage"].iloc[0]
    if now or before:
        parts = [f"this period: {now}" if now else "", f"the period before: {before}" if before else ""]
        st.warning(
            "Counted over the days the source covers, never as zero ("
            + "; ".join(p for p in parts if p)
            + "). Changes compare rates per covered day.",
            icon=":material/event_busy:",
        )


def records(title: str, area: str, measure: str, key: str, **filters) -> None:
    """The latest records behind a selected row (``filters`` as dashboard.window_records takes
    them); selecting one opens its location's profile."""
    rows = ui.call(
        "window_records", area=area, measure=measure, window=v.window, as_of=v.as_of, limit=200, **filters
    )
    st.markdown(f"**{title}**: the latest {len(rows):,} records. Select one to open its location.")
    # A new table (and no stale selection) for each row chosen.
    ui.records_table(rows, key=f"{key}_{title}", columns=("at", "event_id", "what", "detail", "ward_name", "address"),
                     area=area)


records_shown = ui.user().sees_persons  # viewers see the counts, never the records behind them
select = {"on_select": "rerun", "selection_mode": "single-row"} if records_shown else {}


v = ui.view()
st.title(f"Compare periods: {ui.area_label()}")
baseline = st.radio(
    "Compare with", list(BASELINES), format_func=BASELINES.get, horizontal=True, key="cmp_baseline"
)
st.caption(
    ui.window_caption(baseline=baseline) + ". A change is significant when the E-test (two counts, each "
    "over the days its source covers) gives p below 0.05 for a headline figure, or, in a table, passes "
    "with a 5% false discovery rate. Percentages mislead on small counts: 16 → 25 is +56% but p = 0.16."
)

head = ui.call("headline", area=v.area, window=v.window, as_of=v.as_of, baseline=baseline).set_index(
    "measure"
)
lines = []
for m in dashboard.MEASURE_LABELS:
    row = head.loc[m]
    if wording.not_held(row["months_missing"]):
        lines.append(f"**{dashboard.MEASURE_LABELS[m]}: not held** in this data")
        continue
    now_note = f" ({row['coverage']})" if row["coverage"] else ""
    before_note = f" ({row['previous_coverage']})" if row["previous_coverage"] else ""
    change = ""
    if pd.notna(row["change"]):
        unequal = row["exposure_days"] != row["previous_exposure_days"]
        change = f": {row['change']:+,.0f}" + (" at equal covered days" if unequal else "")
    lines.append(
        f"**{dashboard.MEASURE_LABELS[m]}: {wording.fmt_count(row['count'])}**{now_note} against "
        f"{wording.fmt_count(row['previous_count'])} before{before_note}{change} "
        + wording.badge_html(row["significance"], row["p"])
    )
st.markdown("  \n".join(lines), unsafe_allow_html=True)

# --- what is increasing -----------------------------------------------------------------------------
st.header("What is increasing?")
by = st.segmented_control(
    "Group by", list(BY), format_func=BY.get, key="cmp_by", required=True, default="category"
)
compared = ui.call("compare", area=v.area, window=v.window, as_of=v.as_of, by=by, baseline=baseline)
if compared.empty:
    ui.empty(f"No {BY[by].lower()} recorded in either period in {ui.area_label()}.")
else:
    coverage_warning(compared)
    table = with_words(compared)
    rising = table[table["significance"] == "rise"]
    if not rising.empty:
        st.markdown(
            "**Significant rises**, strongest evidence first: "
            + "; ".join(
                f"{g} ({int(p):,} → {int(c):,}, {wording.p_text(q)} adjusted)"
                for g, p, c, q in zip(rising["group"], rising["previous_count"], rising["count"], rising["p_adjusted"])
            )
        )
    elif table["significance"].eq("no_data").all():
        st.markdown("**Not compared:** a period has no day of data.")
    else:
        st.markdown("**No significant rise** in any group.")
    ui.tested_caption(compared)
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
        ui.verdict_legend()
    shown_columns = ["group", "previous_count", "count", "change", "ratio", "evidence", "verdict"]
    table = table[[*shown_columns, "significance"]]
    event = st.dataframe(
        coloured(table),
        hide_index=True,
        placeholder="–",
        key="cmp_groups",
        **select,
        column_order=shown_columns,
        column_config=counts_config(BY[by]),
    )
    chosen = ui.selected_row(event, table) if records_shown else None
    if not records_shown:
        st.caption("Your role shows the counts; the records behind them are for officers and analysts.")
    elif chosen is None:
        st.caption("Select a row to see its records.")
    elif by == "missing":
        records(
            f"Missing episodes ({chosen['group']}) in {ui.area_label()}",
            v.area,
            "missing_episodes",
            "cmp_group_records",
            **records_module.MISSING_GROUP_RECORDS[chosen["group"]],
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
    coverage_warning(matrix)
    if matrix["ward_code"].nunique() > 1:
        st.plotly_chart(
            dashboard.significance_heatmap_figure(
                matrix, "Change by ward and category (number = crimes now; blank = none in either period)"
            ),
            key="cmp_heatmap",
        )
        ui.verdict_legend()
    only = st.toggle("Only significant changes", key="cmp_only_significant", value=True)
    flagged = int(matrix["significance"].isin(SIGNIFICANT).sum())
    shown = with_words(matrix[matrix["significance"].isin(SIGNIFICANT)] if only else matrix)
    st.caption(
        f"{wording.tested_text(matrix.attrs.get('tested', 0))}: {flagged:,} significant. "
        f"Showing {len(shown):,} of {len(matrix):,} ward–category pairs, strongest evidence first"
        + ("; select a row to see its records." if records_shown else ".")
    )
    if shown.empty:
        ui.empty(
            "No ward–category pair changed significantly"
            if not matrix["significance"].eq("no_data").all()
            else "Not compared: a period has no day of crime data."
        )
    else:
        shown_columns = ["ward_name", "category", "previous_count", "count", "change", "ratio", "evidence", "verdict"]
        # significance drives the colours and ward_code the records; neither is shown.
        cells = shown[shown_columns + ["significance", "ward_code"]]
        event = st.dataframe(
            coloured(cells),
            hide_index=True,
            placeholder="–",
            key="cmp_matrix",
            **select,
            column_config=counts_config("Category"),
            column_order=shown_columns,
        )
        chosen = ui.selected_row(event, cells) if records_shown else None
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
coverage_warning(by_ward)
boundaries = dashboard.ward_boundaries(by_ward["group"])
if not boundaries["features"]:
    ui.empty(
        "No ward boundaries are held for this area, so there is no map; the table below has the figures."
    )
else:
    st.pydeck_chart(dashboard.change_map(boundaries, by_ward), height=440, key="cmp_map")
    ui.verdict_legend()
    st.caption(f"{wording.tested_text(by_ward.attrs.get('tested', 0))}. Hover a ward for its figures.")
with st.expander("Figures per ward"):
    st.dataframe(
        coloured(with_words(by_ward)[["ward_name", "previous_count", "count", "change", "ratio", "evidence",
                                      "verdict", "significance"]]),
        hide_index=True,
        key="cmp_wards",
        placeholder="–",
        column_order=["ward_name", "previous_count", "count", "change", "ratio", "evidence", "verdict"],
        column_config=counts_config("Ward"),
    )
