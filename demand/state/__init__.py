"""The product's state: everything people write (audit log, export log, and later the plans
register), in one database apart from the read-only snapshot. Never imports DuckDB; it meets
the data only by ids.

Public surface:

- ``open_state(url=None, data_dir=None) -> State``: the database at ``url`` (else
  DEMAND_STATE_URL, else SQLite in the state folder), migrated to the newest schema.
- ``State.audit``: ``append(Entry) -> seq``, ``records(...)``, ``verify() -> Verification``.
- ``State.exports``: ``append(Export) -> id`` (writes its audit record too), ``records()``.
- ``State.plans``: the register of problem-solving plans (``demand.state.plans``):
  ``create``, ``get``, ``list``, ``update``, ``close``, ``reopen``, ``history``.
- ``AuditWriteError``: raised when a record cannot be written; show nothing then.

A later issue adds tables by adding models to ``demand/state/models.py`` (or a module of its
own importing ``Base``) and a migration in ``demand/state/migrations/versions/`` whose
``down_revision`` is the newest one here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from demand.state.audit import AuditLog, AuditWriteError, Entry, Verification
from demand.state.db import StateSettingError, make_engine, migrate, state_url
from demand.state.exports import Export, ExportLog
from demand.state.plans import Editor, Plan, PlanConflict, PlanError, PlanNotFound, PlanRegister

__all__ = [
    "AuditLog",
    "AuditWriteError",
    "Editor",
    "Entry",
    "Export",
    "ExportLog",
    "Plan",
    "PlanConflict",
    "PlanError",
    "PlanNotFound",
    "PlanRegister",
    "State",
    "StateSettingError",
    "Verification",
    "open_state",
    "state_url",
]


@dataclass
class State:
    engine: Engine
    audit: AuditLog
    exports: ExportLog
    plans: PlanRegister

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def open_state(url: str | None = None, data_dir: Path | None = None) -> State:
    engine = make_engine(url or state_url(data_dir))
    migrate(engine)
    audit = AuditLog(engine)
    return State(engine, audit, ExportLog(engine, audit), PlanRegister(engine))
