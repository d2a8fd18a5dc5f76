"""The audit log (Data Protection Act 2018, section 62): who consulted personal data, when,
what and why. For analysts; filter, check the chain, download."""

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

import ui
from demand import access
from demand.reader import ANALYSES

st.title("Audit log")
if not access.may(ui.user(), "audit"):
    st.error("The audit log is for analysts.", icon=":material/lock:")
    st.stop()
state = ui.state()
if state is None:
    st.error(f"The state database cannot be opened ({st.session_state.get('state_error', '')}).",
             icon=":material/error:")
    st.stop()
st.caption(
    "Every view of person-level data (repeat lists, profiles, timelines, records) and every export "
    "or download adds one record: who, when (UTC), the page, the area and wards, the period, the "
    "references shown and the reason given. Records cannot be changed or deleted; each carries the "
    "hash of the one before, so a change made around the database's own guard is found by the check."
)

today = pd.Timestamp.now(tz="UTC").date()
with st.container(horizontal=True):
    who = st.text_input("User (email)", key="audit_user", width=280).strip()
    action = st.selectbox(
        "Action",
        ["", *(name for name, spec in ANALYSES.items() if spec.personal), "download", "export"],
        key="audit_action",
        format_func=lambda a: a or "Any",
        width=200,
    )
    days = st.date_input("Between", value=(today - timedelta(days=30), today), key="audit_days",
                         format="DD/MM/YYYY", width=260)
first, last = (days[0], days[-1]) if isinstance(days, (tuple, list)) and days else (None, None)
rows = state.audit.records(user=who or None, action=action or None,
                           since=first.isoformat() if first else None,
                           until=last.isoformat() if last else None, limit=5000)
log = pd.DataFrame(rows, columns=["seq", "at", "user_email", "user_role", "action", "page", "area", "wards",
                                  "window", "params", "id_count", "ids", "purpose", "ids_digest", "hash"])
if log.empty:
    ui.empty("No audit records match these filters.")
else:
    log["at"] = pd.to_datetime(log["at"], utc=True)
    log["shown"] = [", ".join(json.loads(ids)[:5]) + (" …" if n > 5 else "") for ids, n in
                    zip(log["ids"], log["id_count"])]
    st.markdown(f"**{len(log):,} records**" + (" (the newest 5,000)" if len(log) == 5000 else ""))
    st.dataframe(
        log,
        hide_index=True,
        key="audit_table",
        column_order=["at", "user_email", "action", "shown", "purpose", "id_count", "page", "area", "wards",
                      "window", "user_role", "seq"],
        column_config={
            "seq": st.column_config.NumberColumn("#", format="%d"),
            "at": st.column_config.DatetimeColumn("When (UTC)", format="DD MMM YY HH:mm", width=110),
            "user_email": st.column_config.TextColumn("User", width=140),
            "user_role": "Role",
            "action": st.column_config.TextColumn("Action", width=90),
            "page": "Page",
            "area": "Area asked",
            "wards": st.column_config.TextColumn("Wards read", help="'force': every ward and the events with none"),
            "window": "Period",
            "id_count": st.column_config.NumberColumn("Shown", help="How many references were shown"),
            "shown": "References (first five)",
            "purpose": "Reason",
        },
    )
    gate = ui.reader()

    def audited_log() -> bytes:
        gate.record_disclosure("download", "force", [], file_name="audit-log.csv", rows=len(log),
                               table="audit_log")
        return log.drop(columns=["shown"]).to_csv(index=False).encode("utf-8")

    st.download_button("Download these records (CSV)", audited_log, file_name="audit-log.csv", mime="text/csv",
                       key="audit_csv", on_click="ignore", icon=":material/download:",
                       help="The download is itself recorded in the audit log.")

st.header("Check the chain")
if st.button("Check every record now", key="audit_verify", icon=":material/verified:"):
    result = state.audit.verify()
    if result.ok:
        st.success(f"Intact: {result.checked:,} records. Newest record {result.head_seq}, hash "
                   f"`{result.head_hash[:16]}…`. Keep this hash elsewhere to prove the log later.",
                   icon=":material/verified:")
    else:
        st.error(f"Broken at record {result.first_broken}: {result.reason}.", icon=":material/gpp_bad:")
st.caption("The same check from a terminal: `python -m demand audit verify`.")
