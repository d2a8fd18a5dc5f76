"""The profile of one person (?person=) or location (?location=): who or what it is, counts
by period, the timeline, the people linked to it (each opening their own profile) and, for a
place, its neighbours' demand."""

import pandas as pd
import streamlit as st

import ui
from demand import areas, dashboard, ui_state
from demand.errors import UsageError
from demand.present import wording
from demand.windows import previous
from demand.windows import window as make_window

v = ui.view()
person_id = st.query_params.get("person")
location_id = None if person_id else st.query_params.get("location")

if not person_id and not location_id:
    st.title("Profile")
    ui.empty(
        "No person or location chosen. Find one by name, or open one from the Ward page or the Repeat lists."
    )
    st.page_link("views/find.py", label="Find a person, a place or a street by name", icon=":material/search:",
                 query_params=ui.shared_params())
    typed = st.text_input("Or type a person (P...) or location (L...) reference", key="profile_ref").strip()
    if typed:
        st.query_params["location" if typed.upper().startswith("L") else "person"] = typed
        st.rerun()
    st.stop()

if person_id and ui.person_data_missing():
    st.stop()

PURPOSES = (
    "Problem solving (SARA)",
    "Safeguarding or vulnerability",
    "Investigation",
    "Briefing or tasking",
    "Data quality check",
)
kind, reference = ("person", person_id) if person_id else ("location", location_id)
if len(reference) > areas.LONGEST_AREA or not reference.isprintable():
    st.title("Profile")
    ui.say("error", f"'{areas.shown(reference)}' is not a {kind} reference.", icon=":material/search_off:")
    st.stop()
# The reason is kept under its own key: a widget's value is dropped once it is no longer drawn.
widget_key = f"profile_purpose_{kind}_{reference}"
purpose_key = f"profile_reason_{kind}_{reference}"
if not st.session_state.get(purpose_key):
    st.title(f"Open the profile of {kind} {wording.plain(reference)}")
    st.caption(
        "Profiles show personal data. Each look is recorded with your name and the reason you give "
        "(Data Protection Act 2018, section 62)."
    )
    st.selectbox(
        "Why are you opening it?",
        PURPOSES,
        index=None,
        key=widget_key,
        placeholder="Choose a reason",
        on_change=lambda: st.session_state.__setitem__(purpose_key, st.session_state[widget_key]),
    )
    st.stop()

# A profile reads everything the user may see (all their wards), not only the sidebar's area.
everywhere = "the whole force" if ui.user().force_wide else "your wards"
try:
    opened = ui.call("profile", area="force", purpose=st.session_state[purpose_key],
                     **({"person": person_id} if person_id else {"location": location_id}))
except UsageError as error:
    st.title("Profile")
    ui.say("error", f"{error}. The link may be old, the reference mistyped, or it lies outside your area.",
           icon=":material/search_off:")
    st.stop()
entity, timeline, people = opened["entity"], opened["timeline"], opened["people"]

# --- who or what ------------------------------------------------------------------------------------
if person_id:
    st.title(wording.plain(entity["name"] or person_id))
    facts = [f"Reference {wording.plain(person_id)}"]
    if pd.notna(entity["birth_year"]):
        facts.append(f"born {int(entity['birth_year'])}")
    if entity["gender"]:
        facts.append(wording.plain(entity["gender"]))
    st.caption(" · ".join(facts) + ". Every call made, crime linked (with the role) and missing episode"
               f" in {everywhere}.")
else:
    st.title(wording.plain(entity["address"] or location_id))
    st.caption(
        " · ".join(
            str(x)
            for x in (
                f"Reference {wording.plain(location_id)}",
                wording.plain(entity["location_type"]) if entity["location_type"] else "",
                f"{wording.plain(entity['ward_name'])} ward, {wording.plain(entity['district'])}"
                if entity["ward_name"]
                else "no ward recorded",
                f"geocoded to {wording.plain(entity['precision'])}" if entity["precision"] else "not geocoded",
            )
            if x
        )
    )
    if entity["precision"] == "street":
        st.warning(
            "This location was defaulted to a street: events here may belong to several addresses on it.",
            icon=":material/wrong_location:",
        )
elsewhere = int(entity.get("events_elsewhere") or 0)
if elsewhere:
    st.info(
        f"{elsewhere:,} more event{'s' if elsewhere != 1 else ''} of this {kind} lie outside "
        f"{everywhere}: counted here, not shown.",
        icon=":material/visibility_off:",
    )
st.caption(f"Opened for: {wording.plain(st.session_state[purpose_key])} (recorded in the audit log).")
if st.button("Start a problem-solving plan", key="profile_start_plan", icon=":material/assignment_add:"):
    ui.start_plan(*dashboard.plan_start(kind, reference, entity, timeline))

# --- counts by period ----------------------------------------------------------------------------------
if timeline.empty:
    ui.empty("No calls, crimes or missing episodes are recorded for this reference.")
    st.stop()
