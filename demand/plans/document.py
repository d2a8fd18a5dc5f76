"""A plan's assessment as one printable page: HTML (templates/assessment.html, which extends
the product's document.html) and the same page as a PDF (demand.present.document.to_pdf)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from demand import stats
from demand.plans.assess import PLURAL, Assessment
from demand.present import document, wording
from demand.state.plans import KIND_WORDS

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHANGE_ROWS = 8  # rows of the change table that fit on the page
REFERENCES = {
    "HO-PAS-2025": "Home Office, Police costs methodology (Police Activity Survey, 2025), crime response workforce "
                   "unit costs 2022/23",
    "CSMP-2012": "Shalev Greene & Pakes, University of Portsmouth (2012), cost of a medium-risk missing person "
                 "investigation",
    "ASSUMPTION": "calls: a stated assumption of officer time by grade (no published cost per call found)",
}
_registered = False


def _templates() -> None:
    global _registered
    if not _registered:
        document.template_dirs(TEMPLATES)
        _registered = True


def _css(significance: str | None) -> str:
    return (significance or stats.NO_DATA).replace("_", "-")


def _figure(label: str, group, what: str) -> dict:
    if group is None:
        return {}
    comparison = group.comparison
    pct = comparison.get("pct_change")
    note = wording.significance_text(comparison["significance"], comparison["p"])
    if pct is not None and not pd.isna(pct):
        note = f"{pct:+.0f}%, {note}"
    return {"label": f"{label}: {what} before → after", "value": f"{wording.fmt_count(group.before)} → "
            f"{wording.fmt_count(group.after)}", "note": note, "css": _css(comparison["significance"])}


def context(result: Assessment) -> dict:
    plan, span = result.plan, result.periods
    what = " and ".join(PLURAL[s] for s in result.sources)
    figures = [f for f in (_figure("Targets", result.target, what), _figure("Control", result.control, what),
                           _figure("Buffer", result.buffer, what)) if f]
    if result.wdd is not None:
        low, high = result.wdd.interval("total")
        figures.append({"label": "Weighted Displacement Difference", "value": f"{result.wdd.total:+,.0f}",
                        "note": f"95% interval {low:+,.0f} to {high:+,.0f}",
                        "css": "fall" if high < 0 else ("rise" if low > 0 else "no-change")})
    if result.buffer is not None:
        figures.append({"label": "Weighted Displacement Quotient",
                        "value": "–" if result.wdq is None else f"{result.wdq:+.2f}",
                        "note": wording.wdq_text(result.wdq) if result.wdq is not None else result.wdq_note,
                        "css": "no-change"})
    if result.saving is not None:
        figures.append({"label": "Police time saved (indicative)", "value": wording.money_span(*result.saving),
                        "note": "95% range" + ("; below 0 is a cost" if result.saving[0] < 0 else ""),
                        "css": "no-change"})
    changes = [
        {"what": f"{row.what} ({row.source})" if len(result.sources) > 1 else row.what,
         "before": wording.fmt_count(row.previous_count), "after": wording.fmt_count(row.count),
         "verdict": _short_verdict(row.significance, row.p_adjusted), "css": _css(row.significance)}
        for row in result.changes.head(CHANGE_ROWS).itertuples()
    ]
    more = len(result.changes) - len(changes)
    cost_rows = []
    for row in result.costs.itertuples():
        if row.avoided is None or pd.isna(row.avoided):
            continue
        unit = "–" if pd.isna(row.unit_low) else (
            wording.rounded_money(row.unit_low) if row.unit_low == row.unit_high
            else f"{wording.rounded_money(row.unit_low)}–{wording.rounded_money(row.unit_high)}")
        saving = "–" if pd.isna(row.saving_low) else wording.money_range(row.saving_low, row.saving_high)
        cost_rows.append({"source": row.source, "avoided": f"{row.avoided_low:,.0f} to {row.avoided_high:,.0f}",
                          "unit": unit, "saving": saving})
    references = sorted({r for refs in result.costs.get("reference", pd.Series(dtype=str)) for r in str(refs).split(", ")
                         if r})
    ward = result.info.get("ward_name") or plan.ward_code
    where = ward + (f", {plan.district}" if plan.district else "")
    stage = "Final" if result.periods.final else f"Interim: {span.days} of {span.full_days} days"
    return {
        "title": f"Plan {plan.id}: {plan.title}",
        "subtitle": f"{'Final' if result.periods.final else 'Interim'} assessment of a {KIND_WORDS[plan.kind]} plan",
        "meta": {
            "Ward": where,
            "Targets": f"{len(plan.targets)} {_target_noun(plan, len(plan.targets))}",
            "Owner": plan.owner,
            "Response started": f"{plan.response_date:%d %b %Y}",
            "Before": f"{span.before.start:%d %b %Y} – {span.before.end:%d %b %Y}",
            "After": f"{span.after.start:%d %b %Y} – {span.after.end:%d %b %Y}",
            "Status": plan.status,
        },
        "palette": {k: v.colour for k, v in wording.VERDICTS.items()},
        "stage": stage,
        "verdict": result.verdict,
        "verdict_class": _css(result.verdict_class),
        "figures": figures,
        "findings": result.findings,
        "chart": chart(result),
        "changes": changes,
        "changes_caption": wording.tested_text(int(result.changes["p"].notna().sum()) if len(result.changes) else 0)
        + (f"; {more} more types in the data download" if more > 0 else ""),
        "cost_rows": cost_rows,
        "cost_caption": ("Events avoided: the 95% interval of the Weighted Displacement Difference per source. "
                         "Saving: that interval times the unit costs' range; a guide to police time, not a budget."
                         if cost_rows else "No saving can be estimated without a control."),
        "cost_sources": "; ".join(REFERENCES.get(r, r) for r in references) or "none used",
        "response": _short(plan.response, 600),
        "notes": result.notes,
        "generated": f"{datetime.now(UTC):%d %b %Y %H:%M} UTC, data as of {span.as_of:%d %b %Y}",
    }


def _target_noun(plan, n: int) -> str:
    noun = {"person": "person", "location": "place", "ward": "ward"}[plan.target_kind]
    return noun if n == 1 else ("people" if noun == "person" else noun + "s")


def _short_verdict(significance: str, p) -> str:
    """'▼ fall, p < 0.001' for a narrow table cell (the words of wording.VERDICTS)."""
    entry = wording.verdict(significance)
    word = {stats.RISE: "rise", stats.FALL: "fall", stats.NO_CHANGE: "no change"}.get(significance, entry.words)
    shown = wording.p_text(p) if significance in (stats.RISE, stats.FALL) else ""
    return f"{entry.arrow} {word}".strip() + (f", {shown}" if shown else "")


def _short(text: str, most: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= most else text[: most - 1].rsplit(" ", 1)[0] + " …"


def chart(result: Assessment):
    series = {c: result.monthly[c].tolist() for c in result.monthly.columns if c != "month"}
    if not series or result.monthly.empty:
        return ""
    return document.monthly_chart(
        result.monthly["month"].tolist(), series, "Sustainability: events per month", missing=result.missing_months,
        marker=result.plan.response_date, marker_label="response began",
    )


def html(result: Assessment) -> str:
    _templates()
    return document.render("assessment.html", **context(result))


def pdf(result: Assessment) -> bytes:
    return document.to_pdf(html(result))


def file_name(result: Assessment, extension: str) -> str:
    return f"plan-{result.plan.id}-{result.stage}-assessment-{result.periods.as_of:%Y-%m-%d}.{extension}"
