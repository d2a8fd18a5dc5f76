"""What a ward briefing and a district breakdown say, as plain data.

Everything here is read through the gate (``demand.reader.Reader.call``) as the reader, the
person the document is for, with the very analyses the Ward and Compare pages call, so a
briefing's numbers are the dashboard's for the same ward and date, and its person-level reads
are audited like any page's. Names appear only when the reader's role shows persons; a viewer's
document holds counts only.

Who is new on a list is reproducible without any stored state: the previous briefing is the
same briefing computed as at the previous briefing date (as-of minus the cadence, 7 days by
default; a 4-on-4-off shift pattern is 8), so a name is new when it is on this list and was not
on that one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial

import pandas as pd

from demand import stats, windows
from demand.areas import FORCE
from demand.briefings.settings import DEFAULT_CADENCE_DAYS
from demand.errors import UsageError
from demand.plans.service import STALE_DAYS, PlanDesk
from demand.present import wording
from demand.reader import Reader
from demand.state.plans import CLOSED, KIND_WORDS, PlanRegister

PERIOD = "90d"  # the repeat lists, the changes and the headline figures
RECENT_DAYS = 7  # crimes, calls and powers listed one by one
# A busy ward has 150 calls a week: the document lists the newest few of each kind and counts
# the rest, so it stays within two printed pages (the Ward page lists them all).
LISTED = {"crime": 5, "call": 0}
BUSIEST_STREETS = 3  # the streets most of the week's calls came from
TOP = 5  # entries of each repeat list
REPEAT_KINDS = {  # kind -> heading
    "victims": "Repeat victims",
    "offenders": "Repeat offenders and suspects",
    "locations": "Repeat locations",
    "callers": "Repeat callers",
    "missing": "Repeat missing persons",
}
PERSON_KINDS = ("victims", "offenders", "callers", "missing")
MEASURES = {"crimes": "Crimes", "calls": "Calls for service", "asb_calls": "ASB calls",
            "missing_episodes": "Missing episodes"}
SOURCE_NAMES = {"crime": "Crimes", "call": "Calls"}


# --- the pieces of a document ---------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline measure over the period against the period before."""

    measure: str
    label: str
    count: int | None  # None: no covered day (never shown as 0)
    previous_count: int | None
    change: float | None
    significance: str
    p: float | None
    coverage: str = ""
    previous_coverage: str = ""

    @property
    def sentence(self) -> str:
        return wording.change_sentence(self.label, self.previous_count, self.count, self.significance, self.p)


@dataclass(frozen=True)
class Event:
    at: datetime
    where: str  # 'On or near Mill Lane'
    reference: str


@dataclass(frozen=True)
class EventGroup:
    """The crimes of one category, or the calls of one incident type, newest first. ``events``
    is empty when the reader sees counts only."""

    source: str  # 'crime' | 'call'
    what: str
    count: int
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Change:
    """A crime category or call type whose count moved for real, by the product's test."""

    source: str  # 'crimes' | 'calls'
    group: str
    count: int | None
    previous_count: int | None
    significance: str
    p_adjusted: float | None

    @property
    def sentence(self) -> str:
        label = self.group if self.source == "crimes" else (
            f"{self.group}s" if self.group.lower().endswith(" call") else f"{self.group} calls")
        return wording.change_sentence(label, self.previous_count, self.count, self.significance, self.p_adjusted)


@dataclass(frozen=True)
class RepeatEntry:
    rank: int
    id: str
    name: str  # a person's name or a location's address
    count: int
    previous_count: int | None
    last_at: datetime | None
    mostly: str  # the main category, incident type or risk: 'Burglary (3)'
    flags: tuple[str, ...]
    new: bool
    birth_year: int | None = None


@dataclass(frozen=True)
class RepeatList:
    kind: str
    title: str
    total: int | None  # entities with 2 or more events in the period (the list's length; None: not counted)
    entries: tuple[RepeatEntry, ...]  # the top few; empty when the reader sees counts only
    new_count: int  # how many of the entries are new since the previous briefing
    compared: bool  # whether the previous briefing's list could be computed
    held: bool = True  # False: the data holds no people (public data), so no person list at all


@dataclass(frozen=True)
class PowerCount:
    power: str
    count: int
    previous_count: int


