"""The register of problem-solving plans (SARA: scanning, analysis, response, assessment).

A plan names its targets (people, places or wards), the ward and district it belongs to, its
owner and partners, the four SARA texts, the date the response started and a status. Plans
live here, in the state database, never in the snapshot, so a data refresh cannot touch them.

Every change is kept: ``plan_changes`` holds one row per create, edit, close and reopen (who,
when, which fields from what to what), and the database refuses to update or delete those rows
or to delete a plan. A plan is never deleted, only closed.

This module checks what it can without the data: a title, a known kind and status, targets
that are short printable references, a response date that is a date and not in the future.
Whether a target exists in the data, and whether a user may see or edit a plan, is decided by
``demand.plans`` through the read gate, which then calls this register. Invalid input raises
PlanError naming the field, and writes nothing.

Two people editing the same plan at once: each edit names the version it started from
(``expected_version``); the second is refused with PlanConflict rather than silently
overwriting the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import Engine, Integer, String, Text, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from demand.errors import UsageError
from demand.state.audit import now_utc
from demand.state.models import Base

# The kinds of plan and what their targets are.
KINDS = {
    "victim": "person",
    "offender": "person",
    "caller": "person",
    "missing": "person",
    "location": "location",
    "area": "ward",
}
KIND_WORDS = {"victim": "repeat victim", "offender": "repeat offender", "caller": "repeat caller",
              "missing": "repeat missing person", "location": "repeat location", "area": "area"}
OPEN, UNDER_ASSESSMENT, CLOSED = "open", "under assessment", "closed"
STATUSES = (OPEN, UNDER_ASSESSMENT, CLOSED)
SARA = ("scanning", "analysis", "response", "assessment")
MAX_TARGETS = 200  # references per plan (the largest cohorts forces report are tens of people)
MAX_CATEGORIES = 30
LONGEST_REFERENCE = 64
LONGEST_TITLE = 200
LONGEST_TEXT = 20_000  # each SARA text and the partners
DEFAULT_BUFFER_M = 200  # near-repeat demand around a place lies within about 200 m
BUFFER_RANGE_M = (10, 2000)
# The fields a person may set; everything else (id, dates, who, version) the register keeps.
EDITABLE = ("title", "kind", "targets", "categories", "ward_code", "district", "owner", "partners",
            *SARA, "response_date", "status", "control_area", "buffer_m", "buffer_wards")


class PlanError(UsageError):
    """Input a plan cannot take; the message names the field. Nothing was written."""


class PlanNotFound(PlanError):
    """No plan with that number (or none the user may see: the same words either way)."""


class PlanConflict(PlanError):
    """Someone else changed the plan after this edit began; nothing was written."""


# --- tables -------------------------------------------------------------------------------------


class PlanRecord(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(LONGEST_TITLE))
    kind: Mapped[str] = mapped_column(String(16))
    targets: Mapped[str] = mapped_column(Text)  # JSON list of references
    categories: Mapped[str] = mapped_column(Text)  # JSON list: crime categories / call types ([] = all)
    ward_code: Mapped[str] = mapped_column(String(16), index=True)
    district: Mapped[str] = mapped_column(String(128))
    owner: Mapped[str] = mapped_column(String(320))
    partners: Mapped[str] = mapped_column(Text)
    scanning: Mapped[str] = mapped_column(Text)
    analysis: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(Text)
    assessment: Mapped[str] = mapped_column(Text)
    response_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date
    status: Mapped[str] = mapped_column(String(24), index=True)
    control_area: Mapped[str] = mapped_column(String(128))  # '' = the rest of the plan's district
    buffer_m: Mapped[int] = mapped_column(Integer)
    buffer_wards: Mapped[str] = mapped_column(Text)  # JSON list ([] = the neighbouring wards)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[str] = mapped_column(String(32), index=True)
    updated_by: Mapped[str] = mapped_column(String(320))
    closed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    version: Mapped[int] = mapped_column(Integer)


class PlanChangeRecord(Base):
    """One change of one plan. Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)  # the plan's version after this change
    at: Mapped[str] = mapped_column(String(32))
    user_email: Mapped[str] = mapped_column(String(320))
    user_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))  # created, updated, closed, reopened
    changes: Mapped[str] = mapped_column(Text)  # JSON {field: [before, after]}


# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    id: int
    title: str
    kind: str
    targets: tuple[str, ...]
    categories: tuple[str, ...]
    ward_code: str
    district: str
    owner: str
    partners: str
    scanning: str
    analysis: str
    response: str
    assessment: str
    response_date: date | None
    status: str
    control_area: str
    buffer_m: int
    buffer_wards: tuple[str, ...]
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    closed_at: str | None
    version: int

    @property
    def target_kind(self) -> str:
        """'person', 'location' or 'ward'."""
        return KINDS[self.kind]

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(targets=list(self.targets), categories=list(self.categories),
                   buffer_wards=list(self.buffer_wards),
                   response_date=self.response_date.isoformat() if self.response_date else None)
        return out


@dataclass(frozen=True)
class Editor:
    """Who is writing: recorded on every change."""

    email: str
    role: str


def _plan(row: Mapping) -> Plan:
    values = dict(row)
    for key in ("targets", "categories", "buffer_wards"):
        values[key] = tuple(json.loads(values[key] or "[]"))
    values["response_date"] = date.fromisoformat(values["response_date"]) if values["response_date"] else None
    return Plan(**values)


# --- checks (pure: no data, no database) ---------------------------------------------------------


def _text(name: str, value, longest: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PlanError(f"{name}: expected text, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        words = name.replace("_", " ")
        raise PlanError(f"{name}: a plan needs {'an' if words[0] in 'aeiou' else 'a'} {words}")
    if len(value) > longest:
        raise PlanError(f"{name}: at most {longest:,} characters (this has {len(value):,})")
    if "\x00" in value:
        raise PlanError(f"{name}: holds a control character")
    return value


def _references(name: str, values, most: int, required: bool = False) -> tuple[str, ...]:
    if values is None:
        values = ()
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split()]
    cleaned: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise PlanError(f"{name}: each reference is text, not {type(value).__name__}")
        value = value.strip()
        if not value:
            continue
        if len(value) > LONGEST_REFERENCE or not value.isprintable():
            raise PlanError(f"{name}: '{value[:40]}' is not a reference (at most {LONGEST_REFERENCE} "
                            "printable characters)")
        if value not in cleaned:
            cleaned.append(value)
    if required and not cleaned:
        raise PlanError(f"{name}: a plan needs at least one target")
    if len(cleaned) > most:
        raise PlanError(f"{name}: at most {most} (this has {len(cleaned)}); split the problem into plans")
    return tuple(cleaned)


def _words(name: str, values, most: int) -> tuple[str, ...]:
    """Category names may hold spaces: a list, or text separated by ';' or new lines."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [v for part in values.split("\n") for v in part.split(";")]
    cleaned = tuple(dict.fromkeys(_text(name, v, 100) for v in values if str(v).strip()))
    if len(cleaned) > most:
        raise PlanError(f"{name}: at most {most} (this has {len(cleaned)})")
    return cleaned


def _response_date(value, today: date) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise PlanError(f"response_date: '{value[:40]}' is not a date (YYYY-MM-DD)") from None
    if not isinstance(value, date):
        raise PlanError(f"response_date: expected a date, not {type(value).__name__}")
    if value > today:
        raise PlanError(f"response_date: {value:%d %B %Y} is in the future (today is {today:%d %B %Y}); "
                        "give the date the response actually started")
    return value.isoformat()


def check(values: Mapping, today: date) -> dict:
    """The columns of a plan from what a person gave, or PlanError naming the first bad field.
    ``values`` holds every editable field (missing ones read as empty)."""
    kind = values.get("kind")
    if kind not in KINDS:
        raise PlanError(f"kind: '{str(kind)[:40]}' is not a kind of plan; choose one of {', '.join(KINDS)}")
    status = values.get("status") or OPEN
    if status not in STATUSES:
        raise PlanError(f"status: '{str(status)[:40]}' is not one of {', '.join(STATUSES)}")
    buffer_m = values.get("buffer_m")
    buffer_m = DEFAULT_BUFFER_M if buffer_m in (None, "") else buffer_m
    try:
        buffer_m = int(buffer_m)
    except (TypeError, ValueError):
        raise PlanError(f"buffer_m: '{str(buffer_m)[:20]}' is not a whole number of metres") from None
    if not BUFFER_RANGE_M[0] <= buffer_m <= BUFFER_RANGE_M[1]:
        raise PlanError(f"buffer_m: the buffer must be {BUFFER_RANGE_M[0]} to {BUFFER_RANGE_M[1]} metres, "
                        f"not {buffer_m}")
    checked = {
        "title": _text("title", values.get("title"), LONGEST_TITLE, required=True),
        "kind": kind,
        "targets": _references("targets", values.get("targets"), MAX_TARGETS, required=True),
        "categories": _words("categories", values.get("categories"), MAX_CATEGORIES),
        "ward_code": _text("ward_code", values.get("ward_code"), LONGEST_REFERENCE, required=True),
        "district": _text("district", values.get("district"), 128),
        "owner": _text("owner", values.get("owner"), 320, required=True),
        "partners": _text("partners", values.get("partners"), LONGEST_TEXT),
        **{name: _text(name, values.get(name), LONGEST_TEXT) for name in SARA},
        "response_date": _response_date(values.get("response_date"), today),
        "status": status,
        "control_area": _text("control_area", values.get("control_area"), 128),
        "buffer_m": buffer_m,
        "buffer_wards": _references("buffer_wards", values.get("buffer_wards"), 50),
    }
    return checked


def _stored(checked: dict) -> dict:
    out = dict(checked)
    for key in ("targets", "categories", "buffer_wards"):
        out[key] = json.dumps(list(checked[key]))
    return out


def _shown(value):
    """A value as the history keeps it: lists as lists, everything else as text or None."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- the register --------------------------------------------------------------------------------


class PlanRegister:
    def __init__(self, engine: Engine):
        self.engine = engine

    def create(self, values: Mapping, editor: Editor, today: date) -> Plan:
        """Add a plan (status open unless given); returns it with its number."""
        checked = check(values, today)
        if checked["status"] == CLOSED:
            raise PlanError("status: a new plan cannot start closed")
        at = now_utc()
        row = {**_stored(checked), "created_at": at, "created_by": editor.email.lower(), "updated_at": at,
               "updated_by": editor.email.lower(), "closed_at": None, "version": 1}
        with self.engine.begin() as conn:
            plan_id = int(conn.execute(insert(PlanRecord.__table__).values(**row)).inserted_primary_key[0])
            self._record(conn, plan_id, 1, at, editor, "created",
                         {k: [None, _shown(v)] for k, v in checked.items() if v not in ("", (), None)})
        return self.get(plan_id)

    def get(self, plan_id: int) -> Plan:
        with self.engine.connect() as conn:
            row = conn.execute(select(*PlanRecord.__table__.columns)
                               .where(PlanRecord.id == self._number(plan_id))).mappings().first()
        if row is None:
            raise PlanNotFound(f"there is no plan {plan_id}")
        return _plan(row)

    def list(self, status: str | None = None, wards: Iterable[str] | None = None,
             ward: str | None = None) -> list[Plan]:
        """Plans newest first; ``wards`` (None: all) limits them to plans of those wards,
        ``ward`` to one ward, ``status`` to one status."""
        table = PlanRecord.__table__
        query = select(*table.columns).order_by(table.c.id.desc())
        if status is not None:
            if status not in STATUSES:
                raise PlanError(f"status: '{str(status)[:40]}' is not one of {', '.join(STATUSES)}")
            query = query.where(table.c.status == status)
        if wards is not None:
            query = query.where(table.c.ward_code.in_(sorted(set(wards))))
        if ward:
            query = query.where(table.c.ward_code == ward)
        with self.engine.connect() as conn:
            return [_plan(row) for row in conn.execute(query).mappings()]

    def update(self, plan_id: int, changes: Mapping, editor: Editor, today: date,
               expected_version: int | None = None) -> Plan:
        """Change some fields. Only fields that change are recorded; nothing changed, nothing
        written. A closed plan must be reopened first. ``expected_version``: the version the
        edit started from (PlanConflict when someone changed the plan since)."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise PlanError(f"{', '.join(sorted(unknown))}: not a field of a plan that can be edited")
        if changes.get("status") == CLOSED:
            raise PlanError("status: close a plan with close(), which records its final assessment")
        return self._write(plan_id, changes, editor, today, expected_version, action="updated")

    def close(self, plan_id: int, editor: Editor, today: date, assessment: str | None = None,
              expected_version: int | None = None) -> Plan:
        """Close a plan, with its final assessment text if given. Never deleted: still listed,
        shown and assessed."""
        changes = {"status": CLOSED}
        if assessment is not None:
            changes["assessment"] = assessment
        return self._write(plan_id, changes, editor, today, expected_version, action="closed")

    def reopen(self, plan_id: int, editor: Editor, today: date, expected_version: int | None = None) -> Plan:
        return self._write(plan_id, {"status": OPEN}, editor, today, expected_version, action="reopened")

    def history(self, plan_id: int) -> list[dict]:
        """Every change of the plan, oldest first: version, at, user_email, user_role, action
        and changes ({field: [before, after]})."""
        table = PlanChangeRecord.__table__
        with self.engine.connect() as conn:
            rows = conn.execute(select(*table.columns).where(table.c.plan_id == self._number(plan_id))
                                .order_by(table.c.id)).mappings()
            return [{**dict(row), "changes": json.loads(row["changes"])} for row in rows]

    # --- inside ---------------------------------------------------------------------------------

    @staticmethod
    def _number(plan_id) -> int:
        try:
            number = int(plan_id)
        except (TypeError, ValueError):
            raise PlanNotFound(f"'{str(plan_id)[:20]}' is not a plan number") from None
        if number < 1 or str(plan_id).strip() not in (str(number), f"{number}.0"):
            raise PlanNotFound(f"'{str(plan_id)[:20]}' is not a plan number")
        return number

    def _write(self, plan_id, changes: Mapping, editor: Editor, today: date, expected_version: int | None,
               action: str) -> Plan:
        number = self._number(plan_id)
        table = PlanRecord.__table__
        with self.engine.begin() as conn:
            # Lock the row (SQLite holds the write lock from BEGIN IMMEDIATE already).
            row = conn.execute(select(*table.columns).where(table.c.id == number).with_for_update()).mappings().first()
            if row is None:
                raise PlanNotFound(f"there is no plan {plan_id}")
            current = _plan(row)
            if expected_version is not None and current.version != int(expected_version):
                raise PlanConflict(
                    f"plan {number} was changed by {current.updated_by} at {current.updated_at[:16].replace('T', ' ')} "
                    "UTC after you opened it; reload it and make your change again"
                )
            if current.status == CLOSED and action not in ("reopened",):
                raise PlanError(f"plan {number} is closed; reopen it to change it")
            if action == "reopened" and current.status != CLOSED:
                raise PlanError(f"plan {number} is not closed")
            merged = {**{k: getattr(current, k) for k in EDITABLE}, **dict(changes)}
            checked = check(merged, today)
            before = {k: _shown(getattr(current, k)) for k in EDITABLE}
            after = {k: _shown(v) for k, v in checked.items()}
            differing = {k: [before[k], after[k]] for k in EDITABLE if before[k] != after[k]}
            if not differing:
                return current
            at = now_utc()
            version = current.version + 1
            conn.execute(update(table).where(table.c.id == number).values(
                **_stored(checked), updated_at=at, updated_by=editor.email.lower(), version=version,
                closed_at=at if checked["status"] == CLOSED else None))
            self._record(conn, number, version, at, editor, action, differing)
        return self.get(number)

    @staticmethod
    def _record(conn, plan_id: int, version: int, at: str, editor: Editor, action: str, changes: dict) -> None:
        conn.execute(insert(PlanChangeRecord.__table__).values(
            plan_id=plan_id, version=version, at=at, user_email=editor.email.lower(), user_role=editor.role,
            action=action, changes=json.dumps(changes, sort_keys=True, default=str)))
