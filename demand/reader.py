"""The one read gate. Every read of the data, from pages, the command line, exports and
whatever comes later, goes through ``Reader.call``:

    reader = Reader(store, user, audit, page="ward")
    top = reader.call("rank", area="E05010457", kind="victims", window="90d", limit=5)

For each call the gate

1. refuses an unknown analysis, and any parameter the analysis does not take, that names the
   scope (``scope``, ``wards``, ``include_unwarded``), or whose value is not a plain short
   value;
2. refuses person-level analyses to a role that may not see persons (the viewer);
3. resolves the wards: the area asked for, intersected with the user's wards; events with no
   ward only for a force-wide user asking for the force;
4. runs the analysis with that Scope bound to every query (through ``run``, which may cache:
   its key includes the resolved wards, never the area's name);
5. for person-level results, appends one audit record (user, time, page, area, wards, window,
   the ids shown, purpose) *before* returning, so a cached result is audited too, and shows
   nothing if the record cannot be written (fail closed).

The analyses are the functions of ``demand.analytics``, ``demand.records`` and the modules named
for their topic (``demand.streets``, ``demand.impact``, ``demand.asb``, ``demand.search``,
``demand.repeat_counts``, ``demand.powers``, ``demand.wanted``); this module's ANALYSES table says
which are person-level and which ids they show.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd

from demand import analytics, areas, asb, impact, powers, records, repeat_counts, search, streets, wanted
from demand.access import User
from demand.disclosure import data as public_data
from demand.errors import UsageError
from demand.plans import events as plan_events
from demand.state import AuditLog, AuditWriteError, Entry
from demand.store import SCOPE_PARAMS, Scope, Store

LONGEST_VALUE = 200  # characters of any one parameter value
LONGEST_LIST = 50  # items of a list parameter
LONGEST_PURPOSE = 200
PLAN_TARGETS = 200  # the most targets a plan names (demand.state.plans.MAX_TARGETS)


class Refused(UsageError):
    """A request the gate will not serve; the message is safe to show the user."""


class NotPermitted(Refused):
    """The user's role does not allow this read."""


class AuditUnavailable(Refused):
    """The audit record could not be written, so the personal data is not shown."""


def _ids(values: pd.Series) -> list[str]:
    """A column's ids as text, for the audit record (a whole column at once: a busy person's
    timeline names 8,000 events, and a loop over them cost about 5 ms a read)."""
    return values.dropna().astype(str).tolist()


def _column(name: str) -> Callable[[Any], list[str]]:
    return lambda frame: _ids(frame[name])


def _profile_ids(result: dict) -> list[str]:
    """The profile's own reference, its events and the people linked to them (named on it)."""
    linked = result.get("people")
    people = [] if linked is None else linked["person_id"].astype(str).tolist()
    return [str(result["id"]), *_ids(result["timeline"]["event_id"]), *people]


@dataclass(frozen=True)
class Analysis:
    function: Callable
    scoped: bool = True  # takes the Scope (every analysis over events or persons does)
    personal: bool = False  # person-level: audited, and only for roles that see persons
    detail: bool = False  # row-level but not about a person (map points): not for viewers
    ids: Callable[[Any], list[str]] | None = None  # the ids a personal result shows
    needs_purpose: bool = False  # a profile asks why it is being opened
    longest_list: int = LONGEST_LIST  # items of a list parameter (a plan names up to 200 targets)