@dataclass(frozen=True)
class PowerUse:
    at: datetime
    power: str
    where: str
    person: str | None  # the person's name, when recorded and the reader may see it
    outcome: str | None


@dataclass(frozen=True)
class WantedPerson:
    person_id: str
    name: str
    birth_year: int | None
    since: datetime
    reason: str
    warnings: str
    where: str
    new: bool


@dataclass(frozen=True)
class PlanLine:
    """A problem-solving plan not yet closed, from the plans register (live: as at production)."""

    id: int
    ward_code: str
    title: str
    kind: str  # 'repeat victim', 'location', ...
    status: str
    owner: str
    updated: date
    days_since_update: int
    response_date: date | None

    @property
    def stale(self) -> bool:
        return self.days_since_update > STALE_DAYS


@dataclass(frozen=True)
class Reading:
    """Who the document is for and when it is as at: every document carries one."""

    reader_email: str
    reader_name: str
    reader_role: str  # the role's title
    names_shown: bool
    as_of: date
    previous_briefing: date
    cadence_days: int
    produced_at: datetime
    data_first: date
    data_last: date
    gaps: str  # 'no crime data for May 2026' over the periods the document counts, '' when none
    person_level: bool = True  # False: public data (data.police.uk), no people at all
    month_dated: bool = False  # True: every record dated the first of its month (data.police.uk)

    @property
    def recent_days(self) -> int:
        """The days listed one by one: the last 7; for data dated by month only, the as-of
        date's month up to it (as the Ward page does), since it has no last 7 days."""
        return self.as_of.day if self.month_dated else RECENT_DAYS

    @property
    def recent_start(self) -> date:
        return self.as_of - timedelta(days=self.recent_days - 1)

    @property
    def recent_label(self) -> str:
        """'Last 7 days' or, for month-dated data, 'February 2023'."""
        return f"{self.as_of:%B %Y}" if self.month_dated else f"Last {RECENT_DAYS} days"


@dataclass(frozen=True)
class WardBriefing:
    ward_code: str
    ward_name: str
    district: str
    reading: Reading
    headline: tuple[Figure, ...]
    recent_crimes: int
    recent_calls: int
    recent: tuple[EventGroup, ...]
    call_streets: tuple[tuple[str, int], ...]  # the streets most of the week's calls came from
    changes: tuple[Change, ...]  # significant only, strongest evidence first
    changes_tested: int
    repeats: tuple[RepeatList, ...]
    powers_held: bool
    power_counts: tuple[PowerCount, ...]  # the period against the one before, by power
    power_uses: tuple[PowerUse, ...]  # the last 7 days, one by one (names only when allowed)
    wanted_held: bool
    wanted_count: int | None
    wanted_new: int | None
    wanted: tuple[WantedPerson, ...]  # empty when the reader sees counts only
    ids: tuple[str, ...] = field(default=(), repr=False)  # every person, place and record named
    plans: tuple[PlanLine, ...] | None = None  # None: no register, or a role that sees no plans


@dataclass(frozen=True)
class WardRow:
    """One ward in a district breakdown."""

    ward_code: str
    ward_name: str
    figures: tuple[Figure, ...]  # verdicts with the false discovery rate held over the table
    repeats: dict  # kind -> count
    powers: int | None  # None: not held
    powers_before: int | None
    wanted: int | None
    wanted_new: int | None
    attention: int  # 0: a real rise; 1: people newly wanted; 2: the rest
    reasons: tuple[str, ...]
    plans_open: int | None = None  # None: no register, or a role that sees no plans
    plans_stale: int | None = None  # of them, not updated for more than STALE_DAYS


@dataclass(frozen=True)
class DistrictBreakdown:
    district: str
    reading: Reading
    rows: tuple[WardRow, ...]  # wards needing attention first
    tested: int
    repeats: tuple[RepeatList, ...]  # the district's own top repeat victims, offenders, locations
    powers_held: bool
    power_counts: tuple[PowerCount, ...]
    wanted_held: bool
    wanted_reasons: tuple[tuple[str, int], ...]  # empty when the reader sees counts only
    ids: tuple[str, ...] = field(default=(), repr=False)
    plans_shown: bool = False


