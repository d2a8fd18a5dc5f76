"""Briefing: the chosen ward's briefing (part 1) or the chosen district's breakdown (part 2),
the same document the command line writes and mails, shown here and offered as HTML or PDF.
Every read goes through the gate as the signed-in user, and a download of a document that
names anyone is audited before the file is made."""

import streamlit as st

import ui
from demand.briefings import compose, render
from demand.briefings import settings as briefing_settings
from demand.present import document

v = ui.view()
user = ui.user()
st.title(f"Briefing: {ui.area_label()}")
if not v.district:
    ui.empty(
        "Choose a ward in the sidebar for its briefing (the officer's first-day-back document), or a "
        "district for the commander's breakdown of every ward."
    )
    st.stop()

with st.container(horizontal=True, vertical_alignment="bottom"):
    cadence = st.number_input(
        "Previous briefing, days before",
        min_value=1,
        max_value=90,
        value=briefing_settings.cadence_days(),
        step=1,
        key="brief_cadence",
        width=230,
        help="Who is new on a list is measured against the same briefing as at this many days earlier: "
        "7 for weekly, 8 for a 4-on-4-off shift pattern.",
    )

gate = ui.reader()
opened_state = ui.state()
register = opened_state.plans if opened_state is not None else None
if v.ward:
    doc = compose.ward_briefing(gate, v.ward, v.as_of, int(cadence), plans=register)
else:
    doc = compose.district_breakdown(gate, v.district, v.as_of, int(cadence), plans=register)
page = render.html(doc)
area = v.ward or v.district
personal = user.sees_persons and bool(doc.ids)


def audited(fmt: str):
    """The file, made only when the button is pressed and only after its audit record is
    written (a document that names nobody needs none)."""

    def make() -> bytes:
        name = render.file_name(doc, fmt)
        if personal:
            gate.record_disclosure("download", area, list(doc.ids), file_name=name, rows=len(doc.ids))
        return page.encode("utf-8") if fmt == "html" else render.pdf(page)

    return make


with st.container(horizontal=True):
    for fmt, label, icon in (("pdf", "Download PDF (A4)", ":material/picture_as_pdf:"),
                             ("html", "Download HTML", ":material/code:")):
        st.download_button(
            label,
            audited(fmt),
            file_name=render.file_name(doc, fmt),
            mime="/".join(render.mime_type(fmt)),
            key=f"brief_{fmt}",
            on_click="ignore",
            icon=icon,
            disabled=fmt == "pdf" and document.chromium_path() is None,
            help="The download is recorded in the audit log." if personal else None,
        )
if document.chromium_path() is None:
    st.caption("PDF needs Chromium on the server; the HTML holds the same document and prints the same.")
st.caption(
    f"The last 7 days, and 90 days against the 90 before, to the sidebar's as-of date (the period "
    f"setting does not apply). The same document `python -m demand brief` writes and mails, as your "
    f"role shows it ({user.permissions.title.lower()})."
)
st.iframe(document.in_app(page), height="content", alt=f"{'Ward briefing' if v.ward else 'District breakdown'}: {area}")
