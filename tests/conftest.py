"""Shared fixtures. Crafted extracts come from demand.fixtures; the synthetic force from
demand.synth, generated once per test session; the real police.uk slice from tests/data."""

from __future__ import annotations

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
