"""A district inspector's page: what rose and fell against the previous period (or the same
period last year), by crime type, by ward and crime type, which crimes cause most harm, and a
map and table of the wards with their rates per 1,000 residents. Every verdict comes from
demand.stats and is worded and coloured by demand.present.wording."""

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
        verdict=[wording.verdict(s).short for s in ordered["significance"]],
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


# Narrow first: the group, the count now, the change and its verdict fit a phone's width.
def counts_config(group_label: str) -> dict:
    return {
        "group": st.column_config.TextColumn(group_label, width=110, pinned=True),
        "ward_name": st.column_config.TextColumn("Ward", width=100, pinned=True),
        "category": st.column_config.TextColumn("Category", width=110),
        "count": st.column_config.NumberColumn("Now", width=56, help="Blank: no covered day in the period"),
        "change": st.column_config.NumberColumn(
            "Change", format="%+.0f", width=62, help="Now minus before, at the same number of covered days"
        ),
        "verdict": st.column_config.TextColumn(
            "Verdict", width=78, help="▲ a significant rise, ▼ a significant fall: the E-test with the false "
            "discovery rate held at 5% over the table"),
        "previous_count": st.column_config.NumberColumn("Before", width=60, help="Blank: no covered day"),
        "ratio": st.column_config.TextColumn(
            "Rate ratio (95% CI)", help="Rate per covered day now ÷ before, with its exact 95% interval"
        ),
        "evidence": st.column_config.TextColumn(
            "Adjusted p",
            help="E-test p adjusted for the number of changes tested (Benjamini–Hochberg): below 0.05 "
            "is a significant change with the false discovery rate held at 5%. Smallest first.",
        ),
        "rate": st.column_config.NumberColumn(
            "Per 1,000 (est.)", format="%.1f",
            help="Events per 1,000 residents in the period. The ward's population is an estimate (the wards "
            "table), so the rate is an estimate too. Blank: no population held for the ward."),
        "previous_rate": st.column_config.NumberColumn("Per 1,000 before (est.)", format="%.1f"),
    }


COUNTS = ["count", "change", "verdict", "previous_count", "ratio", "evidence"]


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
    """The records behind a chosen row, a page at a time; choosing one opens its location."""
    st.markdown(f"**{title}**: choose a record to open its location.")
    if not ui.records(key, area, measure, v.window, v.as_of,
                      columns=("at", "what", "address", "detail", "event_id", "ward_name"), **filters):
        ui.empty("No records in this period.")


records_shown = ui.user().sees_persons  # viewers see the counts, never the records behind them
select = {"on_select": "rerun", "selection_mode": "single-row"} if records_shown else {}


v = ui.view()
area = wording.plain(ui.area_label())
st.title(f"Compare periods: {area}")
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
ui.headline_lines(head)

# --- what is increasing -----------------------------------------------------------------------------
st.header("What is increasing?")
by = st.segmented_control(
    "Group by", list(BY), format_func=BY.get, key="cmp_by", required=True, default="category"
)
compared = ui.call("compare", area=v.area, window=v.window, as_of=v.as_of, by=by, baseline=baseline)
if compared.empty:
    ui.empty(f"No {BY[by].lower()} recorded in either period in {area}.")
