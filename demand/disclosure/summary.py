"""A public crime summary for an area and two windows of whole months, with disclosure control
applied once to all its tables (``demand.disclosure.suppression`` over ``model``).

``build(inputs, rule)`` takes the true counts (``Inputs``, private) and returns a ``Summary``
holding only what may be published: each figure is a ``Figure`` whose value is None unless
it is published, so no format can print a hidden count. Changes, verdicts and charts are
computed here from published figures only, with the product's statistics (``demand.stats``:
the E-test by covered days, the false discovery rate over a table) and words
(``demand.present.wording``).

Every format (CSV, XLSX, HTML, the data.police.uk street file) renders the same Summary, so
two formats of one export agree figure for figure and cannot be set against each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from demand import stats
from demand.disclosure import model
from demand.disclosure.model import ALL_CRIMES, ASB, COMPARISON, CRIMES, CURRENT, OTHER, UNPLACED
from demand.disclosure.suppression import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    SECONDARY_MARK,
    WITHHELD,
    Protection,
    Rule,
    protect,
)
from demand.present import wording
from demand.windows import months_in

NO_DATA = "no_data"
WITHHELD_MARK = "–"  # a breakdown left out whole: the figure could be anything, 0 included
TOP_STREETS = 10
MAX_HEADLINES = 4  # real changes named in words beside the totals
BASELINE_WORDS = {"previous": "the previous {n} months", "last_year": "the same {n} months a year earlier"}


@dataclass(frozen=True)
class Figure:
    """One number as published: ``value`` is None unless ``status`` is 'published'."""

    status: str  # published | primary ('<5') | secondary ('[c]') | withheld ('–') | no_data
    value: int | None
    text: str

    @property
    def hidden(self) -> bool:
        return self.status in (PRIMARY, SECONDARY, WITHHELD)


@dataclass(frozen=True)
class Row:
    """A category or ward: now, before, the change in words and the test's verdict (None when
    not tested: a figure is hidden or missing)."""

    key: str
    label: str
    now: Figure
    before: Figure
    change: str
    significance: str | None = None
    brief: str = ""  # the change without naming the period (for a page that names it above)


@dataclass(frozen=True)
class Month:
    month: date
    window: str  # current | comparison
    crimes: Figure
    asb: Figure
    categories: dict[str, Figure] = field(default_factory=dict)  # current window only


@dataclass(frozen=True)
class Street:
    label: str  # 'On or near Grange Avenue'
    ward: str  # ward name ('' when the summary is of one ward)
    figure: Figure


@dataclass(frozen=True)
class Inputs:
    """Everything a summary is built from. ``counts`` and ``points`` are private (true counts):
    they never reach a format. ``counts``: by ward, street, month and category
    (data.export_counts), or only their ``model.Totals`` (data.export_totals) when no
    street-level file is made; ``points`` (data.street_points) only for the street-level file."""

    area: str  # as asked: a ward code, district or 'force'
    area_label: str  # 'Abbey ward, Northtown'
    area_kind: str  # ward | district | force
    window: str  # 90d | 12m
    baseline: str  # previous | last_year
    as_of: date
    scope: model.Scope
    ward_names: dict[str, str]
    counts: pd.DataFrame | model.Totals
    points: pd.DataFrame | None
    source: str


@dataclass
class Summary:
    """What a public summary publishes, and nothing else."""

    title: str
    area: str
    area_label: str
    area_kind: str
    window: str
    baseline: str
    as_of: date
    current: tuple[date, date]
    comparison: tuple[date, date]
    current_label: str  # 'August to October 2026'
    comparison_label: str
    compared_with: str  # 'the previous 3 months'
    rule: Rule
    source: str
    generated: datetime
    categories: list[Row]  # the 13 crime categories, then ALL_CRIMES, then ASB
    months: list[Month]
    streets: list[Street]
    other_streets: Figure | None
    wards: list[Row]
    missing: list[str]
    headlines: list[str]  # the totals' changes and the biggest real ones, without naming the period
    hidden_small: int
    hidden_secondary: int
    hidden_breakdown: int  # figures of a breakdown withheld whole ('–')
    narrowest: float  # the fewest values an attacker can narrow any hidden count to
    tested: int  # changes tested in the category table
    street_rows: pd.DataFrame | None = None  # data.police.uk rows, when asked for
    street_report: dict = field(default_factory=dict)

    @property
    def months_counted(self) -> int:
        return months_in_span(self.current)

    def notes(self, short: bool = False) -> list[str]:
        """The method, on the face of every format (``short``: the one-page summary's wording)."""
        k = self.rule.threshold
        if short:
            notes = [
                (f"Source: {self.source}; whole calendar months, as data.police.uk publishes them. Anti-social "
                 "behaviour: incidents reported to the police."),
                (f"Disclosure control: 1 to {k - 1} is shown as \"<{k}\", 0 as 0; where a small figure could be "
                 f"worked out by subtraction, others of {k} or more are withheld as \"{SECONDARY_MARK}\". Every "
                 f"hidden figure was checked by linear programming: none can be narrowed to fewer than "
                 f"{self.rule.protection} possible values."),
            ]
            if self.rule.rounding:
                notes.append(f"Other counts are rounded to the nearest {self.rule.rounding}; totals separately.")
            return notes + [
                (f"Streets: \"on or near\", never an address; only streets with {k} or more crimes. No names, "
                 "addresses, crime references or dates finer than the month are published."),
                ("A real change: the E-test over the days each period has data, holding the false discovery rate "
                 "at 5% across the types of crime."),
            ]
        notes = [
            (f"Source: {self.source}. Recorded crimes by data.police.uk category, counted in the month they "
             "were recorded, and anti-social behaviour incidents (calls flagged as anti-social behaviour). "
             "Whole calendar months, as data.police.uk publishes them."),
            (f"Disclosure control: a count from 1 to {k - 1} is shown as \"<{k}\"; a zero is shown as 0. Where a "
             "hidden count could be worked out by subtraction (from a total, the other period, the months, the "
             f"ward rows or the streets), further figures of {k} or more are hidden too, shown as "
             f"\"{SECONDARY_MARK}\". Every hidden figure was checked by linear programming: from everything "
             f"published, none can be narrowed to fewer than {self.rule.protection} possible values."),
        ]
        if self.rule.rounding:
            notes.append(f"Counts of {k} or more are rounded to the nearest {self.rule.rounding}; totals are rounded "
                         "on their own, so they may not add up. Changes are tested on the rounded figures.")
        notes += [
            (f"Streets: \"On or near\" a street, never an address or a person; only streets with at least {k} "
             "crimes are named."),
            ("Is a change real? Each change is tested with the E-test for two counts, over the days each period "
             "has data; across the categories the false discovery rate is held at 5%. \"Within the usual ups and "
             "downs\" means the change is no bigger than counts of this size vary by chance."),
            "No names, addresses, dates finer than the month, or crime references are published.",
        ]
        return notes


def months_in_span(span: tuple[date, date]) -> int:
    return (span[1].year - span[0].year) * 12 + span[1].month - span[0].month + 1


# --- building -------------------------------------------------------------------------------


def top_streets(scope: model.Scope, counts: pd.DataFrame | model.Totals, rule: Rule, limit: int = TOP_STREETS
                ) -> list[tuple[str, str]]:
    """The busiest streets of the current window (crimes, not ASB) with at least the threshold,
    at most ``limit``, busiest first; the smallest are dropped while the crimes elsewhere would
    be a small count (so 'all other streets' is never a hidden remainder)."""
    sums = model.totals(scope, counts)
    by_ward = sums.by_ward
    current = by_ward["category"].isin(CRIMES) & by_ward["month"].isin(scope.months(model.CURRENT))
    total = int(by_ward.loc[current, "count"].sum())
    per_street = sums.streets[sums.streets["count"] >= rule.threshold]
    per_street = per_street.sort_values(["count", "street", "w"], ascending=[False, True, True]).head(limit)
    chosen = list(zip(per_street["w"], per_street["street"], per_street["count"]))
    while chosen and rule.is_small(total - sum(n for _, _, n in chosen)):
        chosen.pop()
    return [(w, s) for w, s, _ in chosen]


def build(inputs: Inputs, rule: Rule, street_rows: bool = False) -> Summary:
    """The Summary of ``inputs`` under ``rule``; with ``street_rows`` also the data.police.uk
    rows (demand.disclosure.street_level), protected together with the tables."""
    scope = inputs.scope
    sums = model.totals(scope, inputs.counts)  # once: the street-level rows read the counts themselves
    streets = top_streets(scope, sums, rule)
    problem = model.build(scope, sums, streets)
    protection = protect(problem, rule)
    figures = _figures(protection)
    summary = _summary(inputs, rule, protection, figures, streets)
    if street_rows:
        from demand.disclosure import street_level

        summary.street_rows, summary.street_report = street_level.rows(inputs, rule, streets, protection)
    return summary


def _figures(protection: Protection) -> dict:
    rule = protection.rule
    figures = {}
    for i, cell in enumerate(protection.problem.cells):
        status = protection.status[i]
        if status == PUBLISHED:
            value = protection.published(i)
            figures[cell.key] = Figure(PUBLISHED, value, f"{value:,}")
        elif status == PRIMARY:
            figures[cell.key] = Figure(PRIMARY, None, rule.small_mark)
        elif status == SECONDARY:
            figures[cell.key] = Figure(SECONDARY, None, SECONDARY_MARK)
        else:
            figures[cell.key] = Figure(WITHHELD, None, WITHHELD_MARK)
    return figures


def _missing_figure() -> Figure:
    return Figure(NO_DATA, None, "no data")


def _exposures(inputs: Inputs) -> dict[tuple[str, str], float]:
    """Covered days per (window, source)."""
    scope = inputs.scope
    out = {}
    for t, w in ((CURRENT, scope.current), (COMPARISON, scope.comparison)):
        for source in ("crimes", "calls"):
            out[t, source] = float(stats.exposure_days(w.start, w.end, [m for s, m in scope.gaps if s == source]))
    return out


def _coverage_words(inputs: Inputs, t: str, source: str) -> str:
    scope = inputs.scope
    w = scope.current if t == CURRENT else scope.comparison
    gaps = [(s, m) for s, m in scope.gaps if s == source and w.start <= m <= w.end]
    return wording.coverage_note((source,), w.days, _exposures(inputs)[t, source], gaps).replace(
        "no call data", "no anti-social behaviour data")


def _missing_words(inputs: Inputs, source: str) -> str:
    """'May 2025 missing', naming the months of both periods the source lacks ('' when none)."""
    scope = inputs.scope
    months = [m for s, m in scope.gaps if s == source
              and (scope.current.start <= m <= scope.current.end or scope.comparison.start <= m <= scope.comparison.end)]
    return f"{wording.months_text(months)} missing" if months else ""


def _tests(rows: list[tuple[str, Figure, Figure, str]], exposures: dict, fdr: bool) -> tuple[dict[str, str], int]:
    """Significance of each (key, now, before, source) whose two figures are published."""
    usable = [(k, n.value, b.value, src) for k, n, b, src in rows if n.status == PUBLISHED and b.status == PUBLISHED]
    if not usable:
        return {}, 0
    frame = pd.DataFrame({
        "count": [n for _, n, _, _ in usable], "previous_count": [b for _, _, b, _ in usable],
        "exposure_days": [exposures[CURRENT, s] for *_, s in usable],
        "previous_exposure_days": [exposures[COMPARISON, s] for *_, s in usable],
    })
    compared = stats.compare_table(frame, fdr=fdr)
    return dict(zip([k for k, *_ in usable], compared["significance"])), compared.attrs["tested"]


def change_sentence(subject: str, now: Figure, before: Figure, significance: str | None, compared_with: str | None,
                    rule: Rule, missing: str = "", exposures: tuple[float, float] = (1.0, 1.0)) -> str:
    """The change in a resident's words, from published figures only: 'Burglary fell from 23 to 14
    compared with the previous 3 months: a real fall, beyond the usual ups and downs.' With
    ``compared_with`` None the sentence leaves the period to its heading ('... to 14: a real
    fall, ...'). When a month lacks data (``missing`` names it) and so the periods cover different
    days (``exposures``, covered days now and before), the change is said per day with data. The
    test always compares rates per covered day (3 calendar months hold 89 to 92 days)."""
    k = rule.threshold
    if not (exposures[0] > 0 and exposures[1] > 0):  # a period with no day of data has no figure to compare
        now = now if exposures[0] > 0 else Figure(NO_DATA, None, "no data")
        before = before if exposures[1] > 0 else Figure(NO_DATA, None, "no data")
    against = f" compared with {compared_with}" if compared_with else ""
    earlier = f"in {compared_with}" if compared_with else "before"
    if now.status == NO_DATA:
        return f"{subject}: no data for this period."
    if before.status == NO_DATA:
        return f"{subject}: {_amount(now, rule)} now; no data for {compared_with or 'the period before'}."
    if {SECONDARY, WITHHELD} & {now.status, before.status}:
        return (f"{subject}: {_amount(now, rule)} now, {_amount(before, rule)} {earlier}; not compared, "
                "to protect small numbers elsewhere in this summary.")
    if now.status == PRIMARY and before.status == PRIMARY:
        return f"{subject}: fewer than {k} in each period."
    if now.status == PRIMARY:  # before is published: 0, or at least the threshold
        verb = "rose" if before.value == 0 else "fell"
        return f"{subject} {verb} from {_amount(before, rule)} to fewer than {k}{against} (too few to test)."
    if before.status == PRIMARY:
        verb = "fell" if now.value == 0 else "rose"
        return f"{subject} {verb} from fewer than {k} to {_amount(now, rule)}{against} (too few to test)."
    n, b = now.value, before.value
    if n == 0 and b == 0:
        return f"{subject}: none in either period."
    verdict = f": {wording.plain_verdict(significance)}" if significance in (stats.RISE, stats.FALL,
                                                                             stats.NO_CHANGE) else ""
    if missing and exposures[0] != exposures[1]:  # (months of different lengths alone are compared as counts)
        rate, rate_before = n / exposures[0], b / exposures[1]
        if significance in (stats.RISE, stats.FALL):
            said = wording.plain_verdict(significance)
        else:
            said = ("a rise" if rate > rate_before else "a fall" if rate < rate_before else "no change") + \
                   (", within the usual ups and downs" if significance == stats.NO_CHANGE and rate != rate_before else "")
        return (f"{subject}: {_amount(now, rule)} now, {_amount(before, rule)} {earlier}; per day with data "
                f"({missing}) that is {said}.")
    if n == b:
        return f"{subject} stayed at {_amount(now, rule)}{', as in ' + compared_with if compared_with else ''}."
    verb = "rose" if n > b else "fell"
    return f"{subject} {verb} from {_amount(before, rule)} to {_amount(now, rule)}{against}{verdict}."


def _amount(figure: Figure, rule: Rule) -> str:
    if figure.status == PRIMARY:
        return f"fewer than {rule.threshold}"
    if figure.status in (SECONDARY, WITHHELD):
        return "a withheld figure"
    if figure.status == NO_DATA:
        return "no data"
    about = "about " if rule.rounding and figure.value else ""
    return f"{about}{figure.value:,}"


def _summary(inputs: Inputs, rule: Rule, protection: Protection, figures: dict,
             streets: list[tuple[str, str]]) -> Summary:
    scope = inputs.scope

    def fig(key) -> Figure:
        return figures.get(key) or _missing_figure()

    n = months_in(scope.current)
    compared_with = BASELINE_WORDS[inputs.baseline].format(n=n)
    exposures = _exposures(inputs)
    missing_words = {source: _missing_words(inputs, source) for source in ("crimes", "calls")}

    labels = [*CRIMES, ASB]
    pairs = [(c, fig(("category", c, CURRENT)), fig(("category", c, COMPARISON)), model.source_of(c)) for c in labels]
    significance, tested = _tests(pairs, exposures, fdr=True)
    total_now, total_before = fig(("category", ALL_CRIMES, CURRENT)), fig(("category", ALL_CRIMES, COMPARISON))
    total_sig, _ = _tests([(ALL_CRIMES, total_now, total_before, "crimes")], exposures, fdr=False)

    def row(key: str, label: str, now: Figure, before: Figure, sig: str | None, source: str) -> Row:
        days = (exposures[CURRENT, source], exposures[COMPARISON, source])
        return Row(key, label, now, before,
                   change_sentence(label, now, before, sig, compared_with, rule, missing_words[source], days), sig,
                   change_sentence(label, now, before, sig, None, rule, missing_words[source], days))

    categories = [row(c, c, now, before, significance.get(c), src) for c, now, before, src in pairs if c != ASB]
    categories.append(row(ALL_CRIMES, ALL_CRIMES, total_now, total_before, total_sig.get(ALL_CRIMES), "crimes"))
    asb_now, asb_before = fig(("category", ASB, CURRENT)), fig(("category", ASB, COMPARISON))
    categories.append(row(ASB, ASB, asb_now, asb_before, significance.get(ASB), "calls"))

    months = [Month(m, t, fig(("month", ALL_CRIMES, m)), fig(("month", ASB, m)),
                    {c: fig(("month", c, m)) for c in CRIMES} if t == CURRENT else {})
              for t in (COMPARISON, CURRENT) for m in scope.months(t)]
    months.sort(key=lambda mo: (mo.month, mo.window))

    wards = []
    if scope.ward_rows:
        codes = [*scope.wards, *([UNPLACED] if scope.include_unplaced else [])]
        ward_pairs = [(w, fig(("ward", w, CURRENT)), fig(("ward", w, COMPARISON)), "crimes") for w in codes]
        ward_sig, _ = _tests(ward_pairs, exposures, fdr=True)
        for w, now, before, _ in ward_pairs:
            label = inputs.ward_names.get(w, w) if w != UNPLACED else "Not placed in a ward"
            wards.append(row(w, label, now, before, ward_sig.get(w), "crimes"))

    street_list = [Street(f"On or near {name}", inputs.ward_names.get(w, "") if scope.ward_rows else "",
                          fig(("street", (w, name)))) for w, name in streets]
    other = figures.get(("street", OTHER)) if streets else None

    missing = []
    for t, label in ((CURRENT, "This period"), (COMPARISON, compared_with[0].upper() + compared_with[1:])):
        for source in ("crimes", "calls"):
            words = _coverage_words(inputs, t, source)
            if words:
                missing.append(f"{label}: {words}")

    headlines = [categories[-2].brief, categories[-1].brief]
    real = [r for r in categories[:-2] if r.significance in (stats.RISE, stats.FALL)]
    real.sort(key=lambda r: -abs(r.now.value - r.before.value))  # the biggest real changes first
    headlines += [r.brief for r in real[:MAX_HEADLINES]]
    if len(real) > MAX_HEADLINES:
        headlines.append(f"{len(real) - MAX_HEADLINES} more types of crime changed for real: see the table.")
    return Summary(
        title=f"Crime and anti-social behaviour: {inputs.area_label}",
        area=inputs.area, area_label=inputs.area_label, area_kind=inputs.area_kind, window=inputs.window,
        baseline=inputs.baseline, as_of=inputs.as_of,
        current=(scope.current.start, scope.current.end), comparison=(scope.comparison.start, scope.comparison.end),
        current_label=wording.months_text(scope.months(CURRENT)),
        comparison_label=wording.months_text(scope.months(COMPARISON)),
        compared_with=compared_with, rule=rule, source=inputs.source, generated=datetime.now().replace(microsecond=0),
        categories=categories, months=months, streets=street_list, other_streets=other, wards=wards,
        missing=missing, headlines=headlines,
        hidden_small=protection.count(PRIMARY), hidden_secondary=protection.count(SECONDARY),
        hidden_breakdown=protection.count(WITHHELD),
        narrowest=protection.narrowest, tested=tested,
    )