ANALYSES: dict[str, Analysis] = {
    # aggregates: counts and rates, for every role
    "headline": Analysis(analytics.headline),
    "headline_wards": Analysis(analytics.headline_wards),
    "compare": Analysis(analytics.compare),
    "compare_matrix": Analysis(analytics.compare_matrix),
    "concentration": Analysis(analytics.concentration),
    "weekly_trend": Analysis(analytics.weekly_trend),
    "monthly_trend": Analysis(analytics.monthly_trend),
    "data_quality": Analysis(analytics.data_quality),
    "table_info": Analysis(analytics.table_info),
    # the counts a public summary is built from (demand.disclosure protects them before export)
    "export_counts": Analysis(public_data.export_counts),
    "export_totals": Analysis(public_data.export_totals),
    "street_points": Analysis(public_data.street_points),
    # counts for the briefings (issue 15)
    "repeat_counts": Analysis(repeat_counts.repeat_counts),
    "power_counts": Analysis(powers.power_counts),
    "wanted_counts": Analysis(wanted.wanted_counts),
    # facts about the snapshot, the same for everyone
    "data_range": Analysis(analytics.data_range, scoped=False),
    "snapshot_meta": Analysis(records.snapshot_meta, scoped=False),
    "coverage_gaps": Analysis(records.coverage_gaps, scoped=False),
    "missing_months": Analysis(analytics.missing_months, scoped=False),
    "held_tables": Analysis(records.held_tables, scoped=False),
    # event points on a map: no person, but not public-friendly
    "map_points": Analysis(records.map_points, detail=True),
    # person-level: names, addresses, references
    "rank": Analysis(analytics.rank, personal=True, ids=_column("id")),
    "rank_page": Analysis(analytics.rank_page, personal=True, ids=_column("id")),
    # who was on a list, ids and counts only (a briefing's "new since the previous briefing")
    "rank_ids": Analysis(analytics.rank_ids, personal=True, ids=_column("id")),
    "recent_events": Analysis(analytics.recent_events, personal=True, ids=_column("event_id")),
    "window_records": Analysis(records.window_records, personal=True, ids=_column("event_id")),
    "location_neighbours": Analysis(analytics.location_neighbours, personal=True, ids=_column("location_id")),
    "timeline": Analysis(analytics.timeline, personal=True, ids=_column("event_id")),
    "profile": Analysis(records.profile, personal=True, ids=_profile_ids, needs_purpose=True),
    # Hampshire's reports (issue 14): crimes by street, impact, ASB victims and places, search
    "crimes_by_area": Analysis(streets.by_area),
    "harm_by": Analysis(impact.harm_by),
    "crimes_by_street": Analysis(streets.by_street, detail=True),
    "asb_reporters": Analysis(asb.reporters, personal=True, ids=_column("id")),
    "asb_locations": Analysis(asb.locations, personal=True, ids=_column("id")),
    "find_people": Analysis(search.people, personal=True, ids=_column("person_id")),
    "find_places": Analysis(search.places, personal=True, ids=_column("location_id")),
    "find_streets": Analysis(search.streets, detail=True),
    # a problem-solving plan's targets, buffer and control (counts of named people and places)
    "plan_counts": Analysis(plan_events.plan_counts, personal=True, ids=lambda result: result["found"],
                            longest_list=PLAN_TARGETS),
    "plan_targets_known": Analysis(plan_events.plan_targets_known, personal=True, ids=list,
                                   longest_list=PLAN_TARGETS * 10),
    "powers_used": Analysis(powers.powers_used, personal=True, ids=powers.power_ids),
    "wanted_list": Analysis(wanted.wanted_list, personal=True, ids=_column("person_id")),
}

Runner = Callable[[str, Scope | None, dict], Any]
T = TypeVar("T")


def _parameters(name: str) -> frozenset[str]:
    signature = inspect.signature(ANALYSES[name].function)
    return frozenset(signature.parameters) - {"store", "scope"}


def _check_value(name: str, value: object, longest_list: int = LONGEST_LIST) -> None:
    plain = (str, int, float, bool, date, datetime, type(None))
    if isinstance(value, (list, tuple)):
        if len(value) > longest_list or not all(isinstance(v, str) for v in value):
            raise Refused(f"parameter '{name}' must be a short list of words")
        for item in value:
            _check_value(name, item)
        return
    if not isinstance(value, plain):
        raise Refused(f"parameter '{name}' has a value of an unusable kind ({type(value).__name__})")
    if isinstance(value, str) and (len(value) > LONGEST_VALUE or not value.isprintable()):
        raise Refused(f"parameter '{name}' is too long or holds control characters ({areas.shown(value)})")


