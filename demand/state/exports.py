"""The export log: who exported what, when, in which format, to which file, how many rows.
Every export also appends an audit record in the same transaction (``audit_seq`` names it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from demand.state.audit import AuditLog, Entry, now_utc
from demand.state.models import ExportRecord


@dataclass(frozen=True)
class Export:
    user_email: str
    user_role: str
    area: str
    window: str
    format: str
    file_name: str
    rows: int
    wards: str = ""
    as_of: str = ""


class ExportLog:
    def __init__(self, engine: Engine, audit: AuditLog):
        self.engine = engine
        self.audit = audit

    def append(self, export: Export) -> int:
        """Record an export and its audit record together; returns the export's id. Raises
        demand.state.AuditWriteError when either cannot be written: do not hand out the file."""
        with self.engine.begin() as conn:
            seq = self.audit.append(
                Entry(
                    user_email=export.user_email,
                    user_role=export.user_role,
                    action="export",
                    page="export",
                    area=export.area,
                    wards=export.wards,
                    window=export.window,
                    params={"format": export.format, "file_name": export.file_name, "rows": export.rows,
                            "as_of": export.as_of},
                ),
                connection=conn,
            )
            result = conn.execute(
                ExportRecord.__table__.insert().values(
                    at=now_utc(),
                    user_email=export.user_email.lower(),
                    user_role=export.user_role,
                    area=export.area,
                    window=export.window,
                    format=export.format,
                    file_name=export.file_name,
                    rows=int(export.rows),
                    audit_seq=seq,
                )
            )
            return int(result.inserted_primary_key[0])

    def records(self, limit: int = 1000) -> list[dict]:
        table = ExportRecord.__table__
        with self.engine.connect() as conn:
            query = select(*table.columns).order_by(table.c.id.desc()).limit(int(limit))
            return [dict(row) for row in conn.execute(query).mappings()]
