"""A briefing as a document: HTML from this package's templates (which extend the product's
printable ``document.html``), and a PDF printed from that same HTML by Chromium, so the two
never differ. File names say whose document it is and for which day:
``2026-10-31 Abbey (E05000001) ward briefing.pdf``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from demand import stats
from demand.briefings.compose import DistrictBreakdown, WardBriefing
from demand.plans.service import STALE_DAYS
from demand.present import document, wording

TEMPLATES = Path(__file__).resolve().parent / "templates"
document.template_dirs(TEMPLATES)

FORMATS = ("html", "pdf")
# Text colours for a verdict. The product's rise and fall colours; the others keep the base
# template's darker greys, since the product's light "no change" fill is unreadable as text.
PALETTE = {stats.RISE: wording.verdict(stats.RISE).colour, stats.FALL: wording.verdict(stats.FALL).colour}
MARKING_PERSONAL = "OFFICIAL-SENSITIVE: holds personal data. Do not forward or print more copies than you need."
MARKING_COUNTS = "OFFICIAL: counts only, no personal data."
MARKING_PUBLIC = "OFFICIAL: public data (no people), no personal data."


def marking(reading) -> str:
    """The protective marking: a copy naming people is OFFICIAL-SENSITIVE."""
    if not reading.person_level:
        return MARKING_PUBLIC
    return MARKING_PERSONAL if reading.names_shown else MARKING_COUNTS


# --- how values read ----------------------------------------------------------------------------


def when(value: datetime | None) -> str:
    """'Tue 27 Oct 18:20'."""
    return f"{value:%a} {value.day} {value:%b %H:%M}" if value else ""


def day(value: date | datetime | None) -> str:
    """'27 Oct 2026'."""
    return f"{value.day} {value:%b %Y}" if value else ""


def short_day(value: date | datetime | None) -> str:
    """'27 Oct'."""
    return f"{value.day} {value:%b}" if value else ""


def long_day(value: date) -> str:
    """'Saturday 31 October 2026'."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def css_class(significance: str | None) -> str:
    """The base template's class for a verdict: rise, fall, no-change, no-data."""
    return (significance or stats.NO_DATA).replace("_", "-")


def arrow(significance: str | None) -> str:
    return wording.verdict(significance).arrow


HELPERS = {"stale_days": STALE_DAYS, "when": when, "day": day, "short_day": short_day, "long_day": long_day, "css_class": css_class,
           "arrow": arrow, "count": wording.fmt_count, "verdict_words": lambda s: wording.verdict(s).words,
           "tested_text": wording.tested_text, "p_text": wording.p_text}


def _common(reading) -> dict:
    return {**HELPERS, "palette": PALETTE, "reading": reading,
            "marking": marking(reading),
            "generated": f"{day(reading.produced_at)} {reading.produced_at:%H:%M} for {reading.reader_name}, "
                         f"{reading.reader_role.lower()},"}


# --- the documents ------------------------------------------------------------------------------


def ward_html(briefing: WardBriefing) -> str:
    reading = briefing.reading
    return document.render(
        "ward_briefing.html", b=briefing,
        title=f"{briefing.ward_name} ward briefing",
        subtitle=(f"{briefing.district} · {reading.recent_label} and the 90 days to {long_day(reading.as_of)}"
                  if reading.month_dated else f"{briefing.district} · the 7 and 90 days to {long_day(reading.as_of)}"),
        meta={"For": f"{reading.reader_name}, {reading.reader_role.lower()}",
              "New since": f"the briefing of {day(reading.previous_briefing)}",
              "Data": f"to {day(reading.data_last)}"},
        **_common(reading))


def district_html(breakdown: DistrictBreakdown) -> str:
    reading = breakdown.reading
    return document.render(
        "district_breakdown.html", d=breakdown,
        title=f"{breakdown.district}: every ward",
        subtitle=f"Commander's breakdown · 90 days to {long_day(reading.as_of)} against the 90 days before",
        meta={"For": f"{reading.reader_name}, {reading.reader_role.lower()}",
              "New since": f"the briefing of {day(reading.previous_briefing)}",
              "Data": f"to {day(reading.data_last)}"},
        **_common(reading))


def html(doc: WardBriefing | DistrictBreakdown) -> str:
    return ward_html(doc) if isinstance(doc, WardBriefing) else district_html(doc)


def pdf(page: str) -> bytes:
    """The HTML printed to A4 by headless Chromium (document.to_pdf; RenderError without it)."""
    return document.to_pdf(page)


def render(doc: WardBriefing | DistrictBreakdown, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    page = html(doc)
    return page.encode("utf-8") if fmt == "html" else pdf(page)


# --- file names ---------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _safe(text: str) -> str:
    """A name every file system and mail client takes: no path separators or reserved marks."""
    return re.sub(r"\s+", " ", _UNSAFE.sub("-", text)).strip(" .-") or "briefing"


def file_name(doc: WardBriefing | DistrictBreakdown, fmt: str) -> str:
    """'2026-10-31 Abbey (E05000001) ward briefing.pdf', '2026-10-31 Northtown district breakdown.pdf'."""
    as_of = doc.reading.as_of.isoformat()
    if isinstance(doc, WardBriefing):
        return f"{as_of} {_safe(doc.ward_name)} ({_safe(doc.ward_code)}) ward briefing.{fmt}"
    return f"{as_of} {_safe(doc.district)} district breakdown.{fmt}"


def mime_type(fmt: str) -> tuple[str, str]:
    return ("text", "html") if fmt == "html" else ("application", "pdf")
