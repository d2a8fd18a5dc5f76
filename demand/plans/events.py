"""The analyses behind a problem-solving plan: the events of its targets, of the buffer around
them and of its control, and which of its targets the data still holds.

Like ``demand.analytics``, each function takes the Store and the Scope the read gate
(``demand.reader``) resolved and is registered in ``demand.reader.ANALYSES``; the assessment
(``demand.plans.assess``) reaches them only through the gate. Counts are of distinct events,
leave out events dated in a month their source lacks, and come as tallies (see ``Tally``), so a
district's year of calls arrives as a few hundred rows, not a hundred thousand.

Who counts as what, by kind of plan:

* **people** (victim, offender, caller, missing): the targets' events in their role (crimes as
  victim; crimes as suspect or offender; calls made; missing episodes). The control is the
  people like them in the control area: everyone else with at least as many such events in
  the period before the response as the least active target (and at least 2), so that the
  fall every group picked for its high count shows afterwards (regression to the mean) is
  not credited to the plan. People have no buffer.
* **places** (location): the events at the target places; the buffer is every other place
  within the plan's distance (default 200 m); the control is the rest of the control area
  (by default the plan's district) outside both.
* **wards** (area): the events in the target wards (of the plan's categories); the buffer is
  the neighbouring wards the assessment names; the control is the rest of the control area
  outside both.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from demand import areas
from demand.errors import UsageError
from demand.store import Scope, Store

# A plan's kind -> the role group its targets' events are counted in (queries/plan_people_events.sql).
ROLE_GROUPS = {"victim": "victim", "offender": "offender", "caller": "caller", "missing": "missing"}
PERSON_KINDS = frozenset(ROLE_GROUPS)
PLACE_KINDS = frozenset({"location"})
WARD_KINDS = frozenset({"area"})
KINDS = PERSON_KINDS | PLACE_KINDS | WARD_KINDS
TARGET_KINDS = ("person", "location", "ward")
TALLY_COLUMNS = ["period", "month", "source", "what", "detail", "count"]
MIN_REPEAT = 2  # a repeat person has at least two events


def _timestamp(day: date | datetime) -> datetime:
    return day if isinstance(day, datetime) else datetime.combine(day, datetime.min.time())


def _tally(frame: pd.DataFrame) -> pd.DataFrame:
    """The period and month tallies of a plan query, counts as integers."""
    frame = frame[frame["count"].notna()].copy()
    frame["count"] = frame["count"].astype("int64")
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame[TALLY_COLUMNS].reset_index(drop=True)


def _control_scope(store: Store, scope: Scope, control_area: str | None) -> Scope:
    """The control area, within the wards the gate resolved for this user."""
    if control_area is None or not str(control_area).strip():
        return scope
    table = areas.wards(store)
    try:
        mine = areas.resolve_in(table, control_area, None if scope.include_unwarded else scope.wards)
    except areas.AreaError as error:
        raise UsageError(f"control area: {error}") from None
    whole = areas.resolve_in(table, control_area)
    if set(mine.wards) != set(whole.wards) and mine.label == whole.label:
        # the gate narrowed the area to the user's wards: say so rather than name the whole area
        return Scope(mine.wards, mine.include_unwarded, f"your wards in {mine.label}")
    return mine


def _windows(start: date, split: date, end: date, months_start: date, months_end: date) -> dict:
    if not start <= split <= end or not months_start <= months_end:
        raise UsageError("the periods of a plan's assessment must run before the response date, then after it")
    return {"start": _timestamp(start), "split": _timestamp(split), "end": _timestamp(end),
            "months_start": _timestamp(months_start), "months_end": _timestamp(months_end)}


def plan_counts(store: Store, scope: Scope, kind: str, targets: list[str] | tuple[str, ...], start: date,
                split: date, end: date, months_start: date, months_end: date,
                categories: list[str] | tuple[str, ...] = (), radius_m: float = 200.0,
                buffer_wards: list[str] | tuple[str, ...] = (), control_area: str | None = None) -> dict:
    """The events of one plan's targets, buffer and control in the periods before
    [start, split) and after [split, end), and per calendar month in [months_start, months_end).

    Returns a dict: ``target``, ``buffer`` and ``control`` tallies (DataFrames of TALLY_COLUMNS;
    rows with a period count the period by source, what and detail; rows with a month count
    the month by source; ``buffer`` is None for people), ``found`` (the targets with an event in
    the periods, in the area), ``buffer_places`` (places in a location plan's buffer),
    ``control_people`` and ``control_min_count`` (a person plan's control group and the events
    each had before), ``control_label`` (the control area's name) and, for people,
    ``other_roles`` ({role group: [before, after]}: the targets' events in other roles, not
    counted in this plan)."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind of plan '{areas.shown(kind)}': choose one of {', '.join(sorted(KINDS))}")
    targets = [str(t) for t in targets]
    if not targets:
        raise UsageError("a plan needs at least one target")
    window = _windows(start, split, end, months_start, months_end)
    shared = {"categories": list(categories), **window}
    control_scope = _control_scope(store, scope, control_area)
    result: dict = {"buffer": None, "buffer_places": None, "control_people": None, "control_min_count": None,
                    "other_roles": {}, "control_label": control_scope.label or "the area"}

    if kind in PERSON_KINDS:
        role = ROLE_GROUPS[kind]

        def people(ids, min_count, within, role_group=role):
            return store._query("plan_people_events", within, ids=ids, role_group=role_group, min_count=min_count,
                                **shared)

        mine = people(targets, None, scope)
        persons = mine[mine["person_id"].notna()]
        tallied = mine[mine["person_id"].isna()]
        result["target"] = _tally(tallied)
        before_counts = persons.set_index("person_id")["count"]
        min_count = max(MIN_REPEAT, int(before_counts.min())) if len(before_counts) else MIN_REPEAT
        control = people(targets, min_count, control_scope)
        result["control"] = _tally(control[control["person_id"].isna()])
        result["control_people"] = int(control["person_id"].notna().sum())
        result["control_min_count"] = min_count
        for other in sorted(set(ROLE_GROUPS.values()) - {role}):
            theirs = people(targets, None, scope, other)
            by_period = theirs[theirs["person_id"].isna() & theirs["period"].notna()].groupby("period")["count"].sum()
            if by_period.sum():
                result["other_roles"][other] = [int(by_period.get("before", 0)), int(by_period.get("after", 0))]
        result["found"] = sorted(set(targets) & set(_known(store, scope, "person", targets)))
    elif kind in PLACE_KINDS:
        def ring(name, within):
            return store._query("plan_place_events", within, ids=targets, ring=name, radius_m=float(radius_m),
                                **shared)

        target = ring("target", scope)
        result["target"] = _tally(target)
        buffer = ring("buffer", scope)
        result["buffer"] = _tally(buffer)
        result["buffer_places"] = int(buffer["places"].iloc[0])
        result["control"] = _tally(ring("outside", control_scope))
        result["found"] = sorted(set(targets) & set(_known(store, scope, "location", targets)))
    else:
        def wards(include, exclude, within):
            return store._query("plan_ward_events", within, include=list(include), exclude=list(exclude), **shared)

        result["target"] = _tally(wards(targets, [], scope))
        neighbours = [w for w in buffer_wards if w not in targets]
        result["buffer"] = _tally(wards(neighbours, [], scope)) if neighbours else None
        result["control"] = _tally(wards([], [*targets, *neighbours], control_scope))
        result["found"] = sorted(set(targets) & set(scope.wards))
    return result


def _known(store: Store, scope: Scope, target_kind: str, ids: list[str]) -> list[str]:
    return store._query("plan_targets_known", scope, ids=list(ids), target_kind=target_kind)["id"].tolist()


def plan_targets_known(store: Store, scope: Scope, target_kind: str, ids: list[str] | tuple[str, ...]) -> list[str]:
    """The references among ``ids`` the data holds in the area: a person with an event there,
    a place in its wards or with an event there, a ward of it (``target_kind`` 'person',
    'location' or 'ward'). References outside the area read as unknown, as elsewhere."""
    if target_kind not in TARGET_KINDS:
        raise UsageError(f"unknown kind of target '{areas.shown(target_kind)}': one of {', '.join(TARGET_KINDS)}")
    return _known(store, scope, target_kind, [str(i) for i in ids])
