"""The state database's tables, as SQLAlchemy sees them. Migrations (``migrations/``) create
them; a later issue adds its own tables here and its own migration (see README, "State")."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

GENESIS = "0" * 64  # the hash before the first record


class Base(DeclarativeBase):
    pass


class AuditRecord(Base):
    """One consultation or disclosure of personal data (DPA 2018 s62): who, when, what.
    Append-only: database triggers refuse UPDATE and DELETE, and each record carries the hash
    of the one before, so an edit or deletion made around the triggers is found by
    ``python -m demand audit verify``."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), index=True)  # UTC, ISO 8601 with microseconds and Z
    user_email: Mapped[str] = mapped_column(String(320), index=True)
    user_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)  # the analysis read, or 'export'
    page: Mapped[str] = mapped_column(String(64))  # page or command it was read from
    area: Mapped[str] = mapped_column(String(128))  # the area asked for
    wards: Mapped[str] = mapped_column(Text)  # the wards read, comma-separated, or 'force'
    window: Mapped[str] = mapped_column(String(64))
    params: Mapped[str] = mapped_column(Text)  # the rest of the request, canonical JSON
    id_count: Mapped[int] = mapped_column(Integer)
    ids_digest: Mapped[str] = mapped_column(String(64))  # sha256 of every id shown, sorted
    ids: Mapped[str] = mapped_column(Text)  # the ids shown (JSON list; the first MAX_IDS)
    purpose: Mapped[str] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's last sequence number and hash (one row), so deleting the newest records is
    found too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ExportRecord(Base):
    """One export of data out of the product (issue 12 writes these through ExportLog)."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32), index=True)
    user_email: Mapped[str] = mapped_column(String(320), index=True)
    user_role: Mapped[str] = mapped_column(String(32))
    area: Mapped[str] = mapped_column(String(128))
    window: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(400))
    rows: Mapped[int] = mapped_column(Integer)
    audit_seq: Mapped[int] = mapped_column(Integer)  # the audit record written with it
