"""The printable one-page summary (HTML, and the same page as PDF): the shared document
template (demand.present.document) with the summary's charts inline as SVG, so the file needs
no network, reads at phone width and prints on one A4 page."""

from __future__ import annotations

from pathlib import Path

from demand import stats
from demand.disclosure.formats import Output
from demand.disclosure.model import ASB, COMPARISON, CRIMES, CURRENT
from demand.disclosure.summary import NO_DATA, Row, Summary
from demand.disclosure.suppression import PRIMARY, PUBLISHED
from demand.present import document, wording

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
document.template_dirs(TEMPLATES)


def verdict_short(row: Row) -> str:
    """The change in a few words for a table cell."""
    if NO_DATA in (row.now.status, row.before.status):
        return "no data to compare"
    if row.now.status == PUBLISHED and row.before.status == PUBLISHED:
        if row.now.value == row.before.value:
            return "same"
        if row.significance in (stats.RISE, stats.FALL):
            return f"{wording.verdict(row.significance).arrow} real {'rise' if row.significance == stats.RISE else 'fall'}"
        return ("up" if row.now.value > row.before.value else "down") + ", usual range"
    if PRIMARY in (row.now.status, row.before.status) and {row.now.status, row.before.status} <= {PRIMARY, PUBLISHED}:
        return "too few to test"
    return "not compared"


def verdict_css(row: Row) -> str:
    return {stats.RISE: "rise", stats.FALL: "fall"}.get(row.significance or "", "no-change")


def _glance(summary: Summary) -> list[dict]:
    by_key = {row.key: row for row in summary.categories}
    out = []
    for key, label in (("All crimes", "Crimes"), (ASB, "Anti-social behaviour")):
        row = by_key[key]
        out.append({"label": label, "value": row.now.text,
                    "change": f"{row.before.text} before; {verdict_short(row)}", "css": verdict_css(row)})
    real = [row for row in summary.categories[:-2] if row.significance in (stats.RISE, stats.FALL)]
    out.append({"label": "Types of crime with a real change", "value": f"{len(real)}",
                "change": f"of {summary.tested} compared", "css": ""})
    if summary.streets:
        top = summary.streets[0]
        out.append({"label": "Busiest street", "value": top.figure.text, "change": top.label, "css": ""})
    return out


def chart(summary: Summary):
    """Crimes and ASB per month over both periods (previous baseline), or this period's crimes
    against a year earlier's. A withheld month is a gap; a month the source lacks is shaded."""
    current = [m for m in summary.months if m.window == CURRENT]
    earlier = [m for m in summary.months if m.window == COMPARISON]

    def value(figure):
        return figure.value if figure.status == PUBLISHED else None

    if summary.baseline == "previous":
        months = sorted(summary.months, key=lambda m: m.month)
        series = {"Crimes": [value(m.crimes) for m in months], "Anti-social behaviour": [value(m.asb) for m in months]}
        missing = [m.month for m in months if m.crimes.status == NO_DATA or m.asb.status == NO_DATA]
        withheld = any(f.hidden for m in months for f in (m.crimes, m.asb))
        return document.monthly_chart([m.month for m in months], series, "Crimes and anti-social behaviour per month",
                                      missing=missing, marker=current[0].month, marker_label="This period"), withheld
    series = {f"Crimes, {summary.current_label}": [value(m.crimes) for m in current],
              "Crimes a year earlier": [value(m.crimes) for m in earlier]}
    missing = [c.month for c, e in zip(current, earlier) if NO_DATA in (c.crimes.status, e.crimes.status)]
    withheld = any(m.crimes.hidden for m in current + earlier)
    return document.monthly_chart([m.month for m in current], series, "Crimes per month, against a year earlier",
                                  missing=missing), withheld


def html(summary: Summary) -> str:
    svg, gaps = chart(summary)
    # Two columns: types of crime on the left; on the right the wards (district, force), or a
    # ward's months by type (3 months) or its streets (12 months: the months go full width below).
    side = "wards" if summary.wards else ("months" if summary.months_counted <= 3 else "streets")
    return document.render(
        "summary.html", title=summary.title, summary=summary, glance=_glance(summary), chart=svg,
        gaps_in_chart=gaps, side=side,
        subtitle=f"{summary.current_label}, compared with {summary.compared_with} ({summary.comparison_label})",
        meta={"Source": summary.source, "Produced": f"{summary.generated:%d %B %Y}"},
        now_heading="Now", before_heading="Before",
        periods=f"Now: {_short(summary.current)}; before: {_short(summary.comparison)}.",
        current_months=[m for m in summary.months if m.window == CURRENT], crime_categories=CRIMES,
        verdict_short=verdict_short, verdict_css=verdict_css, palette=_palette(),
    )


def _short(span) -> str:
    first, last = span
    return f"{first:%b}–{last:%b %Y}" if first != last.replace(day=1) else f"{first:%b %Y}"


def _palette() -> dict:
    return {key: wording.verdict(key).colour for key in (stats.RISE, stats.FALL)}


def render(summary: Summary) -> Output:
    rows = len(summary.categories) + len(summary.wards) + len(summary.streets)
    return Output(html(summary).encode("utf-8"), rows)


def render_pdf(summary: Summary) -> Output:
    rows = len(summary.categories) + len(summary.wards) + len(summary.streets)
    return Output(document.to_pdf(html(summary)), rows)
