"""The words and colours every table, badge, chart, map and legend uses for a comparison,
defined once. A page that shows a verdict takes its arrow, words and colour from VERDICTS;
a legend is drawn from the same entries, so a legend cannot disagree with its map.

Colours are Okabe-Ito (distinguishable with the common forms of colour blindness). A rise is
vermillion and a fall blue; "no significant change" is a neutral grey and "no data" white with
an outline, so a period the source lacks never looks like a rise.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from demand.stats import ALPHA, FALL, NO_CHANGE, NO_DATA, RISE

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
NEUTRAL = "#BBBBBB"  # no significant change: a light grey, quieter than any verdict
NO_DATA_FILL = "#FFFFFF"  # no data: white, drawn with an outline
OUTLINE = "#555555"


@dataclass(frozen=True)
class Verdict:
    arrow: str
    words: str
    colour: str  # fill of a map area, heatmap cell, bar, swatch or badge
    ink: str  # text drawn on that colour
    short: str  # in a narrow table column


VERDICTS = {
    RISE: Verdict("▲", "significant rise", OKABE_ITO["vermillion"], "#FFFFFF", "▲ rise"),
    FALL: Verdict("▼", "significant fall", OKABE_ITO["blue"], "#FFFFFF", "▼ fall"),
    NO_CHANGE: Verdict("", "no significant change", NEUTRAL, "#222222", "no change"),
    NO_DATA: Verdict("", "no data for a period", NO_DATA_FILL, "#222222", "no data"),
}
SOURCE_WORDS = {"crimes": "crime", "calls": "call", "missing_episodes": "missing-person"}
# The repeat lists, in the one order every page shows them: the problem analysis triangle
# (victim, offender, location), then callers and missing persons, then ASB.
KIND_LABELS = {
    "victims": "Victims",
    "offenders": "Offenders",
    "locations": "Locations",
    "callers": "Callers",
    "missing": "Missing persons",
}
LONGEST_SHOWN = 80  # characters of a value echoed back from a URL or an extract


# --- values from outside (a URL, an extract) shown as plain text ------------------------------

# Everything Markdown (with GitHub's tables, strike-through and bare links), Streamlit's
# :colour[...] / :material/...: directives, emoji short codes and $maths$ could read as markup
# is escaped with a backslash, so it shows as itself: brackets (links, images), emphasis, code,
# HTML, entities, colons and full stops (bare links such as www.example.com or https://...).
_MARKUP = re.compile(r"([\\`*_{}\[\]#!|~<>$:&.])")
_LEADING = re.compile(r"^([-+=])")  # a list or heading marker at the start of a line
# GitHub's bare links (https://..., www.example.com, name@example.com) are found in the text
# after escapes are read, so escaping cannot stop them: an invisible word joiner after each
# ':', '@' and '.' breaks the pattern (it reads the same and never breaks a line).
JOINER = "\u2060"
_LINK_PARTS = re.compile(r"([:@.])")


def cut(value: object, limit: int = LONGEST_SHOWN) -> str:
    """A value as one printable line of at most ``limit`` characters ('…' marks a cut)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(value: object, limit: int = LONGEST_SHOWN) -> str:
    """A value from a URL or an extract (a ward asked for, a name, an address, a problem in a
    file) ready to sit in any Markdown the pages draw (titles, captions, messages, link labels)
    as plain text: one line, cut to ``limit`` characters, every markup character escaped and
    bare links broken by an invisible joiner. A link or an image written into a value shows as
    its characters and is never followed or fetched."""
    escaped = _LEADING.sub(r"\\\1", _MARKUP.sub(r"\\\1", cut(value, limit)))
    return _LINK_PARTS.sub(r"\1" + JOINER, escaped)


def sentence(text: str) -> str:
    """A message as a sentence: its first letter a capital (the rest as written)."""
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def month_text(value) -> str:
    """A month as people write it, the one form every page and chart uses: 'May 2025'."""
    return f"{pd.Timestamp(value):%B %Y}"


