"""Did demand fall, did it move, what did it save? The assessment of one problem-solving plan,
at any date: interim while the period after the response is still running, final once it has.

Pure composition: everything it reads comes through the read gate (``Reader.call``:
``plan_counts``, ``coverage_gaps``, ``data_range``), and the statistics are demand.stats'.

* **Periods.** Equal windows either side of the response date: the N days from the response
  date on (90 days, 12 months or a custom N), and the N days before it. Before the after-window
  has run its course the assessment is interim and both windows are as long as the days run
  so far. Each source is counted over the days it covers (a month it lacks is never a zero) and
  compared as a rate per covered day.
* **Change.** The targets' counts before and after, by source and by category, each tested with
  the E-test (the false discovery rate held at 5% over the table), and their total as one figure.
* **Against a control.** The same change in the control (demand.plans.events says who that is
  for each kind of plan); the Weighted Displacement Difference (stats.scaled_wdd) counts the
  events the targets had beyond what the control's change implies, with its 95% interval.
* **Displacement.** The buffer's change (places within the plan's distance; an area's
  neighbouring wards), the WDD's displacement part and the Weighted Displacement Quotient
  (stats.wdq); the finding says displacement, diffusion of benefits, or neither.
* **Sustainability.** Monthly counts before and after, months a source lacks left as gaps.
* **Cost.** The events avoided (the WDD's interval, per source) times indicative unit costs
  (demand.plans.costs), as a range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from demand import stats, windows
from demand.errors import UsageError
from demand.plans import costs, neighbours
from demand.plans.events import PERSON_KINDS, PLACE_KINDS
from demand.present import wording
from demand.state.plans import KIND_WORDS, Plan

WINDOW_NAMES = {"90d": 90, "12m": 365}
DEFAULT_WINDOW = "12m"
# tally source -> coverage table, and the words for each
TABLE_OF = {"call": "calls", "crime": "crimes", "missing": "missing_episodes"}
SOURCE_OF = {table: source for source, table in TABLE_OF.items()}
PLURAL = {"call": "calls", "crime": "crimes", "missing": "missing episodes"}
ROLE_WORDS = {"victim": "victim of", "offender": "suspect or offender in", "caller": "caller of",
              "missing": "missing in"}
ROLE_EVENTS = {"victim": "crimes", "offender": "crimes", "caller": "calls", "missing": "missing episodes"}
PLAN_SOURCES = {"victim": ("crime",), "offender": ("crime",), "caller": ("call",), "missing": ("missing",)}


class AssessmentError(UsageError):
    """A plan that cannot be assessed as asked; the message says why and what to do."""


# --- the periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    before: windows.Window
    after: windows.Window
    full_days: int  # the length asked for
    as_of: date
    months: tuple[date, ...]  # the complete calendar months the chart shows

    @property
    def days(self) -> int:
        return self.after.days

    @property
    def final(self) -> bool:
        return self.days >= self.full_days


def window_days(window: str | int) -> int:
    """'90d', '12m' or a number of days (at least 7: fewer tells nothing)."""
    if isinstance(window, str) and window.strip().isdigit():
        window = int(window)
    if isinstance(window, int) and not isinstance(window, bool):
        if not 7 <= window <= 1095:
            raise AssessmentError(f"window: a custom window is 7 to 1,095 days, not {window}")
        return window
    if window not in WINDOW_NAMES:
        raise AssessmentError(f"window: '{str(window)[:20]}' is not 90d, 12m or a number of days")
    return WINDOW_NAMES[window]


def periods(response_date: date, as_of: date, window: str | int = DEFAULT_WINDOW) -> Periods:
    """The equal windows before and after ``response_date`` as seen on ``as_of``."""
    full = window_days(window)
    if as_of < response_date:
        raise AssessmentError(f"the response started on {response_date:%d %B %Y}, after the as-of date "
                              f"{as_of:%d %B %Y}: there is nothing after it to assess yet")
    days = min(full, (as_of - response_date).days + 1)
    after = windows.Window(response_date, response_date + timedelta(days=days - 1))
    before = windows.Window(response_date - timedelta(days=days), response_date - timedelta(days=1))
    first = before.start.replace(day=1)
    # complete months only: the as-of date's month joins the chart once it has ended
    next_day = as_of + timedelta(days=1)
    last = (next_day.replace(day=1) if next_day.month != as_of.month else as_of.replace(day=1))
    months = tuple(m.date() for m in pd.date_range(first, last, freq="MS", inclusive="left"))
    return Periods(before, after, full, as_of, months)


# --- the result -------------------------------------------------------------------------------


@dataclass
class Group:
    """One group's counts: the targets, the buffer or the control."""

    name: str  # 'target', 'buffer', 'control'
    label: str  # who or where, in words
    before: int | None
    after: int | None
    comparison: dict  # stats.compare_counts of the total over the plan's sources
    by_source: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def pct_change(self):
        return self.comparison.get("pct_change")