first, last = pd.to_datetime(timeline["at"]).min(), pd.to_datetime(timeline["at"]).max()
# Every month the periods below (back to the 12 months before the last 12) or the chart touch.
earliest = min(first.date(), previous(make_window("12m", v.as_of)).start)
gaps = ui.call("coverage_gaps", first=earliest, last=max(last.date(), v.as_of))
gaps = gaps[gaps["table_name"].map(dashboard.SOURCE_OF_TABLE).isin(set(timeline["source"]))]
periods = dashboard.counts_by_window(timeline, v.as_of, gaps, ui.snapshot().month_dated)
with ui.phone("profile_periods"):  # four cards would fill a phone's screen
    st.markdown("  \n".join(
        f"**Last {ui_state.WINDOW_LABELS[r['window']]}: {wording.fmt_count(r['count'])}** against "
        f"{wording.fmt_count(r['previous_count'])} before"
        + (f" ({r['coverage']})" if r["coverage"] else "") for r in periods.to_dict("records")))
with ui.desk("profile_periods"):
    columns = st.columns(len(periods))
for column, row in zip(columns, periods.to_dict("records")):
    known = pd.notna(row["change"])
    with column.container(border=True):
        st.metric(
            f"Last {ui_state.WINDOW_LABELS[row['window']]}",
            wording.fmt_count(row["count"]),
            delta=round(row["change"]) if known else None,
            delta_color="off",
            delta_description=f"on {wording.fmt_count(row['previous_count'])} before" if known else None,
            help="Change at the same number of covered days; a month a source lacks is never counted as zero.",
        )
        notes = [row["coverage"] and f"this period: {row['coverage']}",
                 row["previous_coverage"] and f"the period before: {row['previous_coverage']}"]
        if any(notes):
            st.caption("Counted over the days covered (" + "; ".join(n for n in notes if n) + ").")
st.caption(
    f"{len(timeline):,} events in all, {first:%d %b %Y} to {last:%d %b %Y}; periods end "
    f"{v.as_of:%d %b %Y} (the sidebar's as-of date)."
)
monthly = dashboard.counts_by_month(timeline)
st.plotly_chart(dashboard.monthly_figure(monthly, "Events per month", gaps), key="profile_months")

# --- timeline --------------------------------------------------------------------------------------
st.header("Timeline")
st.caption("Newest first. Choose an event to open its place.")
newest = timeline.sort_values("at", ascending=False)
newest = newest.assign(source=newest["source"].map(dashboard.SOURCE_NAMES).fillna(newest["source"]),
                       role=newest["role"].str.replace("_", " "),
                       detail=newest["role"].str.replace("_", " ") if person_id else None)
if location_id:  # every event is here: the place would repeat on every line
    newest = newest.drop(columns=["address"])
ui.event_list(newest, key="profile_timeline",
              columns=("at", "what", "role", "address", "linked", "source", "event_id") if person_id
              else ("at", "what", "linked", "source", "event_id"))

# --- the people linked ---------------------------------------------------------------------------------
st.header("People linked")
if people.empty:
    ui.empty(f"No other person is linked to these events in {everywhere}.")
else:
    st.caption(
        ("The other people on this person's crimes" if person_id else
         "The callers, the people on crimes and the missing persons at this place")
        + f" in {everywhere}, most shared events first. Choose one to open their profile."
    )
    ui.link_list([
        ((f"**{wording.plain(p['name'] if pd.notna(p['name']) else p['person_id'], 50)}** · "
          f"{wording.plain(p['roles'].replace('_', ' '))} · {int(p['events']):,} event{'s' if p['events'] != 1 else ''}"
          f" · latest {pd.Timestamp(p['last_at']):%d %b %Y}"),
         ui.profile_params(v, "victims", p["person_id"]))
        for _, p in people.head(25).iterrows()], "profile_people")
    if len(people) > 25:
        st.caption(f"The 25 with most shared events of {len(people):,}.")

# --- around a place -----------------------------------------------------------------------------------
if location_id:
    st.header("Demand within 200 m")
    near = ui.call(
        "location_neighbours", area="force", location_id=location_id, radius_m=200, window=v.window, as_of=v.as_of
    )
    if near.empty:
        ui.empty(
            "No other location within 200 m had an event in this period"
            + (" (this location has no coordinates)." if pd.isna(entity["lat"]) else ".")
        )
    else:
        st.caption(
            f"Near-repeat demand: places within 200 m with events in the "
            f"{ui.window_caption().split(',')[0]}. Choose one to open its profile."
        )
        with ui.phone("profile_near"):
            ui.link_list([
                ((f"**{wording.plain(r['address'] or r['location_id'], 50)}** · {int(r['events']):,} events · "
                  f"{r['distance_m']:.0f} m"), ui.profile_params(v, "locations", r["location_id"]))
                for _, r in near.head(25).iterrows()], "profile_near")
        with ui.desk("profile_near"):
            event, shown = ui.paged(
                near[["address", "events", "distance_m", "location_type", "crimes", "calls", "missing",
                      "location_id"]],
                "profile_near",
                ids="location_id",
                on_select="rerun",
                selection_mode="single-row",
                column_config={
                    "address": st.column_config.TextColumn("Address", width=170, pinned=True),
                    "events": st.column_config.NumberColumn("Events", width=64),
                    "distance_m": st.column_config.NumberColumn("Distance (m)", format="%.0f", width=96),
                    "location_type": "Type",
                    "crimes": "Crimes",
                    "calls": "Calls",
                    "missing": "Missing",
                    "location_id": "Reference",
                },
            )
        chosen = ui.selected_row(event, shown)
        if chosen is not None:
            ui.open_profile("locations", chosen["location_id"])
