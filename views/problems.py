"""Problems: the register of problem-solving plans (SARA), one plan's assessment, edits and
history, GMP's monthly review, and a new plan (opened with its target filled in from a repeat
list or a profile: ?new=1&kind=...&target=...&ward=...)."""

import html
from datetime import date

import pandas as pd
import streamlit as st

import ui
from demand.errors import UsageError
from demand.plans import document as plan_document
from demand.plans.assess import assess
from demand.plans.figures import monthly_figure
from demand.plans.service import PlanDesk
from demand.present import wording
from demand.state.plans import CLOSED, KIND_WORDS, KINDS, OPEN, SARA, STATUSES, UNDER_ASSESSMENT

STATUS_WORDS = {OPEN: "Open", UNDER_ASSESSMENT: "Under assessment", CLOSED: "Closed"}
WINDOWS = {"90d": "90 days", "12m": "12 months", "custom": "Custom"}
SARA_HELP = {
    "scanning": "What is the problem, and how did it come to notice (the repeat list, a profile, a meeting)?",
    "analysis": "Victim, offender, location: who, where, when and why it keeps happening.",
    "response": "What is being done, by whom, and from when.",
    "assessment": "What changed: the assessment below measures it; say what it means and what comes next.",
}


def md(text: str) -> str:
    """Text a person typed, safe inside markdown (no link, emphasis or HTML of theirs): each
    line through wording.plain, the one helper for text from outside, its lines kept."""
    return "  \n".join(wording.plain(line, limit=5_000) for line in str(text).splitlines())


state = ui.state()
if state is None:
    st.title("Problems")
    st.error("The plans register cannot be opened (the state database is unavailable), so plans cannot be "
             f"shown or saved. ({st.session_state.get('state_error', '')})", icon=":material/error:")
    st.stop()
desk = PlanDesk(ui.reader(), state.plans)
v = ui.view()
my_wards = ui.wards()
WARD_NAMES = dict(zip(my_wards["ward_code"], my_wards["ward_name"]))


def ward_label(code: str) -> str:
    return f"{WARD_NAMES[code]} ({code})" if code in WARD_NAMES else code


def open_plan(plan_id: int | None) -> None:
    for key in ("plan", "new", "kind", "target", "ward", "title"):
        st.query_params.pop(key, None)
    if plan_id is not None:
        st.query_params["plan"] = str(plan_id)
    st.rerun()


# --- a new plan ---------------------------------------------------------------------------------


def new_plan_form(prefill: dict) -> None:
    # Public data (data.police.uk) holds places and crime types, no people: place and area plans only.
    kinds = list(KINDS) if ui.snapshot().person_level else ["location", "area"]
    ward_codes = list(my_wards["ward_code"])
    wanted_ward = prefill.get("ward") or v.ward or (ward_codes[0] if ward_codes else "")
    with st.form("prob_new", border=True):
        st.subheader("New problem-solving plan")
        title = st.text_input("Title", value=prefill.get("title", ""), max_chars=200,
                              placeholder="e.g. Repeat calls from 12 Station Road")
        left, right = st.columns(2)
        kind = left.selectbox("Kind", kinds, index=kinds.index(prefill["kind"]) if prefill.get("kind") in kinds else 0,
                              format_func=lambda k: KIND_WORDS[k].capitalize())
        ward = right.selectbox("Ward it belongs to", ward_codes, format_func=ward_label,
                               index=ward_codes.index(wanted_ward) if wanted_ward in ward_codes else 0)
        targets = st.text_area("Targets", value=prefill.get("target", ""), height=68,
                               help="Person ids (P...), location ids (L...) or ward codes (E05...), one per line "
                                    "or separated by commas")
        categories = st.text_input("Only these crime categories or call types (optional)",
                                   placeholder="e.g. Anti-social behaviour; Criminal damage and arson",
                                   help="Separate with ';'. Leave empty to count everything.")
        left, right = st.columns(2)
        started = left.checkbox("The response has started", value=False)
        response_date = right.date_input("Date the response started", value=min(date.today(), v.as_of),
                                         format="DD/MM/YYYY", max_value=date.today())
        left, right = st.columns(2)
        owner = left.text_input("Owner", value=ui.user().email)
        partners = right.text_input("Partners", placeholder="e.g. housing association, adult social care")
        texts = {name: st.text_area(name.capitalize(), height=80, help=SARA_HELP[name]) for name in SARA[:3]}
        submitted = st.form_submit_button("Create plan", type="primary", icon=":material/add:")
    if submitted:
        try:
            plan = desk.create({
                "title": title, "kind": kind, "targets": targets, "ward_code": ward, "categories": categories,
                "owner": owner, "partners": partners, **texts,
                "response_date": response_date if started else None,
            })
        except UsageError as error:
            st.error(f"Not saved: {error}", icon=":material/error:")
            return
        st.toast(f"Plan {plan.id} created", icon=":material/check:")
        open_plan(plan.id)


