"""Shared fixtures. Crafted extracts come from demand.fixtures; the synthetic force from
demand.synth, generated once per test session; the real police.uk slice from tests/data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from demand.store import Store


@pytest.fixture(scope="session")
def small_force(tmp_path_factory):
    """The small synthetic force (seed 1), written once per session; returns its directory."""
    from demand import synth

    out = tmp_path_factory.mktemp("small_force")
    synth.generate(out, scale="small", seed=1)
    return out


@pytest.fixture(scope="session")
def small_store(small_force, tmp_path_factory):
    """A Store over the small synthetic force. Read-only: never refresh or mutate it."""
    store = Store(small_force, cache=tmp_path_factory.mktemp("small_snapshots"))
    yield store
    store.close()


@pytest.fixture
def open_store(tmp_path):
    """Opens a Store over crafted extracts with its snapshots kept inside tmp_path."""
    opened = []

    def _open(directory):
        store = Store(directory, cache=tmp_path / "snapshots")
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


@pytest.fixture(scope="session", autouse=True)
def state_outside_the_project(tmp_path_factory):
    """Tests never write audit records into the project's own state folder, nor read its
    users file: each session gets its own."""
    folder = tmp_path_factory.mktemp("state")
    saved = {k: os.environ.get(k) for k in ("DEMAND_STATE_DIR", "DEMAND_USERS", "DEMAND_STATE_URL", "DEMAND_LIVE")}
    os.environ["DEMAND_STATE_DIR"] = str(folder)
    os.environ["DEMAND_USERS"] = str(folder / "users.toml")
    os.environ.pop("DEMAND_STATE_URL", None)
    os.environ.pop("DEMAND_LIVE", None)
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# --- a real PostgreSQL server for the state tests ------------------------------------------------


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server (Debian's postgresql package, which ./dev test installs)
    in a temporary folder on a free port; yields a function making a fresh empty database's
    URL. The server binaries refuse to run as root, so as root they run as 'postgres'."""
    binaries = _postgres_bin()
    if binaries is None:
        pytest.fail("PostgreSQL is not installed: ./dev test installs Debian's postgresql package")
    folder = Path(tempfile.mkdtemp(prefix="demand-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data), "-U", "demand", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    import psycopg

    counter = iter(range(1_000_000))

    def new_database() -> str:
        name = f"state_{next(counter)}"
        with psycopg.connect(f"host=127.0.0.1 port={port} user=demand dbname=postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://demand@127.0.0.1:{port}/{name}"

    try:
        yield new_database
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path):
    """The URL of an empty state database: SQLite in WAL mode, then a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return request.getfixturevalue("postgres_server")()


POLICE_UK_SLICE = Path(__file__).parent / "data" / "police_uk" / "city-of-london-2022-11-to-2023-02.zip"


@pytest.fixture(scope="session")
def police_uk_slice():
    """The real data.police.uk slice shipped with the tests (City of London, 4 months)."""
    return POLICE_UK_SLICE


@pytest.fixture(scope="session")
def published_slice(tmp_path_factory):
    """The slice imported and published once per session; returns the data link's path.
    Read-only: never import into it again."""
    from demand.ingest import police_uk, run

    out = tmp_path_factory.mktemp("published") / "data"
    run.publish_import(out, lambda directory: police_uk.import_files([POLICE_UK_SLICE], directory))
    return out


@pytest.fixture(scope="session")
def slice_store(published_slice):
    store = Store(published_slice)
    yield store
    store.close()
