"""How concentrated demand is: the share of events from the busiest 1, 5 and 10% of people
and places, Lorenz curves and the Gini coefficient."""

import pandas as pd
import streamlit as st

import ui
from demand import dashboard
from demand.present import wording

KIND_LABELS = wording.KIND_LABELS  # the one order of the repeat lists

v = ui.view()
st.title(f"Concentration: {wording.plain(ui.area_label())}")
st.caption(
    ui.window_caption().split(",")[0] + ". Research benchmarks: about 4% of people suffer "
    "about 40% of crimes (British Crime Survey); half of crime falls on 2–6% of street "
    "segments; about 10% of offenders commit about half of offences."
)

kinds = st.multiselect(
    "Compare", list(KIND_LABELS), default=list(KIND_LABELS), key="conc_kinds", format_func=KIND_LABELS.get
)
if not kinds:
    ui.empty("Choose at least one kind of entity to compare.")
    st.stop()
if any(k != "locations" for k in kinds) and ui.person_data_missing():
    kinds = [k for k in kinds if k == "locations"]
    if not kinds:
        st.stop()

results = {
    kind: ui.call("concentration", area=v.area, kind=kind, window=v.window, as_of=v.as_of) for kind in kinds
}
table = pd.DataFrame(
    [
        {
            "kind": KIND_LABELS[kind],
            "entities": r["entities"],
            "events": r["events"],
            "top1": r["top_share"][1] * 100,
            "top5": r["top_share"][5] * 100,
            "top10": r["top_share"][10] * 100,
            "gini": r["gini"],
        }
        for kind, r in results.items()
    ]
)
# each curve as the points that draw it (not a point per entity: a million callers force-wide)
with_events = {KIND_LABELS[k]: dashboard.lorenz_outline(r["lorenz"], r["events"])
               for k, r in results.items() if r["events"]}

busiest = table.dropna(subset=["top10"]).sort_values("top10", ascending=False)
if busiest.empty:
    ui.empty(f"No events in this period in {wording.plain(ui.area_label())}, so there is nothing to measure.")
    st.stop()
notes = sorted({f"{KIND_LABELS[k].lower()}: {r['coverage']}" for k, r in results.items() if r.get("coverage")})
if notes:
    st.warning(
        "Measured on the days the sources cover (" + "; ".join(notes) + "): a month a source lacks "
        "holds none of the events shared out below.",
        icon=":material/event_busy:",
    )
lead = busiest.iloc[0]
st.markdown(
    f"The busiest **10% of {lead['kind'].lower()}** account for **{lead['top10']:.0f}%** of "
    f"their events ({int(lead['entities']):,} {lead['kind'].lower()}, {int(lead['events']):,} events)."
)

columns = st.columns(len(busiest))
for column, row in zip(columns, busiest.itertuples()):
    column.metric(
        f"Top 10% of {row.kind.lower()}",
        f"{row.top10:.0f}%",
        border=True,
        help=f"Share of events from the busiest 10% of the {row.entities:,} "
        f"{row.kind.lower()} with at least one event; Gini {row.gini:.2f}",
    )

st.plotly_chart(
    # short enough for one line at a phone's 390 px: Plotly does not wrap a title
    dashboard.lorenz_figure(with_events, "Share of events held by the most active"),
    key="conc_lorenz",
)
st.caption(
    "Lorenz curves: the further a curve bows above the diagonal, the more the demand falls on a few. Read across "
    "from 10% on the horizontal axis to see the top tenth's share."
)
st.dataframe(
    table,
    hide_index=True,
    key="conc_table",
    placeholder="–",
    column_order=["kind", "top10", "gini", "entities", "events", "top1", "top5"],
    column_config={
        "kind": st.column_config.TextColumn("Entities", width=120, pinned=True),
        "entities": st.column_config.NumberColumn("Number", format="localized"),
        "events": st.column_config.NumberColumn("Events", format="localized"),
        "top1": st.column_config.NumberColumn("Top 1% share", format="%.0f%%"),
        "top5": st.column_config.NumberColumn("Top 5% share", format="%.0f%%"),
        "top10": st.column_config.NumberColumn("Top 10% share", format="%.0f%%", width=100),
        "gini": st.column_config.NumberColumn(
            "Gini", format="%.2f", width=60, help="0 = evenly spread, 1 = all on one"
        ),
    },
)
if "repeats" in ui.page_keys():
    st.page_link(
        "views/repeats.py",
        label="See who and where they are in the repeat lists",
        icon=":material/arrow_forward:",
        query_params=ui.shared_params(),
    )