# --- the register and the review -----------------------------------------------------------------


def register_tab() -> None:
    left, right = st.columns([3, 2])
    status = left.segmented_control("Status", ["all", *STATUSES], default="all", key="prob_status",
                                    format_func=lambda s: "All" if s == "all" else STATUS_WORDS[s], required=True)
    ward = right.selectbox("Ward", [""] + list(WARD_NAMES), key="prob_ward",
                           format_func=lambda w: ward_label(w) if w else "All my wards")
    plans = desk.list(status=None if status == "all" else status, ward=ward or None)
    if not plans:
        ui.empty("No plans here yet. Start one from a repeat list or a profile, or with 'New plan'.")
        return
    table = pd.DataFrame([{
        "id": p.id, "title": p.title, "kind": KIND_WORDS[p.kind], "ward": WARD_NAMES.get(p.ward_code, p.ward_code),
        "owner": p.owner, "status": STATUS_WORDS[p.status], "response_date": p.response_date,
        "targets": len(p.targets), "updated": pd.Timestamp(p.updated_at).tz_convert(None),
    } for p in plans])
    st.caption(f"{len(plans):,} plan{'s' if len(plans) != 1 else ''}. Select one to open it.")
    event = st.dataframe(table, hide_index=True, key="prob_register", on_select="rerun",
                         selection_mode="single-row", column_config={
                             "id": st.column_config.NumberColumn("#", width="small"),
                             "title": st.column_config.TextColumn("Title", width="large"),
                             "kind": "Kind", "ward": "Ward", "owner": "Owner", "status": "Status",
                             "response_date": st.column_config.DateColumn("Response began", format="DD MMM YYYY"),
                             "targets": "Targets",
                             "updated": st.column_config.DatetimeColumn("Last updated", format="DD MMM YYYY"),
                         })
    chosen = ui.selected_row(event, table)
    if chosen is not None:
        open_plan(int(chosen["id"]))


def review_tab() -> None:
    st.caption("The monthly review of plans not yet closed: not updated for 30 days, no response date, targets no "
               "longer in the data, open longer than the force's limit. Flagged plans come first.")
    rows = desk.review()
    if not rows:
        ui.empty("No open plans to review.")
        return
    table = pd.DataFrame([{
        "id": r.plan.id, "title": r.plan.title, "ward": WARD_NAMES.get(r.plan.ward_code, r.plan.ward_code),
        "owner": r.plan.owner, "flags": "; ".join(r.flags) or "–", "days_open": r.days_open,
        "days_since_update": r.days_since_update,
    } for r in rows])
    flagged = sum(1 for r in rows if r.flags)
    st.markdown(f"**{flagged} of {len(rows)}** open plans need attention.")
    event = st.dataframe(table, hide_index=True, key="prob_review", on_select="rerun", selection_mode="single-row",
                         column_config={"id": st.column_config.NumberColumn("#", width="small"), "title": "Title",
                                        "ward": "Ward", "owner": "Owner",
                                        "flags": st.column_config.TextColumn("Needs attention", width="large"),
                                        "days_open": "Days open", "days_since_update": "Days since update"})
    chosen = ui.selected_row(event, table)
    if chosen is not None:
        open_plan(int(chosen["id"]))


# --- one plan -----------------------------------------------------------------------------------


def changes_by_type(result, plan_id: int) -> None:
    st.subheader("Change by type")
    changes = result.changes.assign(verdict=[wording.significance_text(s, p) for s, p in
                                             zip(result.changes["significance"], result.changes["p_adjusted"])])
    st.dataframe(changes[["source", "what", "previous_count", "count", "verdict"]], hide_index=True,
                 key=f"prob_changes_{plan_id}",
                 column_config={"source": "Source", "what": "Type", "previous_count": "Before", "count": "After",
                                "verdict": "Significance"})
    st.caption(wording.tested_text(int(result.changes["p"].notna().sum()) if len(result.changes) else 0))


