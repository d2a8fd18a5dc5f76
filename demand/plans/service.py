"""Plans as a user works with them: the register (demand.state.plans) seen through the read gate.

Who may see and edit a plan follows the user's role and wards, as everything else does: a plan
belongs to one ward; an officer sees and edits the plans of their wards, an inspector those of
their district, an analyst all of them. A viewer sees none (plans name people and places).
A plan outside a user's wards reads as one that does not exist.

Before anything is written, a plan's targets are checked against the data through the gate
(``plan_targets_known``): a person, place or ward the user cannot find there is refused with a
message naming it, and nothing is written. Opening a plan that names people or places is a view
of personal data, and is audited like a profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from demand import areas, config
from demand.reader import NotPermitted, Reader
from demand.state.plans import (
    CLOSED,
    KINDS,
    Editor,
    Plan,
    PlanError,
    PlanNotFound,
    PlanRegister,
    check,
)

STALE_DAYS = 30  # a plan not updated for this long is flagged
TARGET_WORDS = {"person": "person", "location": "place", "ward": "ward"}


@dataclass(frozen=True)
class Review:
    """One plan in the monthly review, with what is wrong with it ('' flags: nothing)."""

    plan: Plan
    flags: tuple[str, ...]
    days_open: int
    days_since_update: int
    missing_targets: tuple[str, ...]


class PlanDesk:
    """The plans one user may see, through the read gate ``reader``."""

    def __init__(self, reader: Reader, register: PlanRegister, today: date | None = None):
        self.reader = reader
        self.register = register
        self.today = today or date.today()
        self.user = reader.user

    @property
    def editor(self) -> Editor:
        return Editor(self.user.email, self.user.role)

    def _require(self) -> None:
        if not self.user.sees_persons:
            raise NotPermitted(f"your role ({self.user.permissions.title.lower()}) shows counts only; "
                               "problem-solving plans name people and places")

    def _visible(self, plan: Plan) -> bool:
        return self.user.wards is None or plan.ward_code in self.user.wards

    # --- reading -----------------------------------------------------------------------------

    def list(self, status: str | None = None, ward: str | None = None) -> list[Plan]:
        self._require()
        return self.register.list(status=status, wards=self.user.wards, ward=ward or None)

    def get(self, plan_id, audit: bool = True) -> Plan:
        """A plan the user may see (PlanNotFound otherwise, with the same words). Opening a plan
        that names people or places writes an audit record first."""
        self._require()
        plan = self.register.get(plan_id)
        if not self._visible(plan):
            raise PlanNotFound(f"there is no plan {plan_id}")
        if audit and plan.target_kind != "ward":
            self.reader.record_disclosure("plan", plan.ward_code, list(plan.targets), plan=plan.id)
        return plan

    def history(self, plan_id) -> list[dict]:
        self.get(plan_id, audit=False)
        return self.register.history(plan_id)

    # --- writing -----------------------------------------------------------------------------

    def _ward_and_district(self, values: dict) -> None:
        """The plan's ward must be one the user may see; its district comes from the data."""
        code = str(values.get("ward_code") or "").strip()
        mine = self.reader.wards()
        row = mine[mine["ward_code"] == code]
        if row.empty:
            choices = ", ".join(mine["ward_code"].head(5))
            raise PlanError(f"ward_code: '{areas.shown(code)}' is not one of your wards "
                            f"({choices}{', ...' if len(mine) > 5 else ''})")
        values["ward_code"] = code
        values["district"] = str(row["district"].iloc[0])

    def _targets_exist(self, values: dict) -> None:
        kind = KINDS[values["kind"]]
        targets = list(values["targets"])
        known = set(self.reader.call("plan_targets_known", "force", target_kind=kind, ids=targets))
        unknown = [t for t in targets if t not in known]
        if unknown:
            shown = ", ".join(f"'{areas.shown(t)}'" for t in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            where = "the data you may see" if kind != "ward" else "your wards"
            raise PlanError(f"targets: no {TARGET_WORDS[kind]} {shown} in {where}; check the reference "
                            f"({len(unknown)} of {len(targets)} not found)")

    def _control_area(self, values: dict) -> None:
        area = str(values.get("control_area") or "").strip()
        if area:
            self.reader.scope(area)  # Refused, naming what would do, when the user may not read it
        values["control_area"] = area

    def create(self, values: Mapping) -> Plan:
        """A new plan from the user's values (owner: the user unless given). Checks everything,
        then writes once."""
        self._require()
        values = {**dict(values)}
        values.setdefault("owner", self.user.email)
        values["owner"] = values["owner"] or self.user.email
        checked = check(values, self.today)  # field by field, before reading any data
        self._ward_and_district(checked)
        self._control_area(checked)
        self._targets_exist(checked)
        return self.register.create(checked, self.editor, self.today)

    def update(self, plan_id, changes: Mapping, expected_version: int | None = None) -> Plan:
        plan = self.get(plan_id, audit=False)
        changes = dict(changes)
        merged = {**plan.to_dict(), **changes}
        checked = check(merged, self.today)
        if "ward_code" in changes:
            self._ward_and_district(checked)
            changes["ward_code"], changes["district"] = checked["ward_code"], checked["district"]
        if "control_area" in changes:
            self._control_area(checked)
        if "targets" in changes or "kind" in changes:
            self._targets_exist(checked)
        return self.register.update(plan.id, changes, self.editor, self.today, expected_version)

    def close(self, plan_id, assessment: str | None = None, expected_version: int | None = None) -> Plan:
        plan = self.get(plan_id, audit=False)
        return self.register.close(plan.id, self.editor, self.today, assessment, expected_version)

    def reopen(self, plan_id, expected_version: int | None = None) -> Plan:
        plan = self.get(plan_id, audit=False)
        return self.register.reopen(plan.id, self.editor, self.today, expected_version)

    # --- the monthly review ------------------------------------------------------------------

    def review(self, open_days: int | None = None) -> list[Review]:
        """GMP's monthly audit of the plans not yet closed: not updated in 30 days, no response
        date, targets no longer in the data, open longer than ``open_days`` (the setting
        ``[plans] open_days`` / DEMAND_PLAN_OPEN_DAYS, default 180). Every open plan is listed,
        the flagged first."""
        limit = open_days or config.plan_open_days()
        plans = [p for p in self.list() if p.status != CLOSED]
        known: dict[str, set[str]] = {}
        for kind in ("person", "location", "ward"):
            ids = sorted({t for p in plans if p.target_kind == kind for t in p.targets})
            known[kind] = set()
            for start in range(0, len(ids), 2000):  # the gate's longest list for this check
                known[kind] |= set(self.reader.call("plan_targets_known", "force", target_kind=kind,
                                                    ids=ids[start:start + 2000]))
        rows = []
        for plan in plans:
            missing = tuple(t for t in plan.targets if t not in known[plan.target_kind])
            opened, updated = _day(plan.created_at), _day(plan.updated_at)
            days_open, stale = (self.today - opened).days, (self.today - updated).days
            flags = []
            if stale > STALE_DAYS:
                flags.append(f"not updated for {stale} days")
            if plan.response_date is None:
                flags.append("no response date")
            if missing:
                flags.append(f"{len(missing)} target{'s' if len(missing) != 1 else ''} no longer in the data")
            if days_open > limit:
                flags.append(f"open for {days_open} days (longer than {limit})")
            rows.append(Review(plan, tuple(flags), days_open, stale, missing))
        return sorted(rows, key=lambda r: (not r.flags, -r.days_since_update, r.plan.id))


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(UTC).date()
