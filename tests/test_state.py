"""The state database: the audit log's chain, its append-only guard, the export log, and where
the database lives. Every test runs against SQLite (WAL) and a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from demand.cli import main
from demand.state import AuditWriteError, Entry, Export, StateSettingError, open_state
from demand.state.db import state_dir


@pytest.fixture
def state(state_url):
    opened = open_state(state_url)
    yield opened
    opened.close()


def entry(n: int, **changes) -> Entry:
    values = {"user_email": "PC.Smith@force.example", "user_role": "officer", "action": "rank", "page": "ward",
              "area": "E05000001", "wards": "E05000001", "window": "90d", "params": {"kind": "victims"},
              "ids": (f"P{n}", f"P{n + 1}"), "purpose": ""}
    return Entry(**{**values, **changes})


def dba(state, sql: str) -> None:
    """Change the log as someone with the database owner's rights would, around its guard."""
    with state.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        conn.exec_driver_sql(sql)


def test_records_are_numbered_chained_and_read_back_newest_first(state):
    assert [state.audit.append(entry(n)) for n in range(3)] == [1, 2, 3]
    records = state.audit.records()
    assert [r["seq"] for r in records] == [3, 2, 1]
    newest = records[0]
    assert newest["user_email"] == "pc.smith@force.example" and newest["ids"] == '["P2", "P3"]'
    assert newest["id_count"] == 2 and newest["prev_hash"] == records[1]["hash"]
    assert newest["at"].endswith("Z") and newest["params"] == '{"kind":"victims"}'
    result = state.audit.verify()
    assert result.ok and result.checked == 3 and result.head_seq == 3 and result.head_hash == newest["hash"]


def test_records_filter_by_user_action_and_day(state):
    state.audit.append(entry(1))
    state.audit.append(entry(2, user_email="analyst@force.example", action="profile", purpose="Investigation"))
    assert [r["seq"] for r in state.audit.records(user="ANALYST@force.example")] == [2]
    assert [r["seq"] for r in state.audit.records(action="rank")] == [1]
    day = state.audit.records()[0]["at"][:10]
    assert len(state.audit.records(since=day, until=day)) == 2
    assert state.audit.records(until="2000-01-01") == []


def test_the_database_refuses_to_change_or_delete_a_record(state):
    state.audit.append(entry(1))
    for statement in ("UPDATE audit_log SET user_email = 'someone@else'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), state.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert state.audit.verify().ok


def test_an_edited_record_is_named_by_verify(state):
    for n in range(5):
        state.audit.append(entry(n))
    dba(state, "UPDATE audit_log SET ids = '[\"P99\"]' WHERE seq = 3")
    result = state.audit.verify()
    assert not result.ok and result.first_broken == 3 and "edited" in result.reason


def test_an_edit_that_rehashes_its_record_breaks_the_next_link(state):
    for n in range(4):
        state.audit.append(entry(n))
    # Rewrite record 2's user and its hash consistently: record 3 no longer follows it.
    from demand.state.audit import chain_hash

    record = next(r for r in state.audit.records() if r["seq"] == 2)
    record["user_email"] = "someone@else"
    dba(state, f"UPDATE audit_log SET user_email = 'someone@else', hash = '{chain_hash(record, None)}' "
               "WHERE seq = 2")
    result = state.audit.verify()
    assert not result.ok and result.first_broken == 3 and "does not follow" in result.reason


def test_a_deleted_record_is_named_by_verify(state):
    for n in range(5):
        state.audit.append(entry(n))
    dba(state, "DELETE FROM audit_log WHERE seq = 2")
    result = state.audit.verify()
    assert not result.ok and result.first_broken == 2 and "missing (deleted)" in result.reason


def test_deleting_the_newest_records_is_found_by_the_head(state):
    for n in range(5):
        state.audit.append(entry(n))
    dba(state, "DELETE FROM audit_log WHERE seq >= 4")
    result = state.audit.verify()
    assert not result.ok and result.first_broken == 4 and "newest were deleted" in result.reason


def test_appends_from_many_threads_keep_one_unbroken_chain(state):
    errors = []

    def write(worker: int) -> None:
        try:
            for n in range(10):
                state.audit.append(entry(worker * 100 + n, user_email=f"user{worker}@force.example"))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = state.audit.verify()
    assert result.ok and result.checked == 80


def test_an_export_is_logged_with_its_audit_record(state):
    export_id = state.exports.append(Export("Analyst@force.example", "analyst", "Leicester", "12m", "xlsx",
                                            "leicester-12m.xlsx", 42, wards="E05000001", as_of="2026-06-30"))
    logged = state.exports.records()
    assert [e["id"] for e in logged] == [export_id]
    assert logged[0]["file_name"] == "leicester-12m.xlsx" and logged[0]["rows"] == 42
    audit = state.audit.records()
    assert len(audit) == 1 and audit[0]["action"] == "export" and audit[0]["seq"] == logged[0]["audit_seq"]
    assert '"file_name":"leicester-12m.xlsx"' in audit[0]["params"]
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), state.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM export_log")


def test_a_failing_database_raises_an_audit_write_error(state):
    state.engine.dispose()
    broken = open_state.__globals__["AuditLog"](sa.create_engine("sqlite:////nonexistent/folder/state.db"))
    with pytest.raises(AuditWriteError, match="could not be written"):
        broken.append(entry(1))


def test_sqlite_runs_in_wal_mode(tmp_path):
    state = open_state(f"sqlite:///{tmp_path / 'state.db'}")
    with state.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    state.close()


def test_the_state_folder_may_not_lie_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("DEMAND_STATE_DIR", str(tmp_path / "data" / "state"))
    with pytest.raises(StateSettingError, match="lies inside the data directory"):
        state_dir(tmp_path / "data")
    monkeypatch.setenv("DEMAND_STATE_DIR", str(tmp_path / "state"))
    assert state_dir(tmp_path / "data") == tmp_path / "state"


def test_audit_verify_command_names_the_first_broken_record(state, state_url, monkeypatch, capsys):
    monkeypatch.setenv("DEMAND_STATE_URL", state_url)
    for n in range(3):
        state.audit.append(entry(n))
    assert main(["audit", "verify"]) == 0
    assert "audit log intact: 3 records" in capsys.readouterr().out
    dba(state, "UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    assert "audit log broken at record 2: its contents do not match its hash (edited)" in capsys.readouterr().err