def costs_of(result, plan_id: int) -> None:
    st.subheader("Cost")
    costs = result.costs.dropna(subset=["avoided"]) if len(result.costs) else result.costs
    if costs.empty:
        st.caption("No saving can be estimated without a control.")
        return
    st.dataframe(pd.DataFrame({
        "Source": costs["source"],
        "Avoided": [f"{a:,.0f} to {b:,.0f}" for a, b in zip(costs["avoided_low"], costs["avoided_high"])],
        "Saving": ["–" if pd.isna(a) else wording.money_range(a, b)
                   for a, b in zip(costs["saving_low"], costs["saving_high"])],
    }), hide_index=True, key=f"prob_costs_{plan_id}")
    # the basis is a sentence or two: written out in full, not cut off in a grid cell
    for source, basis in zip(costs["source"], costs["basis"]):
        st.caption(f"Basis ({source}): {wording.plain(basis, 600)}")
    st.caption("Unit costs: data/reference/unit_costs.csv (a force replaces it with its own).")


def assessment_tab(plan) -> None:
    if plan.response_date is None:
        ui.empty("Set the date the response started (Edit) to assess this plan.")
        return
    left, middle, right = st.columns([2, 1, 2])
    window = left.segmented_control("Periods either side of the response", list(WINDOWS), default="12m",
                                    key=f"prob_window_{plan.id}", format_func=WINDOWS.get, required=True)
    days = middle.number_input("Days either side", min_value=7, max_value=1095, value=180, step=1,
                               key=f"prob_days_{plan.id}") if window == "custom" else None
    districts = sorted(my_wards["district"].unique())
    control_choices = [""] + districts + (["force"] if ui.user().force_wide else []) + list(WARD_NAMES)
    default_control = plan.control_area or plan.district
    control = right.selectbox("Control area", control_choices, key=f"prob_control_{plan.id}",
                              format_func=lambda c: f"The plan's ({default_control})" if not c else (
                                  "The whole force" if c == "force" else ward_label(c)))
    try:
        with st.spinner("Assessing ..."):
            result = assess(ui.reader(), plan, as_of=v.as_of, window=int(days) if window == "custom" else window,
                            control_area=control or None)
    except UsageError as error:
        st.warning(str(error), icon=":material/info:")
        return
    span = result.periods
    stage = "Final" if span.final else f"Interim ({span.days} of {span.full_days} days)"
    colour = wording.verdict(result.verdict_class)
    st.markdown(
        f'<div data-verdict="{html.escape(result.verdict_class)}" style="border-left:6px solid {colour.colour};'
        f'background:#f3f5f8;padding:0.5rem 0.8rem;margin:0.3rem 0 0.6rem;font-weight:600">'
        f'<span style="border:1px solid #222;border-radius:4px;padding:0 6px;margin-right:8px;font-size:0.8em">'
        f'{html.escape(stage.upper())}</span>{html.escape(result.verdict)}</div>', unsafe_allow_html=True)
    st.caption(f"Before {span.before.start:%d %b %Y} – {span.before.end:%d %b %Y}; after {span.after.start:%d %b %Y}"
               f" – {span.after.end:%d %b %Y} (as of {span.as_of:%d %b %Y}, the sidebar's date).")
    figures = [("Targets", result.target), ("Control", result.control), ("Buffer", result.buffer)]
    shown = [(label, group) for label, group in figures if group is not None]
    # Two rows of figures: the groups' counts, then what they add up to. Six in one row cut the
    # money range short ("£57k to £1…") at desk width.
    for column, (label, group) in zip(st.columns(len(shown)), shown):
        with column.container(border=True):
            known = group.before is not None and group.after is not None
            st.metric(f"{label}: after", wording.fmt_count(group.after), help=group.label,
                      delta=group.after - group.before if known else None, delta_color="off",
                      delta_description=f"on {group.before:,} before" if known else None)
            ui.significance_badge(group.comparison["significance"], group.comparison["p"])
    rest = iter(st.columns(1 + (result.buffer is not None) + (result.saving is not None)))
    with next(rest).container(border=True):
        if result.wdd is None:
            st.metric("WDD", "–", help="Weighted Displacement Difference: needs a control with events before")
        else:
            low, high = result.wdd.interval()
            st.metric("WDD", f"{result.wdd.total:+,.0f}",
                      help="Weighted Displacement Difference: events beyond what the control's change implies; "
                           "below 0 is fewer")
            st.caption(f"95% interval {low:+,.0f} to {high:+,.0f}")
    if result.buffer is not None:
        with next(rest).container(border=True):
            st.metric("WDQ", "–" if result.wdq is None else f"{result.wdq:+.2f}",
                      help="Weighted Displacement Quotient (Bowers & Johnson 2003)")
            st.caption(wording.wdq_text(result.wdq) if result.wdq is not None else result.wdq_note)
    if result.saving is not None:
        with next(rest).container(border=True):
            st.metric("Police time saved", wording.money_span(*result.saving),
                      help="The 95% interval of the events avoided times indicative unit costs")
            st.caption(wording.money_range(*result.saving))
    st.markdown("\n".join(f"- {md(line)}" for line in result.findings))
    st.plotly_chart(monthly_figure(result.monthly, result.missing_months, plan.response_date),
                    key=f"prob_chart_{plan.id}")
    # One above the other: side by side, the cost table's Basis column was cut off.
    changes_by_type(result, plan.id)
    costs_of(result, plan.id)
    for note in result.notes:
        st.caption(note)
    gate = ui.reader()
    ids = list(plan.targets) if plan.target_kind != "ward" else []

    def audited(kind: str):
        def make() -> bytes:
            name = plan_document.file_name(result, kind)
            gate.record_disclosure("download", plan.ward_code, ids, file_name=name, plan=plan.id)
            page = plan_document.html(result)
            return page.encode("utf-8") if kind == "html" else plan_document.document.to_pdf(page)
        return make

    with st.container(horizontal=True):
        st.download_button("Download the assessment (PDF)", audited("pdf"),
                           file_name=plan_document.file_name(result, "pdf"), mime="application/pdf",
                           key=f"prob_pdf_{plan.id}", on_click="ignore", icon=":material/picture_as_pdf:",
                           help="One printable page. The download is recorded in the audit log.")
        st.download_button("Download (HTML)", audited("html"), file_name=plan_document.file_name(result, "html"),
                           mime="text/html", key=f"prob_html_{plan.id}", on_click="ignore", icon=":material/download:",
                           help="The same page, for a phone or an email. Recorded in the audit log.")


