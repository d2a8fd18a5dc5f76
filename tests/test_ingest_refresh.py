"""Publishing whole: releases behind an atomically switched link, a Store that follows the
switch without a restart while a pinned page run keeps its snapshot, and a refresh killed
with SIGKILL at every step leaving the answers of `rank` and `compare` byte-identical."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from demand import analytics, areas, config
from demand.cli import main
from demand.ingest import police_uk, publish, run
from demand.store import Store

PROJECT = Path(__file__).resolve().parent.parent


def force_info(store) -> pd.DataFrame:
    """Rows per table over the whole force (analytics.table_info), from a Store or a Snapshot."""
    return analytics.table_info(store, areas.resolve(store, "force"))


def months_folder(tmp_path: Path, zip_path: Path, months: list[str], name: str) -> Path:
    folder = tmp_path / name
    with zipfile.ZipFile(zip_path) as archive:
        for month in months:
            archive.extract(f"{month}/{month}-city-of-london-street.csv", folder)
    return folder


def answers(out: Path) -> bytes:
    """What `rank` and `compare` print for the data at ``out``, byte for byte."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for args in (["rank", "--kind", "locations", "--window", "90d"],
                     ["compare", "--by", "category", "--window", "28d"],
                     ["compare", "--by", "ward", "--window", "28d"]):
            assert main(["--data", str(out), *args, "--format", "csv"]) == 0
    return printed.getvalue().encode()


def publish_months(out: Path, folder: Path, keep: int = 2):
    return run.publish_import(out, lambda d: police_uk.import_files([folder], d), keep=keep)


# --- releases and the link -------------------------------------------------------------------------


def test_each_import_is_a_release_behind_the_link(tmp_path, police_uk_slice):
    out = tmp_path / "data"
    first = publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-11"], "a"))
    assert out.is_symlink() and publish.current(out).name == first.release
    assert os.readlink(out) == f"data.releases/{first.release}"  # relative: the folder may move
    second = publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-12"], "b"))
    third = publish_months(out, months_folder(tmp_path, police_uk_slice, ["2023-01"], "c"))
    # The release serving and the one before it are kept; older ones are pruned.
    assert [r.name for r in publish.releases(out)] == [second.release, third.release]
    assert publish.current(out).name == third.release
    assert (publish.current(out) / "import_report.json").is_file()


def test_rollback_serves_the_previous_release(tmp_path, police_uk_slice, capsys):
    out = tmp_path / "data"
    first = publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-11"], "a"))
    publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-12"], "b"))
    assert main(["rollback", "--out", str(out)]) == 0
    assert publish.current(out).name == first.release
    assert force_info(Store(out)).set_index("table_name").loc["crimes", "first_at"].strftime("%Y-%m") == "2022-11"
    assert main(["rollback", "--out", str(out)]) == 2
    assert "no earlier release" in capsys.readouterr().err


def test_the_store_follows_the_switch_and_a_pinned_run_keeps_its_snapshot(tmp_path, police_uk_slice):
    out = tmp_path / "data"
    publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-11"], "a"))
    store = Store(out)
    pinned = store.pin()  # a page run in progress
    before = int(force_info(pinned).set_index("table_name").loc["crimes", "row_count"])
    publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-11", "2022-12"], "b"))
    assert store.refresh() is True  # no restart: the next look at the link finds the new release
    now = int(force_info(store).set_index("table_name").loc["crimes", "row_count"])
    assert now > before
    # The run that pinned the old snapshot still reads it whole, new data or not.
    assert int(force_info(pinned).set_index("table_name").loc["crimes", "row_count"]) == before
    assert pinned.version != store.version
    assert store.refresh() is False


def test_the_snapshot_is_built_before_the_switch(tmp_path, police_uk_slice):
    out = tmp_path / "data"
    publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-11"], "a"))
    built = list((publish.current(out) / ".snapshots").glob("snapshot-*.duckdb"))
    assert len(built) == 1
    assert Store(out).pin().path == built[0]  # the app opens it, it does not build it


def test_a_second_import_waits_for_none(tmp_path, police_uk_slice):
    out = tmp_path / "data"
    with publish.lock(out), pytest.raises(publish.PublishError, match="another import into .* is running"):
        publish_months(out, months_folder(tmp_path, police_uk_slice, ["2022-11"], "a"))


# --- refresh from the settings file, killed at every step ---------------------------------------------


def settings_file(tmp_path: Path, out: Path, folder: Path) -> Path:
    path = tmp_path / "demand.toml"
    path.write_text(f'[data]\ndir = "{out}"\n\n[refresh]\nsource = "police-uk"\npaths = ["{folder}"]\n')
    return path


def refresh(settings: Path, stop_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, config.SETTINGS_ENV: str(settings), "PYTHONPATH": str(PROJECT)}
    env.pop(config.DATA_ENV, None)
    if stop_at:
        env[run.STOP_AT_ENV] = stop_at
    return subprocess.Popen([sys.executable, "-m", "demand", "refresh"], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def refresh_inputs(tmp_path_factory, police_uk_slice):
    """November and December (serving before the refresh); November to January (what the
    refresh imports); and the answers each gives, worked out once on their own copies."""
    tmp = tmp_path_factory.mktemp("refresh")
    old = months_folder(tmp, police_uk_slice, ["2022-11", "2022-12"], "old")
    new = months_folder(tmp, police_uk_slice, ["2022-11", "2022-12", "2023-01"], "new")
    publish_months(tmp / "old-data", old)
    publish_months(tmp / "new-data", new)
    return old, new, answers(tmp / "old-data"), answers(tmp / "new-data")


@pytest.mark.parametrize("step", run.STEPS)
def test_a_refresh_killed_at_any_step_leaves_the_old_data_serving(step, refresh_inputs, tmp_path, monkeypatch,
                                                                  capsys):
    old_input, new_input, old, new = refresh_inputs
    assert old != new  # the refresh brings new data, so "unchanged" means something
    out = tmp_path / "data"
    publish_months(out, old_input)
    settings = settings_file(tmp_path, out, new_input)
    monkeypatch.setenv(config.SETTINGS_ENV, str(settings))
    before = publish.current(out)
    assert answers(out) == old
    process = refresh(settings, stop_at=step)
    try:
        line = process.stderr.readline()
        while line and not line.startswith("stopped at"):
            line = process.stderr.readline()
        assert line.strip() == f"stopped at {step}", process.stderr.read()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    if step == "switched":  # killed after the switch: the new data serves, whole
        assert publish.current(out) != before and answers(out) == new
    else:
        assert publish.current(out) == before and answers(out) == old
    # The next refresh succeeds and clears what the killed one left.
    assert main(["refresh"]) == 0
    assert answers(out) == new
    assert not list(publish.releases_dir(out).glob("*.partial"))
    assert not list(out.parent.glob(f".{out.name}.switch-*"))
    assert len(publish.releases(out)) == 2  # the new one, and the old one to roll back to


def test_refresh_without_a_refresh_section_says_what_is_missing(tmp_path, capsys, monkeypatch):
    settings = tmp_path / "demand.toml"
    settings.write_text(f'[data]\ndir = "{tmp_path / "data"}"\n')
    assert main(["refresh", "--settings", str(settings)]) == 2
    assert "no [refresh] section" in capsys.readouterr().err
    monkeypatch.delenv(config.SETTINGS_ENV)  # main set it for its own process
