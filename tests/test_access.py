"""Users, roles and sessions (demand.access), and the walls around the data: the locked DuckDB
connection, the private raw query, the command line's user."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from demand import access
from demand.access import Directory, User, UsersFileError, pages_for, session_expired
from demand.access.config import AccessSettings
from demand.cli import main
from demand.fixtures import ABBEY, BEACON, CASTLE, WARDS
from demand.state import open_state
from demand.store import Scope, Store
from tests import scoped_data

ROOT = Path(__file__).resolve().parent.parent
WARD_TABLE = pd.DataFrame(WARDS)


def directory(tmp_path, text: str) -> Directory:
    path = tmp_path / "users.toml"
    path.write_text(text)
    return Directory.load(path)


def test_users_file_gives_roles_and_areas(tmp_path):
    found = directory(tmp_path, f"""
[users."PC.One@force.example"]
role = "officer"
wards = ["{ABBEY}", "E05999999"]
[users."insp@force.example"]
role = "inspector"
district = "E07000001"
[groups."analysts"]
role = "analyst"
[groups."partners"]
role = "viewer"
""")
    officer = found.identify("pc.one@FORCE.example", {}, WARD_TABLE)
    assert officer.role == "officer" and officer.wards == {ABBEY}  # a ward not in the data is dropped
    inspector = found.identify("insp@force.example", {}, WARD_TABLE)
    assert inspector.wards == {ABBEY, BEACON} and inspector.district == "Northtown"
    by_group = found.identify("someone@force.example", {"groups": ["partners", "analysts"]}, WARD_TABLE)
    assert by_group.role == "analyst" and by_group.force_wide and by_group.source == "group analysts"
    assert found.identify("someone@force.example", {"groups": ["other"]}, WARD_TABLE) is None


def test_an_officer_whose_wards_are_not_served_is_unknown(tmp_path):
    found = directory(tmp_path, '[users."a@b"]\nrole = "officer"\nwards = ["E05999999"]\n')
    assert found.identify("a@b", {}, WARD_TABLE) is None


@pytest.mark.parametrize("text, message", [
    ('[users."a@b"]\nrole = "boss"\n', "users.\"a@b\": role 'boss' is not one of officer, inspector"),
    ('[users."a@b"]\nrole = "officer"\n', "an officer needs wards"),
    ('[users."a@b"]\nrole = "inspector"\n', "an inspector needs district"),
    ("users = [", "not a TOML file"),
])
def test_a_broken_users_file_names_the_file_and_entry(tmp_path, text, message):
    with pytest.raises(UsersFileError, match=re.escape(message)) as refused:
        directory(tmp_path, text)
    assert str(tmp_path / "users.toml") in str(refused.value)


def test_pages_follow_the_role():
    officer = User("o@x", "O", "officer", frozenset({ABBEY}))
    assert "audit" not in pages_for(officer) and "repeats" in pages_for(officer)
    assert pages_for(User("v@x", "V", "viewer")) == ["home", "briefing", "compare", "concentration", "data"]
    assert pages_for(User("a@x", "A", "analyst"))[-1] == "audit"


def test_session_limits():
    limits = AccessSettings(Path("users.toml"), False, idle_seconds=1800, session_seconds=36000)
    assert session_expired(10_000, 9_000, 9_500, limits) is None
    assert "without activity" in session_expired(10_000, 9_000, 10_000 - 1801, limits)
    assert "at most 10 hours" in session_expired(50_000, 10_000, 49_999, limits)


def test_the_serving_connection_reads_no_file_and_cannot_be_unlocked(tmp_path):
    store = Store(scoped_data.write(tmp_path / "data"), cache=tmp_path / "snap")
    cursor = store.cursor()
    for statement in ("SELECT * FROM read_csv('/etc/passwd')", "COPY crimes TO '/tmp/leak.csv'",
                      "INSTALL httpfs", "SET enable_external_access = true", "SET lock_configuration = false"):
        with pytest.raises(Exception, match="Permission|disabled|lock|configuration"):
            cursor.execute(statement)
    assert cursor.execute("SELECT current_setting('threads')").fetchone()[0] == 2
    store.close()


def test_the_raw_query_demands_the_scope_and_refuses_an_override(tmp_path):
    store = Store(scoped_data.write(tmp_path / "data"), cache=tmp_path / "snap")
    with pytest.raises(PermissionError, match="it needs a Scope"):
        store._query("recent_events", start="2026-01-01", end="2026-07-01")
    with pytest.raises(PermissionError, match="come from the Scope only"):
        store._query("recent_events", Scope((ABBEY,)), wards=[CASTLE], start="2026-01-01", end="2026-07-01")
    with pytest.raises(PermissionError, match="never served"):
        store._query("snapshot_views")
    store.close()


def test_only_the_analyses_touch_the_raw_query():
    """Pages, the UI glue, the frame and the command line read only through the gate."""
    allowed = {"demand/store.py", "demand/analytics.py", "demand/records.py", "demand/areas.py", "demand/asb.py",
               "demand/impact.py", "demand/search.py", "demand/streets.py", "demand/plans/events.py",
               "demand/repeat_counts.py", "demand/powers.py", "demand/wanted.py", "demand/disclosure/data.py",
               # the benchmark's QueryClock times the queries the gate's analyses run, passing each on
               "demand/bench/timing.py"}
    for path in [*ROOT.glob("demand/**/*.py"), *ROOT.glob("views/*.py"), ROOT / "ui.py", ROOT / "app.py",
                 *ROOT.glob("benchmarks/*.py")]:
        relative = str(path.relative_to(ROOT))
        text = path.read_text()
        if relative not in allowed:
            assert "._query(" not in text and ".query(" not in text.replace("st.query_params", ""), relative


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    data = scoped_data.write(tmp_path / "data")
    users = tmp_path / "users.toml"
    users.write_text(f'[users."abbey@force.example"]\nrole = "officer"\nwards = ["{ABBEY}"]\n')
    monkeypatch.setenv("DEMAND_DATA", str(data))
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "snap"))
    monkeypatch.setenv("DEMAND_USERS", str(users))
    monkeypatch.setenv("DEMAND_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    return tmp_path


def test_the_command_line_reads_as_its_user_and_is_audited(cli_env, capsys):
    assert main(["--user", "abbey@force.example", "rank", "--kind", "victims", "--window", "12m",
                 "--as-of", "2026-06-30", "--min-count", "1", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "PAB1" in out and "PCA1" not in out and "PBOTH" in out
    records = open_state().audit.records()
    assert records[0]["user_email"] == "abbey@force.example" and records[0]["page"] == "cli rank"
    assert main(["--user", "abbey@force.example", "timeline", "--person", "PCA1"]) == 2
    assert "no person with reference 'PCA1' has an event in your wards" in capsys.readouterr().err


def test_the_command_line_refuses_an_unknown_user_and_a_live_deployment_without_one(cli_env, capsys, monkeypatch):
    assert main(["--user", "nobody@force.example", "wards"]) == 2
    assert "nobody@force.example has no role or ward in the users file" in capsys.readouterr().err
    monkeypatch.setenv("DEMAND_LIVE", "1")
    assert main(["wards"]) == 2
    assert "live (DEMAND_LIVE): say who you are with --user EMAIL" in capsys.readouterr().err
    monkeypatch.delenv("DEMAND_LIVE")
    assert main(["info"]) == 0  # the local command-line user, when not live
    assert open_state().audit.records() == []  # counts only: nothing personal, nothing recorded


def test_demonstration_users_cover_every_role():
    users = access.demonstration_users(WARD_TABLE)
    assert {u.role for u in users.values()} == set(access.ROLES)
    assert users["officer"].wards == {ABBEY} and users["inspector"].wards == {ABBEY, BEACON}