MONTH_FORMAT = "%B %Y"  # the same, for chart axes and hover labels (d3 and strftime agree)
# months_missing of an analysis whose source the data does not hold at all (public data has
# no missing episodes): "missing_episodes: not held" (demand.analytics).
NOT_HELD = "not held"
# The same verdicts for residents (public summaries): what the test means, without its jargon.
PLAIN_VERDICTS = {
    RISE: "a real rise, beyond the usual ups and downs",
    FALL: "a real fall, beyond the usual ups and downs",
    NO_CHANGE: "within the usual ups and downs",
    NO_DATA: "not compared: a period has no data",
}


def verdict(significance: str | None) -> Verdict:
    """The entry for a significance value; anything unknown or empty reads as no data."""
    return VERDICTS.get(significance or NO_DATA, VERDICTS[NO_DATA])


def verdict_colour(significance: str | None) -> str:
    return verdict(significance).colour


def p_text(p) -> str:
    """'p = 0.165', 'p < 0.001', or '' when there is no p."""
    if p is None or pd.isna(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def plain_verdict(significance: str | None) -> str:
    """A verdict in a resident's words: 'a real fall, beyond the usual ups and downs'."""
    return PLAIN_VERDICTS.get(significance or NO_DATA, PLAIN_VERDICTS[NO_DATA])


def months_text(months: list[date]) -> str:
    """Months named in words, runs joined: 'May 2025', 'July to December 2024'."""
    return _months_text(months)


def significance_text(significance: str | None, p=None) -> str:
    """'▲ significant rise (p = 0.003)'; no data says so rather than showing a number."""
    entry = verdict(significance)
    text = f"{entry.arrow} {entry.words}".strip()
    shown = p_text(p) if significance in (RISE, FALL, NO_CHANGE) else ""
    return f"{text} ({shown})" if shown else text


def not_held(months_missing) -> bool:
    """Whether an analysis's source is absent from the data altogether (its months_missing)."""
    return bool(months_missing) and str(months_missing).endswith(NOT_HELD)


def fmt_count(value, months_missing: str = "") -> str:
    """A count, or 'no data' for a period the source does not cover at all (never 0), or
    'not held' for a source the data does not hold at all (given its ``months_missing``)."""
    if not_held(months_missing):
        return NOT_HELD
    if value is None or pd.isna(value):
        return "no data"
    return f"{int(value):,}"


def ratio_text(ratio, low, high) -> str:
    """The rate ratio and its 95% interval: '1.56× (0.80–3.13)'; 'none before' when the
    previous window had no event; '–' when neither had one."""
    if ratio is None or pd.isna(ratio):
        return "–"
    if ratio == float("inf"):
        return "none before"
    top = "∞" if high == float("inf") else f"{high:.2f}"
    return f"{ratio:.2f}× ({low:.2f}–{top})"


def change_text(change, previous, exposure=None, previous_exposure=None) -> str:
    """'+9 on 16 before'; when the windows cover different numbers of days, the change is
    counted at equal exposure and says so. 'no previous figure' when a window has no data."""
    if change is None or pd.isna(change) or previous is None or pd.isna(previous):
        return "no previous figure (no data for the period before)"
    text = f"{change:+,.0f} on {int(previous):,} before"
    if exposure is not None and previous_exposure is not None and exposure != previous_exposure:
        text += ", per covered day"
    return text


def _months_text(months: list[date]) -> str:
    """'May 2025', 'April and May 2025', 'July to December 2024', 'March 2024 and May 2025':
    runs of consecutive months are joined with 'to'."""
    months = sorted(set(months))
    runs: list[list[date]] = []
    for m in months:
        if runs and (m.year * 12 + m.month) - (runs[-1][-1].year * 12 + runs[-1][-1].month) == 1:
            runs[-1].append(m)
        else:
            runs.append([m])

    def run_text(run: list[date]) -> str:
        first, last = run[0], run[-1]
        if first == last:
            return f"{first:%B %Y}"
        joiner = " and " if len(run) == 2 else " to "
        return (f"{first:%B}" if first.year == last.year else f"{first:%B %Y}") + joiner + f"{last:%B %Y}"

    parts = [run_text(r) for r in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def coverage_note(sources: Iterable[str], days: int, exposure: float, gaps: Iterable[tuple[str, date]]) -> str:
    """Plain words for a window's coverage: '' when every day is covered; '11 of 12 months;
    no crime data for May 2025'; 'no crime data for this period' when no day is. ``gaps``
    are (source table, first day of a month the source lacks) within the window. For a count
    of several sources (a location's events) only the lacking months are named."""
    sources = tuple(sources)
    gaps = [(t, pd.Timestamp(m).date()) for t, m in gaps if t in sources]
    if not gaps or exposure >= days:
        return ""
    lacking = gaps_text(gaps)
    if exposure <= 0:
        return "; ".join(f"no {SOURCE_WORDS.get(t, t)} data for this period" for t in sources)
    if len(sources) > 1:
        return lacking
    if days >= 365:
        months = 12 * exposure / days
        held = f"{round(months)}" if abs(months - round(months)) < 0.1 else f"{months:.1f}"
        return f"{held} of 12 months; {lacking}"
    return f"{exposure:.0f} of {days} days; {lacking}"


def not_held_note(sources: Iterable[str]) -> str:
    """The coverage words for a source the data does not hold at all (public data has no
    missing-person episodes): 'no missing-person data held', never a zero."""
    return "; ".join(f"no {SOURCE_WORDS.get(t, t)} data held" for t in sources)


def gaps_text(gaps: Iterable[tuple[str, date]]) -> str:
    """'no crime data for May 2025; no call data for March and April 2025' from (source table,
    first day of a lacking month) pairs; '' when there are none."""
    gaps = [(t, pd.Timestamp(m).date()) for t, m in gaps]
    return "; ".join(
        f"no {SOURCE_WORDS.get(t, t)} data for {_months_text([m for s, m in gaps if s == t])}"
        for t in sorted({t for t, _ in gaps})
    )


CHANGE_VERBS = {RISE: "rose", FALL: "fell"}
CHANGE_VERDICTS = {RISE: "a real rise", FALL: "a real fall", NO_CHANGE: "within the usual ups and downs",
                   NO_DATA: "not compared: a period has no data"}


def change_sentence(label: str, previous, count, significance: str | None, p=None) -> str:
    """One change in plain words: 'Vehicle crime rose from 9 to 21: a real rise (p = 0.004)';
    'Burglary went from 16 to 25: within the usual ups and downs'. The verb follows the verdict,
    so a change the test does not call real never reads as a rise or a fall."""
    significance = significance if significance in VERDICTS else NO_DATA
    if significance == NO_DATA:
        return f"{label}: {CHANGE_VERDICTS[NO_DATA]}"
    verb = CHANGE_VERBS.get(significance, "went")
    shown = p_text(p)
    return (f"{label} {verb} from {fmt_count(previous)} to {fmt_count(count)}: {CHANGE_VERDICTS[significance]}"
            + (f" ({shown})" if shown and significance != NO_CHANGE else ""))


def tested_text(tested: int, fdr: bool = True) -> str:
    """'260 changes tested; 5% false discovery rate' beside a table of tests."""
    noun = "change" if tested == 1 else "changes"
    rule = f"{ALPHA:.0%} false discovery rate" if fdr else f"each at the {ALPHA:.0%} level"
    return f"{tested:,} {noun} tested; {rule}"


# --- HTML pieces (for st.markdown(..., unsafe_allow_html=True); no user text inside) ---------


def _swatch(colour: str, shape: str = "square") -> str:
    """A legend mark: 'square' (a filled area), 'dot' (a small point) or 'circle' (a
    filled, outlined circle like the repeat-location marks)."""
    size, radius, border = {"square": ("0.85em", "2px", f"1px solid {OUTLINE}"),
                            "dot": ("0.6em", "50%", "none"),
                            "circle": ("0.95em", "50%", "1.5px solid #000000")}[shape]
    return (
        f'<span data-swatch="{colour}" style="display:inline-block;width:{size};height:{size};'
        f"background:{colour};border:{border};border-radius:{radius};"
        f'vertical-align:-0.1em;margin-right:0.3em"></span>'
    )


def legend_html(items: Iterable[tuple[str, str]], shape: str = "square") -> str:
    """A one-line legend of (colour, label) swatches."""
    return " · ".join(f"{_swatch(colour, shape)}{html.escape(label)}" for colour, label in items)


def verdict_legend_html(significances: Iterable[str] = (RISE, FALL, NO_CHANGE, NO_DATA)) -> str:
    """The legend of a map or chart coloured by significance, from VERDICTS."""
    return legend_html((verdict(s).colour, verdict(s).words) for s in significances)


def badge_html(significance: str | None, p=None) -> str:
    """A verdict as a small coloured label, e.g. under a headline number."""
    entry = verdict(significance)
    return (
        f'<span data-significance="{html.escape(significance or NO_DATA)}" style="background:{entry.colour};'
        f"color:{entry.ink};border:1px solid {OUTLINE if entry.colour == NO_DATA_FILL else entry.colour};"
        f'border-radius:0.5rem;padding:0.1em 0.55em;font-size:0.85rem;font-weight:600;display:inline-block;'
        f'line-height:1.4">'
        f"{html.escape(significance_text(significance, p))}</span>"
    )


# --- plan assessments -----------------------------------------------------------------------


def wdq_text(wdq) -> str:
    """What a Weighted Displacement Quotient says (Bowers & Johnson 2003), in words."""
    if wdq is None or pd.isna(wdq):
        return "not defined"
    if wdq > 1:
        return "a diffusion of benefits larger than the direct effect"
    if wdq > 0:
        return "a diffusion of benefits into the buffer"
    if wdq == 0:
        return "no displacement and no diffusion"
    if wdq >= -1:
        return "some displacement, smaller than the direct effect"
    return "displacement larger than the direct effect"


def rounded_money(value: float) -> str:
    """Pounds to two significant figures: £2,100, £38,000, £450; a range of costs is only as
    precise as its unit costs."""
    if value == 0:
        return "£0"
    magnitude = 10 ** max(0, int(f"{abs(value):e}".split("e")[1]) - 1)
    return f"£{round(abs(value) / magnitude) * magnitude:,.0f}"


def money_range(low: float, high: float) -> str:
    """'£2,100 to £9,800'; 'from a cost of £1,200 to a saving of £4,500' when the range
    includes a loss; 'a cost of £300 to £900' when all of it is."""
    if low >= 0:
        return f"{rounded_money(low)} to {rounded_money(high)}"
    if high <= 0:
        return f"a cost of {rounded_money(-high)} to {rounded_money(-low)}"
    return f"from a cost of {rounded_money(-low)} to a saving of {rounded_money(high)}"


def money_span(low: float, high: float) -> str:
    """A range of pounds for a small space, to two significant figures: '£2.1k to £9.8k',
    '−£23k to £38k' (a negative end is a cost), '£450 to £900', '£1.2m to £3m'."""
    def short(value: float) -> str:
        sign = "−" if value < 0 else ""
        size = abs(float(rounded_money(value).replace("£", "").replace(",", "")))
        for limit, unit in ((1e6, "m"), (1e3, "k")):
            if size >= limit:
                return f"{sign}£{f'{size / limit:f}'.rstrip('0').rstrip('.')}{unit}"
        return f"{sign}£{size:.0f}"

    return f"{short(low)} to {short(high)}"