@dataclass
class Assessment:
    plan: Plan
    periods: Periods
    sources: tuple[str, ...]  # 'call', 'crime', 'missing'
    exposure: dict[str, tuple[float, float]]  # source -> covered days (before, after)
    target: Group
    control: Group | None
    buffer: Group | None
    changes: pd.DataFrame  # the targets by source and category, tested
    wdd: stats.WDD | None
    wdq: float | None
    wdq_note: str
    displacement_finding: str
    costs: pd.DataFrame  # per source: avoided (with interval), unit cost range, saving range
    saving: tuple[float, float] | None
    monthly: pd.DataFrame  # month, and one column per series (None: a month a source lacks)
    missing_months: tuple[date, ...]
    verdict: str
    verdict_class: str  # rise, fall, no_change, no_data: the colour of the verdict
    findings: list[str]
    notes: list[str]
    info: dict

    @property
    def stage(self) -> str:
        return "final" if self.periods.final else "interim"

    def to_dict(self) -> dict:
        """Everything the assessment found, as plain values (for JSON)."""
        def group(g: Group | None):
            if g is None:
                return None
            comparison = {k: _plain(v) for k, v in g.comparison.items()}
            return {"label": g.label, "before": g.before, "after": g.after,
                    "by_source": {PLURAL[s]: list(v) for s, v in g.by_source.items()}, **comparison}

        return {
            "plan": self.plan.to_dict(),
            "stage": self.stage,
            "as_of": self.periods.as_of.isoformat(),
            "before": {"start": self.periods.before.start.isoformat(), "end": self.periods.before.end.isoformat()},
            "after": {"start": self.periods.after.start.isoformat(), "end": self.periods.after.end.isoformat()},
            "days": self.periods.days, "full_days": self.periods.full_days,
            "sources": [PLURAL[s] for s in self.sources],
            "covered_days": {PLURAL[s]: list(v) for s, v in self.exposure.items()},
            "verdict": self.verdict, "findings": self.findings, "notes": self.notes,
            "target": group(self.target), "control": group(self.control), "buffer": group(self.buffer),
            "wdd": None if self.wdd is None else {k: _plain(v) for k, v in self.wdd.__dict__.items()},
            "wdq": _plain(self.wdq), "wdq_note": self.wdq_note,
            "displacement": self.displacement_finding,
            "changes": _records(self.changes),
            "costs": _records(self.costs),
            "saving": None if self.saving is None else {"low": self.saving[0], "high": self.saving[1]},
            "monthly": _records(self.monthly),
            "missing_months": [m.isoformat() for m in self.missing_months],
            "info": {k: _plain(v) for k, v in self.info.items()},
        }


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) or np.isinf(value) else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is pd.NA:
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


# --- reading ----------------------------------------------------------------------------------


def _as_of(reader, as_of) -> date:
    first, last = reader.call("data_range")
    if as_of is None:
        return last
    day = windows.parse_date(as_of)
    if not first <= day <= last:
        raise AssessmentError(f"as-of date {day} is outside the data, which runs from {first} to {last}")
    return day