def plan_tab(plan) -> None:
    left, right = st.columns([3, 2])
    with left:
        for name in SARA:
            st.markdown(f"**{name.capitalize()}**")
            text = getattr(plan, name)
            st.markdown(md(text) if text else "_Not written yet._")
    with right:
        noun = {"person": "People", "location": "Places", "ward": "Wards"}[plan.target_kind]
        st.markdown(f"**{noun} ({len(plan.targets)})**")
        for target in plan.targets[:30]:
            if plan.target_kind == "ward":
                st.markdown(f"- {md(ward_label(target))}")
            else:
                key = "person" if plan.target_kind == "person" else "location"
                st.page_link("views/profile.py", label=target, icon=":material/person_search:",
                             query_params=ui.shared_params(**{key: target}))
        if len(plan.targets) > 30:
            st.caption(f"and {len(plan.targets) - 30} more")
        if plan.categories:
            st.markdown("**Counting only**")
            st.markdown(md("; ".join(plan.categories)))
        st.markdown("**Partners**")
        st.markdown(md(plan.partners) if plan.partners else "_None named._")


def edit_tab(plan) -> None:
    if plan.status == CLOSED:
        st.info("This plan is closed. Reopen it to change it.", icon=":material/lock:")
        if st.button("Reopen the plan", key=f"prob_reopen_{plan.id}", icon=":material/lock_open:"):
            try:
                desk.reopen(plan.id, expected_version=plan.version)
            except UsageError as error:
                st.error(str(error))
                return
            st.rerun()
        return
    with st.form(f"prob_edit_{plan.id}"):
        title = st.text_input("Title", value=plan.title, max_chars=200)
        left, right = st.columns(2)
        status = left.selectbox("Status", [OPEN, UNDER_ASSESSMENT], index=[OPEN, UNDER_ASSESSMENT].index(plan.status),
                                format_func=STATUS_WORDS.get)
        owner = right.text_input("Owner", value=plan.owner)
        targets = st.text_area("Targets", value="\n".join(plan.targets), height=68)
        left, right = st.columns(2)
        started = left.checkbox("The response has started", value=plan.response_date is not None)
        response_date = right.date_input("Date the response started", value=plan.response_date or min(date.today(),
                                         v.as_of), format="DD/MM/YYYY", max_value=date.today())
        partners = st.text_input("Partners", value=plan.partners)
        texts = {name: st.text_area(name.capitalize(), value=getattr(plan, name), height=90, help=SARA_HELP[name])
                 for name in SARA}
        left, right = st.columns(2)
        categories = left.text_input("Only these crime categories or call types", value="; ".join(plan.categories))
        buffer_m = right.number_input("Buffer around places (metres)", min_value=10, max_value=2000,
                                      value=int(plan.buffer_m), step=10)
        saved = st.form_submit_button("Save changes", type="primary", icon=":material/save:")
    if saved:
        try:
            desk.update(plan.id, {"title": title, "status": status, "owner": owner, "targets": targets,
                                  "response_date": response_date if started else None, "partners": partners,
                                  "categories": categories, "buffer_m": buffer_m, **texts},
                        expected_version=plan.version)
        except UsageError as error:
            st.error(f"Not saved: {error}", icon=":material/error:")
            return
        st.toast("Saved", icon=":material/check:")
        st.rerun()
    with st.expander("Close the plan"):
        st.caption("A plan is never deleted. Closing keeps it, its history and its assessment; write the final "
                   "assessment first.")
        final = st.text_area("Final assessment", value=plan.assessment, key=f"prob_final_{plan.id}")
        if st.button("Close the plan", key=f"prob_close_{plan.id}", icon=":material/task_alt:"):
            try:
                desk.close(plan.id, final, expected_version=plan.version)
            except UsageError as error:
                st.error(f"Not closed: {error}", icon=":material/error:")
                return
            st.rerun()


