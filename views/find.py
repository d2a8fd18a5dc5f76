"""Find a person, a place or a street by name, among those with an event in the user's wards.
Each search is audited like any other look at personal data; the text typed is never put in the
page's address (names would end up in browser histories and server logs)."""

import pandas as pd
import streamlit as st

import ui
from demand.errors import UsageError
from demand.present import wording

v = ui.view()
everywhere = "the whole force" if ui.user().force_wide else "your wards"
st.title("Find a person, a place or a street")
st.caption(f"Among the people and places with an event in {everywhere}. Searches are recorded in the audit log.")
text = st.text_input("Name, address or street", key="find_text", max_chars=80,
                     placeholder="For example: Lee, Grange Avenue, The Red Lion").strip()
if not text:
    st.stop()
# Public data (data.police.uk) holds no people: search its places and streets only.
kinds = ("people", "places", "streets") if ui.snapshot().person_level else ("places", "streets")
try:
    found = {name: ui.call(f"find_{name}", area="force", text=text) for name in kinds}
except UsageError as error:
    ui.say("info", error, icon=":material/keyboard:")
    st.stop()

if not any(len(frame) for frame in found.values()):
    ui.empty(f"Nothing in {everywhere} matches '{wording.plain(text, 40)}'. Try part of a name or street.")
    st.stop()


def last_seen(value) -> str:
    return f"latest {pd.Timestamp(value):%d %b %Y}" if pd.notna(value) else "no event in the data"


people, places, streets = found.get("people", pd.DataFrame()), found["places"], found["streets"]
if len(people):
    st.subheader(f"People ({len(people):,}{'+' if len(people) == 25 else ''})")
    ui.link_list([
        (f"**{wording.plain(p['name'] or p['person_id'], 50)}** · "
         + (f"born {int(p['birth_year'])} · " if pd.notna(p["birth_year"]) else "")
         + f"{int(p['events']):,} events · {last_seen(p['last_at'])} · {wording.plain(p['person_id'])}",
         ui.profile_params(v, "victims", p["person_id"]))
        for _, p in people.iterrows()], "find_people")
if len(streets):
    st.subheader(f"Streets ({len(streets):,}{'+' if len(streets) == 25 else ''})")
    ui.link_list([
        ((f"**{wording.plain(s['street'], 50)}**, {wording.plain(s['ward_name'])} · {int(s['places']):,} places · "
          f"{int(s['events']):,} events · {last_seen(s['last_at'])}"),
         ui.area_params(ward=s["ward_code"], street=s["street"]))
        for _, s in streets.iterrows()], "find_streets", page="views/streets.py")
if len(places):
    st.subheader(f"Places ({len(places):,}{'+' if len(places) == 25 else ''})")
    ui.link_list([
        (f"**{wording.plain(p['address'] or p['location_id'], 60)}**"
         + (f", {wording.plain(p['ward_name'])}" if isinstance(p["ward_name"], str) else "")
         + f" · {int(p['events']):,} events · {last_seen(p['last_at'])}",
         ui.profile_params(v, "locations", p["location_id"]))
        for _, p in places.iterrows()], "find_places")