else:
    coverage_warning(compared)
    table = with_words(compared)
    rising = table[table["significance"] == "rise"]
    if not rising.empty:
        st.markdown(
            "**Significant rises**, strongest evidence first: "
            + "; ".join(
                f"{wording.plain(g)} ({int(p):,} → {int(c):,}, {wording.p_text(q)} adjusted)"
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
    event, shown = ui.paged(
        table[["group", *COUNTS, "significance"]], "cmp_groups", ids="group", style=coloured,
        column_order=["group", *COUNTS], column_config=counts_config(BY[by]), **select,
    )
    chosen = ui.selected_row(event, shown) if records_shown else None
    if not records_shown:
        st.caption("Your role shows the counts; the records behind them are for officers and analysts.")
    elif chosen is None:
        st.caption("Choose a row to see its records.")
    elif by == "missing":
        records(
            f"Missing episodes ({wording.plain(chosen['group'])}) in {area}",
            v.area,
            "missing_episodes",
            "cmp_group_records",
            **records_module.MISSING_GROUP_RECORDS[chosen["group"]],
        )
    else:
        records(f"{wording.plain(chosen['group'])} in {area}", v.area, MEASURE_OF[by], "cmp_group_records",
                what=chosen["group"])

# --- crimes causing most impact -------------------------------------------------------------------
st.header("Crimes causing most impact")
st.caption(
    "Harm weighs each crime by its seriousness (indicative days of imprisonment, after the Cambridge Crime "
    "Harm Index), so a rise in robbery is not weighed like a rise in shoplifting. The counts' changes are "
    "tested; the harm's change is shown beside them, not tested."
)
harm_by = st.segmented_control("By", ["category", "ward"], key="cmp_harm_by", required=True, default="category",
                               format_func={"category": "Crime category", "ward": "Ward"}.get)
harm = ui.call("harm_by", area=v.area, by=harm_by, window=v.window, as_of=v.as_of, baseline=baseline)
if harm.empty:
    ui.empty(f"No crimes recorded in either period in {area}.")
else:
    top = harm.iloc[0]
    st.markdown(
        f"**{wording.plain(top['name'])}** causes the most harm: {top['harm_share']:.0%} of the area's "
        f"crime harm from {int(top['count']):,} crimes "
        f"({int(top['count']) / max(1, int(harm['count'].sum())):.0%} of the crimes)."
    )
    st.plotly_chart(dashboard.harm_figure(harm, f"Crime harm by {harm_by}: now and before"), key="cmp_harm_chart")
    harm_table = harm.assign(verdict=[wording.verdict(s).short for s in harm["significance"]])
    harm_columns = ["name", "harm", "harm_change", "harm_share", "count", "change", "verdict", "previous_harm",
                    "previous_count", "harm_per_crime"]
    if harm_by == "ward":
        harm_columns += ["rate", "previous_rate"]
    ui.paged(
        harm_table[[*harm_columns, "significance", "group"]], "cmp_harm", ids="group", style=coloured,
        column_order=harm_columns,
        column_config={
            **counts_config("Ward"),
            "name": st.column_config.TextColumn("Category" if harm_by == "category" else "Ward", width=110,
                                                pinned=True),
            "harm": st.column_config.NumberColumn("Harm", format="localized", width=66,
                                                  help="Indicative harm in days, summed over the period's crimes"),
            "harm_change": st.column_config.NumberColumn("Harm change", format="%+.0f", width=80),
            # a number, not a bar: a bar would be drawn in the theme's blue, a verdict's colour
            "harm_share": st.column_config.NumberColumn("Share of harm", format="percent", width=96),
            "count": st.column_config.NumberColumn("Crimes", width=60),
            "previous_harm": st.column_config.NumberColumn("Harm before", format="localized"),
            "previous_count": st.column_config.NumberColumn("Crimes before"),
            "harm_per_crime": st.column_config.NumberColumn("Harm per crime", format="%.0f"),
        },
    )

# --- wards x categories -----------------------------------------------------------------------------
st.header("Wards × crime categories")
matrix = ui.call("compare_matrix", area=v.area, window=v.window, as_of=v.as_of, baseline=baseline)
if matrix.empty:
    ui.empty(f"No crimes recorded in either period in {area}.")
else:
    coverage_warning(matrix)
    flagged = matrix[matrix["significance"].isin(SIGNIFICANT)]
    if matrix["ward_code"].nunique() > 1:
        with ui.desk("cmp_heatmap"):
            st.plotly_chart(
                dashboard.significance_heatmap_figure(
                    matrix, "Change by ward and category (number = crimes now; blank = none in either period)"
                ),
                key="cmp_heatmap",
            )
            ui.verdict_legend()
        with ui.phone("cmp_heatmap"):  # a grid of 20 wards by 14 categories cannot be read on a phone
            if flagged.empty:
                st.markdown("No ward has a significant change in any crime category.")
            else:
                st.markdown("**Significant changes by ward**")
                for ward, changes in flagged.sort_values(["ward_name", "p_adjusted"]).groupby("ward_name", sort=True):
                    st.markdown(f"**{wording.plain(ward)}**: " + "; ".join(
                        f"{wording.verdict(s).arrow} {wording.plain(c)} {wording.fmt_count(p)} → {wording.fmt_count(n)}"
                        for c, s, p, n in zip(changes["category"], changes["significance"],
                                              changes["previous_count"], changes["count"])))
    only = st.toggle("Only significant changes", key="cmp_only_significant", value=True)
    shown = with_words(flagged if only else matrix)
    st.caption(
        f"{wording.tested_text(matrix.attrs.get('tested', 0))}: {len(flagged):,} significant. "
        f"Showing {len(shown):,} of {len(matrix):,} ward–category pairs, strongest evidence first"
        + ("; choose a row to see its records." if records_shown else ".")
    )
    if shown.empty:
        ui.empty(
            "No ward–category pair changed significantly"
            if not matrix["significance"].eq("no_data").all()
            else "Not compared: a period has no day of crime data."
        )
    else:
        shown_columns = ["ward_name", "category", *COUNTS]
        # significance drives the colours and ward_code the records; neither is shown.
        event, cells = ui.paged(
            shown[[*shown_columns, "significance", "ward_code"]], "cmp_matrix", ids=["ward_code", "category"],
            style=coloured, column_config=counts_config("Category"), column_order=shown_columns, **select,
        )
        chosen = ui.selected_row(event, cells) if records_shown else None
        if chosen is not None:
            records(
                f"{wording.plain(chosen['category'])} in {wording.plain(chosen['ward_name'])}",
                chosen["ward_code"],
                "crimes",
                "cmp_matrix_records",
                what=chosen["category"],
            )

# --- map ----------------------------------------------------------------------------------------------
st.header("Wards compared")
source = st.segmented_control(
    "Of", list(SOURCES), format_func=SOURCES.get, key="cmp_source", required=True, default="crimes"
)
by_ward = ui.call(
    "compare", area=v.area, window=v.window, as_of=v.as_of, by="ward", source=source, baseline=baseline
)
coverage_warning(by_ward)
boundaries = dashboard.ward_boundaries(by_ward["group"])
may_open = "ward" in ui.page_keys()
if not boundaries["features"]:
    ui.empty("No ward boundaries are held for this area, so there is no map; the table below has the figures.")
else:
    tapped = st.pydeck_chart(
        dashboard.change_map(boundaries, by_ward, pick_wards=may_open), height=440, key="cmp_map",
        **({"on_select": "rerun", "selection_mode": "single-object"} if may_open else {}))
    if may_open:
        ui.follow_map_choice(dashboard.map_choice(tapped.selection))
    ui.verdict_legend()
    st.caption(f"{wording.tested_text(by_ward.attrs.get('tested', 0))}. "
               + ("Tap a ward to open it. " if may_open else "") + "Hover a ward for its figures.")
ward_table = with_words(by_ward).sort_values("ward_name")
ui.paged(
    ward_table[["ward_name", *COUNTS[:3], "rate", "previous_rate", *COUNTS[3:], "significance", "group"]],
    "cmp_wards", ids="group", style=coloured,
    column_order=["ward_name", *COUNTS[:3], "rate", "previous_rate", *COUNTS[3:]],
    column_config=counts_config("Ward"),
)
if by_ward["rate"].notna().any():
    st.caption("Per 1,000 residents: the period's count over the ward's population, an estimate (est.); blank "
               "where no population is held. Over a period with a missing month the count, and so the rate, "
               "covers fewer days.")