def buffer_wards(plan: Plan) -> tuple[list[str], str]:
    """An area plan's buffer wards and how they were chosen, in words."""
    if plan.buffer_wards:
        return list(plan.buffer_wards), "the wards named on the plan"
    found = neighbours.neighbours(plan.targets)
    unknown = [w for w in plan.targets if not neighbours.known(w)]
    if unknown:
        return found, (f"no boundary is held for {', '.join(unknown)}: name the buffer wards on the plan"
                       if not found else "the wards whose boundaries touch the target wards")
    return found, "the wards whose boundaries touch the target wards (ONS 2025 boundaries)"


def _read(reader, plan: Plan, span: Periods, control_area: str | None, radius_m: float | None,
          neighbours_: list[str]) -> dict:
    return reader.call(
        "plan_counts", "force", kind=plan.kind, targets=list(plan.targets),
        start=span.before.start, split=span.after.start, end=span.after.end + timedelta(days=1),
        months_start=span.months[0] if span.months else span.before.start.replace(day=1),
        months_end=_month_after(span.months[-1]) if span.months else span.before.start.replace(day=1),
        categories=list(plan.categories), radius_m=float(radius_m or plan.buffer_m),
        buffer_wards=neighbours_, control_area=control_area or plan.control_area or plan.district or None,
    )