def wards_text(scope: Scope) -> str:
    return "force" if scope.include_unwarded else ",".join(scope.wards)


# Reads a document runs at once (Reader.concurrently): the machine the app is sized for has two
# cores, and DuckDB works outside the GIL. Measured on a force-scale ward briefing: 260-275 ms
# one read at a time, 187-194 ms two at a time, no faster with three.
READS_AT_ONCE = 2


class Reader:
    """Reads for one user. ``audit`` is the state database's audit log (None: person-level
    reads are refused, as when it cannot be written). ``page`` names the page or command in
    the audit record. ``run(name, scope, kwargs)`` computes an analysis; give a caching one
    to share results between users with the same resolved wards. ``thread_setup``, when
    given, is called first in each thread ``concurrently`` starts (the app gives those
    threads its page run's context, so its cache serves them as it serves the page)."""

    def __init__(self, store: Store, user: User, audit: AuditLog | None, page: str = "",
                 run: Runner | None = None, thread_setup: Callable[[], None] | None = None):
        self.store = store
        self.user = user
        self.audit = audit
        self.page = page
        self._run = run or self._compute
        self._thread_setup = thread_setup
        self._pending: list[Entry] | None = None  # audit records held by together(), in order

    def _compute(self, name: str, scope: Scope | None, kwargs: dict) -> Any:
        function = ANALYSES[name].function
        return function(self.store, scope, **kwargs) if scope is not None else function(self.store, **kwargs)

    # --- the user's area -----------------------------------------------------------------

    def all_wards(self) -> pd.DataFrame:
        return areas.wards(self.store)

    def wards(self) -> pd.DataFrame:
        """The wards this user may read (all of them for a force-wide user)."""
        table = self.all_wards()
        if self.user.wards is None:
            return table
        return table[table["ward_code"].isin(self.user.wards)].reset_index(drop=True)

    def scope(self, area: str | None) -> Scope:
        """The Scope of ``area`` for this user; Refused when it holds none of their wards."""
        try:  # worked out once per snapshot, area and set of wards (Store.memo)
            return self.store.memo(("scope", area if isinstance(area, str) else repr(area), self.user.wards),
                                   lambda: areas.resolve_in(self.all_wards(), area, self.user.wards))
        except areas.AreaError as error:
            raise Refused(str(error)) from None

    # --- the gate --------------------------------------------------------------------------

    def check(self, analysis: str, kwargs: dict) -> Analysis:
        """The request's checks, without reading: the analysis, the parameters, the role."""
        if not isinstance(analysis, str) or analysis not in ANALYSES:
            raise Refused(f"unknown analysis '{areas.shown(analysis)}'")
        spec = ANALYSES[analysis]
        overriding = (SCOPE_PARAMS | {"scope", "store"}) & kwargs.keys()
        if overriding:
            raise Refused(f"{', '.join(sorted(overriding))} cannot be given: the area decides the wards read")
        unknown = kwargs.keys() - _parameters(analysis)
        if unknown:
            raise Refused(f"{analysis} takes no parameter {', '.join(sorted(areas.shown(k) for k in unknown))}")
        for name, value in kwargs.items():
            _check_value(name, value, spec.longest_list)
        if (spec.personal or spec.detail) and not self.user.sees_persons:
            raise NotPermitted(
                f"your role ({self.user.permissions.title.lower()}) shows counts only, not person-level records"
            )
        return spec

    def call(self, analysis: str, area: str | None = None, *, purpose: str | None = None, **kwargs) -> Any:
        """Run ``analysis`` for ``area`` (a ward code, district or 'force'; None = 'force')
        within the user's wards. Raises Refused (a UsageError) with a message to show."""
        spec = self.check(analysis, kwargs)
        if spec.needs_purpose and not (purpose and purpose.strip()):
            raise Refused(f"say why you are opening this {analysis} (the purpose is recorded)")
        if purpose is not None:
            _check_value("purpose", purpose)
        scope = self.scope(area) if spec.scoped else None
        result = self._run(analysis, scope, dict(kwargs))
        if spec.personal:
            self._audit(analysis, area, scope, kwargs, spec.ids(result) if spec.ids else [], purpose)
        return result

    def record_disclosure(self, action: str, area: str | None, ids: list[str], **details) -> None:
        """Audit personal data leaving the screen, such as the download of a table already read
        through ``call``: one record naming ``action`` and the ids. Raises AuditUnavailable
        when it cannot be written: then hand nothing out."""
        if not self.user.sees_persons:
            raise NotPermitted("your role does not show person-level records")
        for name, value in details.items():
            _check_value(name, value)
        self._audit(action, area, self.scope(area), details, ids, None)

    def _audit(self, analysis: str, area: str | None, scope: Scope, kwargs: dict, ids: list[str],
               purpose: str | None) -> None:
        days = kwargs.get("days")
        window = kwargs.get("window", f"{days} days" if days is not None else "")
        entry = Entry(
            user_email=self.user.email,
            user_role=self.user.role,
            action=analysis,
            page=self.page,
            area=area or areas.FORCE,
            wards=wards_text(scope),
            window=str(window if window is not None else ""),
            params={k: v for k, v in kwargs.items() if k not in ("window", "days")},
            ids=tuple(ids),
            purpose=(purpose or "").strip(),
        )
        if self._pending is not None and self.audit is not None:
            self._pending.append(entry)
        else:
            self._write([entry])

    def _write(self, entries: list[Entry]) -> None:
        try:
            if self.audit is None:
                raise AuditWriteError("no audit log is open")
            if len(entries) == 1:
                self.audit.append(entries[0])
            else:
                self.audit.append_all(entries)
        except AuditWriteError as error:
            raise AuditUnavailable(
                f"Person-level data is not shown because the audit log could not be written ({error}). "
                "Every view of personal data must be recorded; tell your system administrator."
            ) from error

    def concurrently(self, *reads: Callable[[Reader], T]) -> list[T]:
        """Run each of ``reads`` with a reader of its own (the same store, user, audit log, page
        and runner), READS_AT_ONCE at a time, and return their results in the order given. For
        a document whose parts read independently and which shows nothing before it is whole.
        The reads' audit records are kept in the order of ``reads``, as if they had run one
        after another, and written as one (held for the outer block within together()), even
        when a read raises; then the first error in that order is raised."""
        branches = [Reader(self.store, self.user, self.audit, self.page, self._run, self._thread_setup)
                    for _ in reads]
        for branch in branches:
            branch._pending = []
        with ThreadPoolExecutor(READS_AT_ONCE, thread_name_prefix="demand-read",
                                initializer=self._thread_setup) as pool:
            futures = [pool.submit(read, branch) for read, branch in zip(reads, branches)]
            wait(futures)
        records = [entry for branch in branches for entry in branch._pending]
        if self._pending is not None:
            self._pending.extend(records)
        elif records:
            self._write(records)
        return [future.result() for future in futures]

    @contextmanager
    def together(self) -> Iterator[None]:
        """The audit records of the person-level reads made within this block, the same records
        in the same order, written in one transaction as it ends (a briefing reads ten lists: one
        commit, not ten, each a disk sync). For a caller that shows nothing it read until the
        block has ended, such as a document composed and then shown: if the write fails,
        AuditUnavailable is raised at the end and nothing is shown. The records are written
        even when the block raises, since its reads were made. Nested blocks write with the
        outermost."""
        if self._pending is not None:
            yield
            return
        self._pending = []
        try:
            yield
        finally:
            pending, self._pending = self._pending, None
            if pending:
                self._write(pending)
