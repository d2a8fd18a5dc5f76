"""Opening the state database: SQLite in WAL mode by default, PostgreSQL by URL, always
migrated to the latest schema.

| setting | environment | default |
|---|---|---|
| state database URL | DEMAND_STATE_URL (``postgresql+psycopg://user:pw@host/db``) | SQLite file ``state.db`` in the state folder |
| state folder | DEMAND_STATE_DIR | ``state/`` in the project; never inside the data directory |
| audit chain key (optional HMAC) | DEMAND_AUDIT_KEY | none: a plain SHA-256 chain |
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

STATE_URL_ENV = "DEMAND_STATE_URL"
STATE_DIR_ENV = "DEMAND_STATE_DIR"
AUDIT_KEY_ENV = "DEMAND_AUDIT_KEY"
DEFAULT_STATE_DIR = Path(__file__).resolve().parents[2] / "state"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_migrated: set[str] = set()
_migrate_lock = threading.Lock()


class StateSettingError(ValueError):
    """A state setting that cannot be used; the message names it."""


def state_dir(data_dir: Path | None = None) -> Path:
    """The state folder. It must lie outside the data directory: a refresh replaces that
    directory whole, and the audit log must outlive every refresh."""
    chosen = os.environ.get(STATE_DIR_ENV, "").strip()
    folder = Path(chosen).expanduser().resolve() if chosen else DEFAULT_STATE_DIR
    if data_dir is not None:
        data = Path(data_dir).resolve()
        if folder == data or data in folder.parents:
            raise StateSettingError(
                f"{STATE_DIR_ENV}: the state folder {folder} lies inside the data directory {data}; "
                "a data refresh replaces that directory, so put the state elsewhere"
            )
    return folder


def state_url(data_dir: Path | None = None) -> str:
    """DEMAND_STATE_URL, else a SQLite file in the state folder."""
    url = os.environ.get(STATE_URL_ENV, "").strip()
    if url:
        try:
            make_url(url)
        except ArgumentError:
            raise StateSettingError(f"{STATE_URL_ENV} is not a database URL") from None
        return url
    folder = state_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'state.db'}"


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Let SQLAlchemy's 'begin' below start transactions, so that a writer takes the
            # write lock at BEGIN (IMMEDIATE) rather than failing at its first write.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=FULL")  # an audit record survives a power cut
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (once per database per process)."""
    key = engine.url.render_as_string(hide_password=False)
    with _migrate_lock:
        if key in _migrated:
            return
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several app processes may start at once: one migrates, the others wait.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _migrated.add(key)


def audit_key() -> bytes | None:
    key = os.environ.get(AUDIT_KEY_ENV, "")
    return key.encode() if key else None