def _month_after(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


# --- composing --------------------------------------------------------------------------------


def _totals(tally: pd.DataFrame | None, sources) -> tuple[dict[str, tuple[int, int]], int, int]:
    """{source: (before, after)} and the totals over ``sources``."""
    if tally is None:
        return {}, 0, 0
    periods_ = tally[tally["period"].notna()]
    by = periods_.groupby(["source", "period"])["count"].sum()
    by_source = {s: (int(by.get((s, "before"), 0)), int(by.get((s, "after"), 0))) for s in sources}
    return by_source, sum(b for b, _ in by_source.values()), sum(a for _, a in by_source.values())


def _exposure(span: Periods, gaps: pd.DataFrame, sources, month_dated: bool = False) -> dict[str, tuple[float, float]]:
    """Covered days of each source before and after. Data dated by month only (data.police.uk)
    covers the whole month of each first day in a period (stats.month_dated_exposure_days)."""
    covered = stats.month_dated_exposure_days if month_dated else stats.exposure_days
    lacking = {s: [pd.Timestamp(m).date() for t, m in zip(gaps["table_name"], gaps["month"]) if t == TABLE_OF[s]]
               for s in sources}
    return {s: (float(covered(span.before.start, span.before.end, lacking[s])),
                float(covered(span.after.start, span.after.end, lacking[s]))) for s in sources}


def _mean_exposure(exposure: dict[str, tuple[float, float]]) -> tuple[float, float]:
    values = list(exposure.values())
    return (sum(v[0] for v in values) / len(values), sum(v[1] for v in values) / len(values))


def _group(name: str, label: str, tally, sources, exposure) -> Group:
    by_source, before, after = _totals(tally, sources)
    e0, e1 = _mean_exposure(exposure)
    comparison = stats.compare_counts(after, before, e1, e0)
    return Group(name, label, comparison["previous_count"], comparison["count"], comparison, by_source)


def _changes(tally: pd.DataFrame, exposure) -> pd.DataFrame:
    """The targets' counts by source and category, tested (FDR over the rows)."""
    rows = tally[tally["period"].notna() & tally["source"].isin(list(exposure))]
    table = rows.pivot_table(index=["source", "what"], columns="period", values="count", aggfunc="sum",
                             fill_value=0).reindex(columns=["before", "after"], fill_value=0).reset_index()
    table = table.rename(columns={"before": "previous_count", "after": "count"})
    if table.empty:
        return pd.DataFrame(columns=["source", "what", "previous_count", "count", *stats.STAT_COLUMNS])
    table["exposure_days"] = [exposure[s][1] for s in table["source"]]
    table["previous_exposure_days"] = [exposure[s][0] for s in table["source"]]
    tested = stats.compare_table(table)
    tested["source"] = tested["source"].map(PLURAL)
    out = tested[["source", "what", "previous_count", "count", *stats.STAT_COLUMNS]]
    return out.sort_values(["p_adjusted", "source", "what"], na_position="last").reset_index(drop=True)


def _time_weights(span: Periods, e: tuple[float, float]) -> tuple[float, float] | None:
    """Counts per full window: a window with fewer covered days is scaled up to the window."""
    if e[0] <= 0 or e[1] <= 0:
        return None
    return e[0] / span.days, e[1] / span.days


def _wdd(target: Group, control: Group | None, buffer: Group | None, span, exposure) -> stats.WDD | None:
    if control is None or target.before is None or control.before is None:
        return None
    weights = _time_weights(span, _mean_exposure(exposure))
    if weights is None:
        return None
    displacement = (buffer.before, buffer.after) if buffer is not None else None
    return stats.scaled_wdd((target.before, target.after), (control.before, control.after), displacement,
                            time_weights=weights)


def _displacement(result: stats.WDD | None, buffer: Group | None, wdq: float | None, unit: str = "events") -> str:
    if buffer is None:
        return ""
    if result is None:
        return "Displacement cannot be judged without a control."
    low, high = result.interval("displacement")
    quotient = f" (WDQ {wdq:+.2f}: {wording.wdq_text(wdq)})" if wdq is not None else ""
    if low > 0:
        return (f"Displacement: the buffer had about {result.displacement:,.0f} more {unit} than its control "
                f"implies (95% interval {low:,.0f} to {high:,.0f}){quotient}.")
    if high < 0:
        return (f"Diffusion of benefits: the buffer had about {-result.displacement:,.0f} fewer {unit} than its "
                f"control implies (95% interval {-high:,.0f} to {-low:,.0f}){quotient}.")
    quotient = f" (WDQ {wdq:+.2f}, but within chance)" if wdq is not None else ""
    return (f"Neither displacement nor a diffusion of benefits shows: the buffer changed as its control did "
            f"(difference {result.displacement:+,.0f}, 95% interval {low:+,.0f} to {high:+,.0f}){quotient}.")


def _costs(target_tally, control_tally, buffer_tally, span, exposure, sources) -> tuple[pd.DataFrame, tuple | None]:
    """Per source: the events avoided (the WDD's 95% interval, against the control and with the
    buffer) times the mean unit cost of the targets' events of that source; and the total range."""
    rows = []
    for source in sources:
        t = _totals(target_tally, [source])[0][source]
        c = _totals(control_tally, [source])[0][source] if control_tally is not None else None
        d = _totals(buffer_tally, [source])[0][source] if buffer_tally is not None else None
        weights = _time_weights(span, exposure[source])
        result = None
        if c is not None and weights is not None:
            result = stats.scaled_wdd(t, c, d, time_weights=weights)
        mix_from = target_tally[target_tally["period"].notna() & (target_tally["source"] == source)]
        if mix_from.empty and control_tally is not None:
            mix_from = control_tally[control_tally["period"].notna() & (control_tally["source"] == source)]
        mix = mix_from.groupby(["what", "detail"], dropna=False)["count"].sum().reset_index()
        mix = mix.astype({"what": object, "detail": object}).where(mix.notna(), None)
        unit, uncosted = costs.mean_cost(TABLE_OF[source], mix)
        row = {"source": PLURAL[source], "avoided": None, "avoided_low": None, "avoided_high": None,
               "unit_low": None, "unit_high": None, "saving_low": None, "saving_high": None,
               "basis": unit.basis if unit else "no unit cost for these events", "reference": unit.reference if unit else "",
               "uncosted_share": float(uncosted / mix["count"].sum()) if mix["count"].sum() else 0.0}
        if result is not None:
            low, high = result.interval("total")
            row.update(avoided=-result.total, avoided_low=-high, avoided_high=-low)
            if unit is not None:
                row.update(unit_low=unit.low, unit_high=unit.high,
                           saving_low=_saving(-high, unit), saving_high=_saving(-low, unit, upper=True))
        rows.append(row)
    table = pd.DataFrame(rows)
    known = table.dropna(subset=["saving_low"]) if len(table) else table
    saving = (float(known["saving_low"].sum()), float(known["saving_high"].sum())) if len(known) else None
    return table, saving


def _saving(events: float, unit: costs.UnitCost, upper: bool = False) -> float:
    """Events avoided times the unit cost: the low end of a range takes the low cost for a
    saving and the high cost for a loss (and the high end the reverse), so the range holds both."""
    if events >= 0:
        return events * (unit.high if upper else unit.low)
    return events * (unit.low if upper else unit.high)


def _monthly(span: Periods, gaps: pd.DataFrame, sources, groups: dict) -> tuple[pd.DataFrame, tuple[date, ...]]:
    lacking = {pd.Timestamp(m).date() for t, m in zip(gaps["table_name"], gaps["month"])
               if SOURCE_OF.get(t) in sources}
    frame = pd.DataFrame({"month": list(span.months)})
    for label, (tally, scale) in groups.items():
        if tally is None:
            continue
        months = tally[tally["month"].notna() & tally["source"].isin(list(sources))]
        by_month = months.groupby("month")["count"].sum()
        frame[label] = [None if m in lacking else round(float(by_month.get(m, 0)) * scale, 1) for m in span.months]
    return frame, tuple(m for m in span.months if m in lacking)


def _sentence_change(target: Group, span: Periods, sources) -> str:
    what = PLURAL[sources[0]] if len(sources) == 1 else "events"
    if target.comparison["significance"] == stats.NO_DATA:
        return f"The targets' {what} cannot be compared: a source has no data for one of the periods."
    pct = target.pct_change
    pct_text = f" ({pct:+.0f}%)" if pct is not None and not pd.isna(pct) else ""
    verdict = wording.significance_text(target.comparison["significance"], target.comparison["p"])
    return (f"The targets' {what} went from {target.before:,} in the {span.days} days before the response "
            f"to {target.after:,} in the {span.days} days after{pct_text}: {verdict}.")


def _verdict(target: Group, result: stats.WDD | None, wdq: float | None, has_buffer: bool) -> tuple[str, str]:
    """The headline in words and its colour class. 'Credited' needs the targets' change beyond
    the control's (the WDD's local part) to be below 0 with 95% confidence, and, with a buffer,
    the net change of targets and buffer together too."""
    significance = target.comparison["significance"]
    if significance == stats.NO_DATA:
        return "No verdict: a source has no data for one of the periods.", stats.NO_DATA
    if result is None:
        if significance == stats.FALL:
            return ("Demand fell; with no usable control, the fall cannot be told apart from a wider trend.",
                    stats.NO_CHANGE)
        if significance == stats.RISE:
            return "Demand rose (no usable control to compare with).", stats.RISE
        return "No significant change in the targets' demand (no usable control).", stats.NO_CHANGE
    local_low, local_high = result.interval("local")
    shift_low, shift_high = result.interval("displacement")
    net = result.ci_high < 0
    if local_high < 0 and net:
        text = "Demand fell, by more than the control explains: the fall can be credited to the response."
        if has_buffer and shift_high < 0:
            text += " Benefits spread to the buffer around it too."
        return text, stats.FALL
    if local_high < 0 and has_buffer and (shift_low > 0 or (wdq is not None and wdq < -1)):
        return ("Demand fell at the targets but moved into the buffer: taken together, there is no clear net fall.",
                stats.NO_CHANGE)
    if local_high < 0:
        return (("Demand fell at the targets by more than the control explains, but with the buffer included the "
                 "net fall is within chance."), stats.NO_CHANGE)
    if local_low > 0:
        return "Demand rose, by more than in the control.", stats.RISE
    if significance == stats.FALL:
        return ("Demand fell, but no more than in the control: the fall cannot be credited to the response.",
                stats.NO_CHANGE)
    if significance == stats.RISE:
        return "Demand rose, but no more than in the control.", stats.NO_CHANGE
    return "No significant change in the targets' demand, against the control either.", stats.NO_CHANGE


def _control_label(plan: Plan, counts: dict) -> str:
    area = counts["control_label"]
    if plan.kind in PERSON_KINDS:
        return (f"{counts['control_people']:,} other {KIND_WORDS[plan.kind]}s in {area} with at least "
                f"{counts['control_min_count']} {ROLE_EVENTS[plan.kind]} in the period before")
    if plan.kind in PLACE_KINDS:
        return f"the rest of {area}, outside the targets and their buffer"
    return f"the rest of {area}, outside the target and buffer wards"


def _findings(span: Periods, sources, target: Group, control: Group | None, buffer: Group | None,
              result: stats.WDD | None, finding: str, wdq, wdq_note, saving) -> list[str]:
    """What the assessment found, one sentence each, in the order a reader asks: did it fall,
    what did the control do, how many events beyond the control, did it move, what did it save."""
    unit = PLURAL[sources[0]] if len(sources) == 1 else "events"
    findings = [_sentence_change(target, span, sources)]
    if control is None:
        findings.append("No control: the control had no event in the period before, so a wider trend cannot "
                        "be ruled out; choose a wider control area.")
    else:
        pct = control.pct_change
        findings.append(f"The control ({control.label}) went from {control.before:,} to {control.after:,}"
                        + (f" ({pct:+.0f}%)" if pct is not None and not pd.isna(pct) else "") + ".")
    if result is not None:
        low, high = result.interval("total")
        direction = "fewer" if result.total < 0 else "more"
        findings.append(
            f"Weighted Displacement Difference: {abs(result.total):,.0f} {direction} {unit} than the control "
            f"implies{' (targets and buffer together)' if buffer else ''}; 95% interval {low:+,.0f} to "
            f"{high:+,.0f}, z = {result.z:.2f}.")
    if finding:
        findings.append(finding)
    if buffer is not None and wdq is None and wdq_note:
        findings.append(f"The Weighted Displacement Quotient is not defined here: {wdq_note}.")
    if saving is not None:
        findings.append(f"Police time saved, at indicative unit costs: {wording.money_range(*saving)} "
                        "(the 95% interval of the events avoided, times the unit costs' range).")
    return findings


def assess(reader, plan: Plan, as_of=None, window: str | int = DEFAULT_WINDOW, control_area: str | None = None,
           radius_m: float | None = None) -> Assessment:
    """Assess ``plan`` on ``as_of`` (default: the data's last day) through ``reader``'s gate."""
    if plan.response_date is None:
        raise AssessmentError(f"plan {plan.id} has no response date: set the date the response started "
                              "to assess it")
    span = periods(plan.response_date, _as_of(reader, as_of), window)
    neighbours_, buffer_how = buffer_wards(plan) if plan.kind == "area" else ([], "")
    counts = _read(reader, plan, span, control_area, radius_m, neighbours_)
    gaps = reader.call("coverage_gaps", first=span.before.start.replace(day=1), last=max(span.as_of, span.after.end))
    sources = _sources(reader.store, plan, counts)
    exposure = _exposure(span, gaps, sources, reader.store.month_dated)

    target = _group("target", f"the plan's {len(plan.targets)} target{'s' if len(plan.targets) != 1 else ''}",
                    counts["target"], sources, exposure)
    control = _group("control", _control_label(plan, counts), counts["control"], sources, exposure)
    if control.before in (None, 0):
        control = None
    buffer = None
    if counts.get("buffer") is not None:
        where = (f"{counts['buffer_places']:,} other places within {int(radius_m or plan.buffer_m)} m"
                 if plan.kind in PLACE_KINDS else f"{len(neighbours_)} neighbouring wards ({buffer_how})")
        buffer = _group("buffer", where, counts["buffer"], sources, exposure)
    result = _wdd(target, control, buffer, span, exposure)
    wdq = wdq_note = None
    if buffer is not None and control is not None:
        trio = ((target.before, target.after), (control.before, control.after), (buffer.before, buffer.after))
        wdq, wdq_note = stats.wdq(*trio), stats.wdq_undefined_reason(*trio)
    finding = _displacement(result, buffer, wdq, PLURAL[sources[0]] if len(sources) == 1 else "events")
    cost_table, saving = _costs(counts["target"], counts["control"] if control else None,
                                counts["buffer"] if buffer else None, span, exposure, sources)
    scale = (target.before / control.before) if control is not None and control.before else None
    monthly, lacking = _monthly(span, gaps, sources, {
        "Targets": (counts["target"], 1.0),
        "Buffer": (counts["buffer"] if buffer else None, 1.0),
        "Control, scaled to the targets": (counts["control"] if scale else None, scale or 1.0),
    })
    verdict, colour = _verdict(target, result if control is not None else None, wdq, buffer is not None)

    findings = _findings(span, sources, target, control, buffer, result, finding, wdq, wdq_note, saving)
    notes = _notes(plan, span, exposure, counts, lacking)
    info = {"found_targets": counts["found"], "buffer_places": counts.get("buffer_places"),
            "buffer_wards": neighbours_, "buffer_how": buffer_how, "control_people": counts.get("control_people"),
            "control_min_count": counts.get("control_min_count"), "other_roles": counts.get("other_roles", {}),
            "control_area": counts["control_label"], "ward_name": _ward_name(reader, plan.ward_code)}
    return Assessment(plan, span, tuple(sources), exposure, target, control, buffer, _changes(counts["target"], exposure),
                      result, wdq, wdq_note or "", finding, cost_table, saving, monthly, lacking, verdict, colour,
                      findings, notes, info)


def _sources(data, plan: Plan, counts: dict) -> tuple[str, ...]:
    """The sources the plan counts: its kind's (a caller plan: calls), or for a place or an area
    those with an event in any group, of those the data holds at all (data.police.uk holds no
    calls or missing episodes: not held, never zero)."""
    held = tuple(SOURCE_OF[t] for t in ("calls", "crimes", "missing_episodes") if t in data.held_sources)
    if plan.kind in PLAN_SOURCES:
        own = tuple(s for s in PLAN_SOURCES[plan.kind] if s in held)
        if not own:
            raise AssessmentError(f"this data holds no {PLURAL[PLAN_SOURCES[plan.kind][0]]}, so a "
                                  f"{KIND_WORDS[plan.kind]} plan cannot be assessed on it")
        return own
    present = {s for key in ("target", "control", "buffer") if counts.get(key) is not None
               for s in counts[key]["source"].dropna()}
    return tuple(s for s in ("call", "crime", "missing") if s in present and s in held) or held


def _ward_name(reader, code: str) -> str:
    table = reader.all_wards()
    row = table[table["ward_code"] == code]
    return str(row["ward_name"].iloc[0]) if len(row) else code


def _notes(plan: Plan, span: Periods, exposure, counts: dict, lacking) -> list[str]:
    notes = []
    if not span.final:
        notes.append(f"Interim: {span.days} of the {span.full_days} days after the response have passed; both "
                     f"periods are {span.days} days long until then.")
    for source, (e0, e1) in exposure.items():
        for name, covered in (("before", e0), ("after", e1)):
            if covered < span.days:
                notes.append(f"The {PLURAL[source]} source covers {covered:.0f} of the {span.days} days {name} "
                             "the response (a month it lacks is counted as missing, never as zero); counts are "
                             "compared as rates per covered day.")
    missing_targets = sorted(set(plan.targets) - set(counts["found"]))
    if missing_targets:
        shown = ", ".join(missing_targets[:10]) + (" and more" if len(missing_targets) > 10 else "")
        notes.append(f"{len(missing_targets)} of the plan's targets have no event in the data you may see "
                     f"({shown}).")
    for role, (before, after) in (counts.get("other_roles") or {}).items():
        notes.append(f"The targets are also recorded as {ROLE_WORDS[role]} {before + after:,} "
                     f"{ROLE_EVENTS[role]} in these periods ({before} before, {after} after): not counted in "
                     f"this {KIND_WORDS[plan.kind]} plan.")
    if plan.categories:
        notes.append("Counted: " + "; ".join(plan.categories) + " only.")
    if lacking:
        notes.append("The chart leaves out months a source lacks: " + ", ".join(f"{m:%b %Y}" for m in lacking) + ".")
    return notes