# --- helpers --------------------------------------------------------------------------------


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _when(value) -> datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def on_or_near(street, address=None) -> str:
    """Where an event was, as police.uk says it: 'On or near Mill Lane'."""
    if isinstance(street, str) and street.strip():
        return f"On or near {street.strip()}"
    if isinstance(address, str) and address.strip():
        return address.strip()
    return "no street recorded"


def _last_known(address, street) -> str:
    """A wanted person's last known address: the address itself, for the officer who calls."""
    if isinstance(address, str) and address.strip():
        return address.strip()
    return on_or_near(street) if isinstance(street, str) and street.strip() else ""


def check_cadence(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise UsageError(f"the briefing cadence must be a whole number of days from 1 to 90, not {days!r} "
                         "(7 for weekly; 8 for a 4-on-4-off shift pattern)")
    return days


def _reading(reader: Reader, as_of, cadence_days: int) -> Reading:
    """The as-of date (checked against the data's range), the previous briefing's date, and
    the months the periods counted lack."""
    first, last = reader.call("data_range")
    day = windows.parse_date(as_of) if as_of is not None else last
    if not first <= day <= last:
        raise UsageError(f"as-of date {day} is outside the data, which runs from {first} to {last}")
    period = windows.window(PERIOD, day)
    gaps = reader.call("coverage_gaps", first=windows.previous(period).start, last=day)
    user = reader.user
    held = set(reader.store.held_sources)
    gaps = [(t, m) for t, m in zip(gaps["table_name"], gaps["month"]) if t in held]  # not held: said apart
    return Reading(user.email, user.name, user.permissions.title, user.sees_persons, day,
                   day - timedelta(days=cadence_days), cadence_days, datetime.now().replace(microsecond=0),
                   first, last, wording.gaps_text(gaps), bool(reader.store.person_level),
                   bool(reader.store.month_dated))


def _figures(frame: pd.DataFrame) -> tuple[Figure, ...]:
    return tuple(
        Figure(row["measure"], MEASURES[row["measure"]], _int(row["count"]), _int(row["previous_count"]),
               _float(row["change"]), row["significance"], _float(row.get("p_adjusted", row["p"])),
               row.get("coverage", "") or "", row.get("previous_coverage", "") or "")
        for _, row in frame.iterrows()
    )


def _flags(text: str) -> tuple[str, ...]:
    return tuple(f for f in (text or "").split("; ") if f)


# --- the parts every document shares ----------------------------------------------------------


RISK_WORDS = {"high": "high risk", "medium": "medium risk", "low": "low risk", "no_apparent_risk": "no apparent risk"}


def _mostly(kind: str, main_categories) -> str:
    """The first of a ranking's main categories: 'Burglary (3)'; for missing persons, whose
    main categories are risk gradings, 'medium risk (2)'."""
    if main_categories is None or pd.isna(main_categories):
        return ""
    first = str(main_categories).split(", ")[0]
    if kind == "missing":
        grade, _, rest = first.partition(" (")
        return f"{RISK_WORDS.get(grade, grade)} ({rest}" if rest else RISK_WORDS.get(grade, grade)
    return first


def _repeat_list(reader: Reader, area: str, kind: str, reading: Reading, top: int) -> RepeatList:
    """The top ``top`` of one repeat list, each marked new when it was not on the same list as
    at the previous briefing; its total is added by _with_total. Counts only (no entries) for a
    role that sees no persons."""
    if kind in PERSON_KINDS and not reading.person_level:
        return RepeatList(kind, REPEAT_KINDS[kind], None, (), 0, False, held=False)
    if not reader.user.sees_persons:
        return RepeatList(kind, REPEAT_KINDS[kind], None, (), 0, False)
    now = reader.call("rank", area, kind=kind, window=PERIOD, as_of=reading.as_of, limit=top)
    compared = reading.previous_briefing >= reading.data_first
    before: set[str] = set()
    if compared:
        # who was on the list then: ids only, not the names, flags and statistics shown for now
        earlier = reader.call("rank_ids", area, kind=kind, window=PERIOD, as_of=reading.previous_briefing, limit=top)
        before = set(earlier["id"].astype(str))
    entries = tuple(
        RepeatEntry(int(row["rank"]), str(row["id"]), str(row["name"]) if pd.notna(row["name"]) else str(row["id"]),
                    int(row["count"]), _int(row["previous_count"]), _when(row["last_at"]),
                    _mostly(kind, row["main_categories"]),
                    _flags(row["flags"]), compared and str(row["id"]) not in before,
                    _int(row.get("birth_year")))
        for _, row in now.iterrows()
    )
    return RepeatList(kind, REPEAT_KINDS[kind], None, entries, sum(e.new for e in entries), compared)


def _with_total(repeats: RepeatList, total: int) -> RepeatList:
    """The list with its total (the entities with 2 or more events), read apart from it; a
    list the data does not hold keeps none."""
    return replace(repeats, total=total) if repeats.held else repeats


def _power_counts(frame: pd.DataFrame) -> tuple[PowerCount, ...]:
    by_power = frame.groupby("power")[["count", "previous_count"]].sum()
    by_power = by_power.sort_values(["count", "previous_count"], ascending=False)
    return tuple(PowerCount(str(p), int(r["count"]), int(r["previous_count"])) for p, r in by_power.iterrows())


def _ids(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for value in group:
            if value:
                seen.setdefault(str(value), None)
    return tuple(seen)


# --- part 1: the ward briefing ----------------------------------------------------------------


def _recent(reader: Reader, ward: str, reading: Reading):
    """The last 7 days' crimes and calls by category or incident type, most first: the newest
    few crimes of each category with their street, and the streets most calls came from;
    counts only (from the comparison of the 7 days) for a viewer. Returns crimes, calls,
    groups, busiest streets and the ids shown."""
    if not reader.user.sees_persons:
        groups = []
        for by, source in (("category", "crime"), ("call_type", "call")):
            frame = reader.call("compare", ward, window=reading.recent_days, by=by, as_of=reading.as_of)
            frame = frame[frame["count"].fillna(0) > 0]
            groups += [EventGroup(source, str(g), int(c)) for g, c in zip(frame["group"], frame["count"])]
        groups.sort(key=lambda g: (g.source != "crime", -g.count, g.what))
        crimes = sum(g.count for g in groups if g.source == "crime")
        return crimes, sum(g.count for g in groups) - crimes, tuple(groups), (), []
    rows = reader.call("recent_events", ward, days=reading.recent_days, as_of=reading.as_of)
    # a busy ward's week is thousands of calls: sorted once and grouped by column operations,
    # not a sort and a row loop per group. Groups are numbered in order of first appearance;
    # the rows listed are each group's newest LISTED[source], group by group.
    keys = rows.assign(what=rows["what"].fillna("(not recorded)")).groupby(["source", "what"], sort=False)
    sizes = keys.size()
    newest = rows.assign(group=keys.ngroup()).sort_values(["at", "event_id"], ascending=[False, True])
    listed = newest[newest.groupby("group").cumcount().to_numpy() < newest["source"].map(LISTED).to_numpy()]
    listed = listed.sort_values("group", kind="stable")
    events: dict[int, list[Event]] = {}
    for group, at, street, address, event_id in zip(listed["group"], listed["at"], listed["street"],
                                                    listed["address"], listed["event_id"]):
        events.setdefault(group, []).append(Event(_when(at), on_or_near(street, address), str(event_id)))
    groups = [EventGroup(source, str(what), int(count), tuple(events.get(number, ())))
              for number, ((source, what), count) in enumerate(sizes.items())]
    groups.sort(key=lambda g: (g.source != "crime", -g.count, g.what))
    crimes = int((rows["source"] == "crime").sum())
    calls = rows[(rows["source"] == "call") & rows["street"].notna()]
    streets = calls["street"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    busiest = tuple((str(s), int(n)) for s, n in streets.head(BUSIEST_STREETS).items() if n > 1)
    return (crimes, len(rows) - crimes, tuple(groups), busiest,
            [*listed["event_id"].astype(str), *listed["location_id"].dropna()])


def _changes(reader: Reader, ward: str, reading: Reading) -> tuple[tuple[Change, ...], int]:
    """Categories and call types that rose or fell for real over the period (the Compare
    page's tables: the false discovery rate held over each), strongest evidence first."""
    found, tested = [], 0
    for by, source in (("category", "crimes"), ("call_type", "calls")):
        frame = reader.call("compare", ward, window=PERIOD, by=by, as_of=reading.as_of)
        tested += int(frame.attrs.get("tested", 0))
        real = frame[frame["significance"].isin([stats.RISE, stats.FALL])]
        found += [Change(source, str(r["group"]), _int(r["count"]), _int(r["previous_count"]), r["significance"],
                         _float(r["p_adjusted"])) for _, r in real.iterrows()]
    found.sort(key=lambda c: (c.p_adjusted if c.p_adjusted is not None else 1.0, c.group))
    return tuple(found), tested


def _powers(reader: Reader, area: str, reading: Reading, held: bool):
    """Uses of each power over the period against the period before, and (for a role that sees
    persons) each use of the last 7 days; the frame of those uses, for the audit."""
    none = pd.DataFrame(columns=["power_id", "person_id"])
    if not held:
        return (), (), none
    counts = _power_counts(reader.call("power_counts", area, window=PERIOD, as_of=reading.as_of))
    if not reader.user.sees_persons:
        return counts, (), none
    uses = reader.call("powers_used", area, window=reading.recent_days, as_of=reading.as_of)
    return counts, tuple(
        PowerUse(_when(r["used_at"]), str(r["power"]), on_or_near(r["street"], r["address"]),
                 str(r["name"]) if pd.notna(r["name"]) else None, r["outcome"] if pd.notna(r["outcome"]) else None)
        for _, r in uses.iterrows()
    ), uses


def _wanted(reader: Reader, ward: str, reading: Reading, held: bool):
    """People wanted at the end of the as-of date whose last known address is in the ward,
    new when wanted since the previous briefing."""
    if not held:
        return None, None, ()
    counts = reader.call("wanted_counts", ward, as_of=reading.as_of,
                         new_since=reading.previous_briefing + timedelta(days=1))
    total, new = int(counts["wanted"].sum()), int(counts["new"].sum())
    if not reader.user.sees_persons:
        return total, new, ()
    people = reader.call("wanted_list", ward, as_of=reading.as_of)
    after = datetime.combine(reading.previous_briefing + timedelta(days=1), datetime.min.time())
    return total, new, tuple(
        WantedPerson(str(r["person_id"]), str(r["name"]) if pd.notna(r["name"]) else str(r["person_id"]),
                     _int(r["birth_year"]), _when(r["since"]), r["reason"] if pd.notna(r["reason"]) else "",
                     r["warnings"] if pd.notna(r["warnings"]) else "", _last_known(r["address"], r["street"]),
                     _when(r["since"]) >= after)
        for _, r in people.iterrows()
    )


def _plans(reader: Reader, register: PlanRegister | None, wards, today: date) -> tuple[PlanLine, ...] | None:
    """The plans not yet closed in ``wards`` that the reader may see, the stalest first; None
    without a register or for a role that sees no plans (they name people and places)."""
    if register is None or not reader.user.sees_persons:
        return None
    lines = []
    for plan in PlanDesk(reader, register, today).list():
        if plan.status == CLOSED or plan.ward_code not in wards:
            continue
        updated = date.fromisoformat(plan.updated_at[:10])
        lines.append(PlanLine(plan.id, plan.ward_code, plan.title, KIND_WORDS.get(plan.kind, plan.kind), plan.status,
                              plan.owner,
                              updated, (today - updated).days, plan.response_date))
    return tuple(sorted(lines, key=lambda line: (-line.days_since_update, line.id)))


def ward_briefing(reader: Reader, ward_code: str, as_of=None, cadence_days: int = DEFAULT_CADENCE_DAYS,
                  top: int = TOP, plans: PlanRegister | None = None) -> WardBriefing:
    """Part 1 for one ward, as the reader may see it. Raises Refused (unknown ward, or one
    outside the reader's wards) or UsageError (a date outside the data) before reading any
    person-level data. ``plans``: the plans register, to list the ward's open plans."""
    check_cadence(cadence_days)
    wards = reader.wards()
    if ward_code not in set(wards["ward_code"]):
        reader.scope(ward_code)  # the gate's own refusal names what the reader may ask for
        raise UsageError(f"'{ward_code}' is a district or the force, not a ward: give a ward code")
    ward = wards.set_index("ward_code").loc[ward_code]
    reading = _reading(reader, as_of, cadence_days)
    held = reader.call("held_tables")
    # Nothing read is shown before the document is whole: one audit write. The parts read
    # independently, two at a time; their audit records keep the order they are listed in.
    with reader.together():
        (headline, (crimes, calls, recent, busiest, recent_ids), (changes, tested), totals, *repeats,
         (power_counts, power_uses, uses), (wanted_total, wanted_new, wanted)) = reader.concurrently(
            lambda r: _figures(r.call("headline", ward_code, window=PERIOD, as_of=reading.as_of)),
            lambda r: _recent(r, ward_code, reading),
            lambda r: _changes(r, ward_code, reading),
            lambda r: r.call("repeat_counts", ward_code, window=PERIOD, as_of=reading.as_of).iloc[0],
            *(partial(_repeat_list, area=ward_code, kind=kind, reading=reading, top=top) for kind in REPEAT_KINDS),
            lambda r: _powers(r, ward_code, reading, held.get("powers", False)),
            lambda r: _wanted(r, ward_code, reading, held.get("wanted", False)),
        )
    repeats = tuple(_with_total(r, int(totals[r.kind])) for r in repeats)
    ids = _ids(recent_ids, (e.id for r in repeats for e in r.entries), uses["power_id"], uses["person_id"].dropna(),
               (w.person_id for w in wanted))
    return WardBriefing(ward_code, str(ward["ward_name"]), str(ward["district"]), reading, headline, crimes, calls,
                        recent, busiest, changes, tested, repeats, bool(held.get("powers", False)), power_counts, power_uses,
                        bool(held.get("wanted", False)), wanted_total, wanted_new, wanted, ids,
                        _plans(reader, plans, {ward_code}, reading.produced_at.date()))


# --- part 2: the commander's breakdown ---------------------------------------------------------

ATTENTION_WORDS = {0: "a real rise", 1: "people newly wanted", 2: "no real rise"}


def _ward_figures(reader: Reader, area: str, reading: Reading) -> tuple[pd.DataFrame, int]:
    """Each ward's four headline counts (the Ward page's), read in one query and tested
    together: the false discovery rate is held at 5% over every ward and measure of the table."""
    tested = stats.compare_table(reader.call("headline_wards", area, window=PERIOD, as_of=reading.as_of))
    return tested, int(tested.attrs["tested"])


def _attention(figures: tuple[Figure, ...], wanted_new: int | None, wanted: int | None) -> tuple[int, tuple[str, ...]]:
    rises = [f for f in figures if f.significance == stats.RISE]
    falls = [f for f in figures if f.significance == stats.FALL]
    reasons = [f.sentence for f in sorted(rises, key=lambda f: f.p if f.p is not None else 1.0)]
    if wanted_new:
        reasons.append(f"{wanted_new} {'person' if wanted_new == 1 else 'people'} newly wanted"
                       + (f" ({wanted} wanted in all)" if wanted and wanted != wanted_new else ""))
    reasons += [f.sentence for f in falls]
    if not reasons:
        reasons.append("No real change in crimes, calls, ASB or missing episodes")
    tier = 0 if rises else 1 if wanted_new else 2
    return tier, tuple(reasons)


def district_breakdown(reader: Reader, district: str, as_of=None, cadence_days: int = DEFAULT_CADENCE_DAYS,
                       top: int = TOP, plans: PlanRegister | None = None) -> DistrictBreakdown:
    """Part 2 for one district: every ward of it the reader may read, in one table, wards
    needing attention first with the reason in words; the district's own top repeat victims,
    offenders and locations; powers used and people wanted."""
    check_cadence(cadence_days)
    scope = reader.scope(district)
    all_wards = reader.wards()
    if district.lower() == FORCE or (len(scope.wards) == 1 and district in set(all_wards["ward_code"])):
        raise UsageError(f"'{district}' is not a district: give a district's name or code")
    wards = all_wards[all_wards["ward_code"].isin(scope.wards)].sort_values("ward_name")
    name = scope.label
    reading = _reading(reader, as_of, cadence_days)
    held = reader.call("held_tables")
    powers_held, wanted_held = bool(held.get("powers", False)), bool(held.get("wanted", False))
    # Nothing read is shown before the document is whole: one audit write. The parts read
    # independently, two at a time; their audit records keep the order they are listed in.
    with reader.together():
        (tested, n_tested), repeat_totals, power_frame, wanted_frame, *repeats, people = reader.concurrently(
            lambda r: _ward_figures(r, district, reading),
            lambda r: r.call("repeat_counts", name, window=PERIOD, as_of=reading.as_of).set_index("ward_code"),
            lambda r: r.call("power_counts", name, window=PERIOD, as_of=reading.as_of) if powers_held else None,
            lambda r: (r.call("wanted_counts", name, as_of=reading.as_of,
                              new_since=reading.previous_briefing + timedelta(days=1)).set_index("ward_code")
                       if wanted_held else None),
            *(partial(_repeat_list, area=name, kind=kind, reading=reading, top=top)
              for kind in ("victims", "offenders", "locations")),
            lambda r: r.call("wanted_list", name, as_of=reading.as_of) if wanted_held and r.user.sees_persons else None,
        )
    open_plans = _plans(reader, plans, set(wards["ward_code"]), reading.produced_at.date())
    rows = []
    for code, ward_name in zip(wards["ward_code"], wards["ward_name"]):
        figures = _figures(tested[tested["ward_code"] == code])
        powers = power_frame[power_frame["ward_code"] == code] if power_frame is not None else None
        wanted = _int(wanted_frame.loc[code, "wanted"]) if wanted_frame is not None else None
        wanted_new = _int(wanted_frame.loc[code, "new"]) if wanted_frame is not None else None
        tier, reasons = _attention(figures, wanted_new, wanted)
        rows.append(WardRow(code, ward_name, figures,
                            {k: int(repeat_totals.loc[code, k])
                             if reading.person_level or k not in PERSON_KINDS else None for k in REPEAT_KINDS},
                            int(powers["count"].sum()) if powers is not None else None,
                            int(powers["previous_count"].sum()) if powers is not None else None,
                            wanted, wanted_new, tier, reasons, *_plan_counts(open_plans, code)))
    rows.sort(key=lambda r: (r.attention, _order_within(r)))
    wanted_ids = [] if people is None else people["person_id"].astype(str).tolist()
    reasons = () if people is None else _reasons(people["reason"])
    ids = _ids((e.id for r in repeats for e in r.entries), wanted_ids)
    return DistrictBreakdown(name, reading, tuple(rows), n_tested, tuple(repeats), powers_held,
                             _power_counts(power_frame) if power_frame is not None else (), wanted_held, reasons, ids,
                             open_plans is not None)


def _plan_counts(lines: tuple[PlanLine, ...] | None, ward: str) -> tuple[int | None, int | None]:
    if lines is None:
        return None, None
    mine = [line for line in lines if line.ward_code == ward]
    return len(mine), sum(line.stale for line in mine)


def _reasons(reasons: pd.Series) -> tuple[tuple[str, int], ...]:
    """People wanted by reason, most first: a person wanted for two reasons counts under both,
    and 'Suspect circulated: burglary' counts as 'Suspect circulated'."""
    counts: dict[str, int] = {}
    for text in reasons.fillna("(no reason recorded)"):
        for reason in {part.split(":")[0].strip() for part in str(text).split("; ")}:
            counts[reason] = counts.get(reason, 0) + 1
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _order_within(row: WardRow) -> tuple:
    """Within a tier: the strongest evidence of a rise first, then the most newly wanted, then
    the busiest ward (crimes in the period)."""
    rises = [f.p for f in row.figures if f.significance == stats.RISE and f.p is not None]
    crimes = next((f.count for f in row.figures if f.measure == "crimes"), None) or 0
    return (min(rises) if rises else 1.0, -(row.wanted_new or 0), -crimes, row.ward_name)


# --- what an area asks for -------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The documents an area asks for: a briefing per ward, and a breakdown per district when
    the area is a district or the force."""

    wards: tuple[tuple[str, str, str], ...]  # (ward_code, ward_name, district)
    districts: tuple[str, ...]


def plan(reader: Reader, area: str) -> Plan:
    """Raises Refused for an area that is unknown or holds none of the reader's wards."""
    scope = reader.scope(area)
    wards = reader.wards()
    chosen = wards[wards["ward_code"].isin(scope.wards)].sort_values(["district", "ward_name"])
    is_ward = area in set(wards["ward_code"])
    districts = () if is_ward else tuple(sorted(chosen["district"].unique()))
    return Plan(tuple(zip(chosen["ward_code"], chosen["ward_name"], chosen["district"])), districts)
