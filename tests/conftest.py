"""Shared fixtures. Crafted extracts come from demand.fixtures; the synthetic force from
demand.synth, generated once per test session."""

from __future__ import annotations

import os

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