def history_tab(plan) -> None:
    rows = []
    for change in reversed(desk.history(plan.id)):
        details = "; ".join(
            f"{field}: {_value(before)} → {_value(after)}" for field, (before, after) in sorted(change["changes"].items())
        )
        rows.append({"version": change["version"], "at": pd.Timestamp(change["at"]).tz_convert(None),
                     "who": change["user_email"], "role": change["user_role"], "action": change["action"],
                     "changes": details})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"prob_history_{plan.id}", column_config={
        "version": st.column_config.NumberColumn("Version", width="small"),
        "at": st.column_config.DatetimeColumn("When (UTC)", format="DD MMM YYYY HH:mm"),
        "who": "Who", "role": "Role", "action": "What", "changes": st.column_config.TextColumn("Changes", width="large"),
    })


def _value(value) -> str:
    if value in (None, "", []):
        return "(empty)"
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def plan_page(plan_id: str) -> None:
    try:
        plan = desk.get(plan_id)
    except UsageError as error:
        st.title("Problems")
        st.error(f"{error}. The link may be old, or the plan belongs to wards you do not cover.",
                 icon=":material/search_off:")
        if st.button("All plans", icon=":material/arrow_back:"):
            open_plan(None)
        st.stop()
    if st.button("All plans", key="prob_back", icon=":material/arrow_back:", type="tertiary"):
        open_plan(None)
    st.title(f"Plan {plan.id}: {wording.plain(plan.title, 120)}")
    facts = [KIND_WORDS[plan.kind].capitalize(), ward_label(plan.ward_code), plan.district, f"owner {plan.owner}",
             STATUS_WORDS[plan.status],
             f"response began {plan.response_date:%d %b %Y}" if plan.response_date else "response not started",
             f"version {plan.version}, updated {plan.updated_at[:10]} by {plan.updated_by}"]
    st.caption(" · ".join(wording.plain(f, 200) for f in facts if f))
    tabs = st.tabs(["Assessment", "Plan", "Edit", "History"], key="prob_plan_tab", on_change="rerun")
    for tab, draw in zip(tabs, (assessment_tab, plan_tab, edit_tab, history_tab)):
        if tab.open:
            with tab:
                draw(plan)


# --- the page -----------------------------------------------------------------------------------

try:
    if st.query_params.get("plan"):
        plan_page(st.query_params["plan"])
        st.stop()
    st.title("Problems")
    st.caption("Problem-solving plans for your wards (scanning, analysis, response, assessment): the register, "
               "each plan's assessment, and the monthly review.")
    prefill = {k: st.query_params.get(k, "") for k in ("kind", "target", "ward", "title")}
    starting = st.query_params.get("new") == "1"
    tabs = st.tabs(["Plans", "Monthly review", "New plan"], key="prob_tab", on_change="rerun",
                   default="New plan" if starting else None)
    for tab, draw in zip(tabs, (register_tab, review_tab, lambda: new_plan_form(prefill))):
        if tab.open:
            with tab:
                draw()
except UsageError as error:
    st.error(str(error), icon=":material/block:")
