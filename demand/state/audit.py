"""The audit log: one record per consultation or disclosure of personal data, chained by hash.

Each record's hash covers its contents and the hash of the record before (an HMAC when
DEMAND_AUDIT_KEY is set), and a one-row head keeps the newest sequence number and hash. An
edited record no longer matches its hash, a deleted one breaks the chain (or the head), and
``verify`` names the first record where that happens.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, select, update

from demand.state.db import audit_key
from demand.state.models import GENESIS, AuditHead, AuditRecord

MAX_IDS = 1000  # ids listed in full; beyond that the count and digest still cover them all
CHAINED = ("seq", "at", "user_email", "user_role", "action", "page", "area", "wards", "window",
           "params", "id_count", "ids_digest", "ids", "purpose", "prev_hash")


class AuditWriteError(RuntimeError):
    """The record could not be written, so the data it would have covered is not shown."""


@dataclass(frozen=True)
class Entry:
    """What a caller records; the log adds the time, sequence number and hashes."""

    user_email: str
    user_role: str
    action: str
    page: str = ""
    area: str = ""
    wards: str = ""
    window: str = ""
    params: dict | None = None
    ids: tuple[str, ...] = ()
    purpose: str = ""


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} records, head {self.head_seq} {self.head_hash}"
        return f"audit log broken at record {self.first_broken}: {self.reason}"


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(ids) -> str:
    return hashlib.sha256("\n".join(sorted(str(i) for i in ids)).encode()).hexdigest()


def chain_hash(fields: dict, key: bytes | None) -> str:
    message = json.dumps({k: fields[k] for k in CHAINED}, sort_keys=True, separators=(",", ":")).encode()
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def canonical(params: dict | None) -> str:
    return json.dumps(params or {}, sort_keys=True, separators=(",", ":"), default=str)


# The three statements of an append, built once so SQLAlchemy compiles each once and then only
# binds the values (a statement built per append with its values is compiled again every time).
_HEAD = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
_INSERT = AuditRecord.__table__.insert()
_ADVANCE = update(AuditHead).where(AuditHead.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))


class AuditLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def append(self, entry: Entry, connection=None) -> int:
        """Write one record and return its sequence number. Raises AuditWriteError when the
        database refuses or cannot be reached: callers then show nothing (fail closed)."""
        try:
            if connection is not None:
                return self._append(connection, entry)
            with self.engine.begin() as conn:
                return self._append(conn, entry)
        except AuditWriteError:
            raise
        except Exception as error:  # any database failure: the caller must not show the data
            raise AuditWriteError(f"the audit log could not be written ({type(error).__name__})") from error

    def append_all(self, entries: list[Entry]) -> list[int]:
        """Write the records in order in one transaction (all or none) and return their
        sequence numbers. Raises AuditWriteError as ``append`` does."""
        try:
            with self.engine.begin() as conn:
                return [self.append(entry, conn) for entry in entries]
        except AuditWriteError:
            raise
        except Exception as error:  # any database failure: the caller must not show the data
            raise AuditWriteError(f"the audit log could not be written ({type(error).__name__})") from error

    def _append(self, conn, entry: Entry) -> int:
        # Lock the head: appends are serialised so the chain has one order (SQLite holds the
        # write lock from BEGIN IMMEDIATE already; FOR UPDATE is for PostgreSQL).
        head = conn.execute(_HEAD).one()
        ids = tuple(str(i) for i in entry.ids)
        fields = {
            "seq": head.seq + 1,
            "at": now_utc(),
            "user_email": entry.user_email.strip().lower()[:320],
            "user_role": entry.user_role[:32],
            "action": entry.action[:64],
            "page": entry.page[:64],
            "area": entry.area[:128],
            "wards": entry.wards,
            "window": entry.window[:64],
            "params": canonical(entry.params),
            "id_count": len(ids),
            "ids_digest": digest(ids),
            "ids": json.dumps(list(ids[:MAX_IDS])),
            "purpose": entry.purpose[:200],
            "prev_hash": head.hash,
        }
        fields["hash"] = chain_hash(fields, audit_key())
        conn.execute(_INSERT, fields)
        conn.execute(_ADVANCE, {"new_seq": fields["seq"], "new_hash": fields["hash"]})
        return fields["seq"]

    def records(self, user: str | None = None, action: str | None = None, since: str | None = None,
                until: str | None = None, limit: int = 1000) -> list[dict]:
        """Records newest first, as dicts of the audit_log columns. ``since`` and ``until``
        are ISO dates (UTC days, both included) or times."""
        table = AuditRecord.__table__
        query = select(*table.columns).order_by(table.c.seq.desc()).limit(int(limit))
        if user:
            query = query.where(table.c.user_email == user.strip().lower())
        if action:
            query = query.where(table.c.action == action)
        if since:
            query = query.where(table.c.at >= since)
        if until:
            # a day includes all its times: '2026-06-30' < '2026-06-30T...' < '2026-06-30U'
            query = query.where(table.c.at < (until + "U" if len(until) == 10 else until))
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def verify(self) -> Verification:
        """Walk the chain from the first record; name the first that does not hold."""
        key = audit_key()
        expected_prev, expected_seq, checked = GENESIS, 1, 0
        columns = AuditRecord.__table__.columns
        with self.engine.connect() as conn:
            head = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
            for row in conn.execute(select(*columns).order_by(AuditRecord.seq)).mappings():
                record = dict(row)
                if record["seq"] != expected_seq:
                    return Verification(False, checked, expected_seq,
                                        f"record {expected_seq} is missing (deleted); the next is {record['seq']}",
                                        head.seq, head.hash)
                if record["prev_hash"] != expected_prev:
                    return Verification(False, checked, record["seq"],
                                        "it does not follow the record before (a record was removed or replaced)",
                                        head.seq, head.hash)
                if chain_hash(record, key) != record["hash"]:
                    return Verification(False, checked, record["seq"],
                                        "its contents do not match its hash (edited)", head.seq, head.hash)
                expected_prev, expected_seq, checked = record["hash"], record["seq"] + 1, checked + 1
        if head.seq != checked or head.hash != expected_prev:
            return Verification(False, checked, checked + 1,
                                f"the head records {head.seq} records but {checked} remain "
                                "(the newest were deleted)", head.seq, head.hash)
        return Verification(True, checked, None, "", head.seq, head.hash)
