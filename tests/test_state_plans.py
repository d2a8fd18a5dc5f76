"""The plans register in the state database, on SQLite (WAL) and a real PostgreSQL server: every
change kept, never deleted, concurrent edits, and bad input that writes nothing."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from demand.state import Editor, PlanConflict, PlanError, PlanNotFound, open_state

TODAY = date(2026, 7, 1)
OFFICER = Editor("PC.Smith@force.example", "officer")
INSPECTOR = Editor("insp.jones@force.example", "inspector")


@pytest.fixture
def state(state_url):
    opened = open_state(state_url)
    yield opened
    opened.close()


def values(**changes) -> dict:
    return {"title": "Repeat calls from 12 Station Road", "kind": "caller", "targets": ["P1", "P2"],
            "ward_code": "E05000001", "district": "Northtown", "owner": "pc.smith@force.example",
            "scanning": "Top of the repeat callers list", **changes}


def counts(state) -> tuple[int, int]:
    with state.engine.connect() as conn:
        return (conn.exec_driver_sql("SELECT count(*) FROM plans").scalar(),
                conn.exec_driver_sql("SELECT count(*) FROM plan_changes").scalar())


def test_a_plan_is_created_read_listed_and_its_creation_kept(state):
    plan = state.plans.create(values(response_date="2026-03-01"), OFFICER, TODAY)
    assert plan.id == 1 and plan.version == 1 and plan.status == "open"
    assert plan.targets == ("P1", "P2") and plan.response_date == date(2026, 3, 1) and plan.buffer_m == 200
    assert plan.created_by == "pc.smith@force.example" and plan.created_at.endswith("Z")
    assert state.plans.get(1) == plan
    assert [p.id for p in state.plans.list()] == [1]
    assert state.plans.list(wards=["E05000002"]) == [] and state.plans.list(status="closed") == []
    (created,) = state.plans.history(1)
    assert created["action"] == "created" and created["user_role"] == "officer"
    assert created["changes"]["targets"] == [None, ["P1", "P2"]]
    assert created["changes"]["response_date"] == [None, "2026-03-01"]


def test_only_changed_fields_are_recorded_and_nothing_changed_writes_nothing(state):
    plan = state.plans.create(values(), OFFICER, TODAY)
    same = state.plans.update(plan.id, {"title": plan.title, "targets": "P1, P2"}, INSPECTOR, TODAY)
    assert same.version == 1 and counts(state) == (1, 1)
    changed = state.plans.update(plan.id, {"status": "under assessment", "targets": ["P1", "P2", "P3"]},
                                 INSPECTOR, TODAY, expected_version=1)
    assert changed.version == 2 and changed.updated_by == "insp.jones@force.example"
    last = state.plans.history(plan.id)[-1]
    assert last["changes"] == {"status": ["open", "under assessment"], "targets": [["P1", "P2"], ["P1", "P2", "P3"]]}
    assert last["user_email"] == "insp.jones@force.example" and last["version"] == 2


@pytest.mark.parametrize("bad, message", [
    ({"title": ""}, "title: a plan needs a title"),
    ({"kind": "street"}, "kind: 'street' is not a kind of plan"),
    ({"targets": []}, "targets: a plan needs at least one target"),
    ({"targets": [f"P{n}" for n in range(201)]}, "targets: at most 200"),
    ({"targets": ["P1\x07"]}, "is not a reference"),
    ({"response_date": "2026-07-02"}, "response_date: 02 July 2026 is in the future"),
    ({"response_date": "last week"}, "response_date: 'last week' is not a date"),
    ({"status": "done"}, "status: 'done' is not one of"),
    ({"status": "closed"}, "a new plan cannot start closed"),
    ({"owner": ""}, "owner: a plan needs an owner"),
    ({"buffer_m": "near"}, "buffer_m: 'near' is not a whole number"),
    ({"scanning": "x" * 20_001}, "scanning: at most 20,000 characters"),
])
def test_bad_input_names_the_field_and_writes_nothing(state, bad, message):
    state.plans.create(values(), OFFICER, TODAY)
    with pytest.raises(PlanError, match=message):
        state.plans.create(values(**bad), OFFICER, TODAY)
    with pytest.raises(PlanError, match=message.replace("a new plan cannot start closed", "close a plan with")):
        state.plans.update(1, bad, OFFICER, TODAY)
    assert counts(state) == (1, 1)


def test_unknown_fields_and_plans_are_refused(state):
    state.plans.create(values(), OFFICER, TODAY)
    with pytest.raises(PlanError, match="id: not a field of a plan that can be edited"):
        state.plans.update(1, {"id": 7}, OFFICER, TODAY)
    for missing in (99, "abc", "1; DROP TABLE plans", 0):
        with pytest.raises(PlanNotFound):
            state.plans.get(missing)
    assert counts(state) == (1, 1)


def test_a_stale_edit_is_refused_not_silently_overwritten(state):
    plan = state.plans.create(values(), OFFICER, TODAY)
    state.plans.update(plan.id, {"title": "First editor"}, OFFICER, TODAY, expected_version=1)
    with pytest.raises(PlanConflict, match="was changed by pc.smith@force.example"):
        state.plans.update(plan.id, {"title": "Second editor"}, INSPECTOR, TODAY, expected_version=1)
    assert state.plans.get(plan.id).title == "First editor" and counts(state) == (1, 2)


def test_closing_keeps_the_plan_and_the_database_refuses_to_delete_or_rewrite(state):
    plan = state.plans.create(values(), OFFICER, TODAY)
    closed = state.plans.close(plan.id, OFFICER, TODAY, assessment="Calls fell from 40 to 9")
    assert closed.status == "closed" and closed.assessment == "Calls fell from 40 to 9"
    with pytest.raises(PlanError, match="is closed; reopen it"):
        state.plans.update(plan.id, {"title": "x"}, OFFICER, TODAY)
    reopened = state.plans.reopen(plan.id, INSPECTOR, TODAY)
    assert reopened.status == "open" and reopened.closed_at is None
    assert [h["action"] for h in state.plans.history(plan.id)] == ["created", "closed", "reopened"]
    for statement, refusal in (("DELETE FROM plans", "never deleted"),
                               ("UPDATE plan_changes SET user_email = 'someone@else'", "append-only"),
                               ("DELETE FROM plan_changes", "append-only")):
        with pytest.raises(sa.exc.DBAPIError, match=refusal), state.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert counts(state) == (1, 3)


def test_two_people_editing_two_plans_at_once_lose_nothing(state):
    first = state.plans.create(values(title="First"), OFFICER, TODAY)
    second = state.plans.create(values(title="Second"), INSPECTOR, TODAY)
    errors = []

    def edit(plan_id: int, editor: Editor) -> None:
        try:
            for n in range(15):
                state.plans.update(plan_id, {"analysis": f"note {n} by {editor.email}"}, editor, TODAY,
                                   expected_version=n + 1)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(first.id, OFFICER)),
               threading.Thread(target=edit, args=(second.id, INSPECTOR))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for plan, editor in ((first, OFFICER), (second, INSPECTOR)):
        now = state.plans.get(plan.id)
        assert now.version == 16 and now.analysis == f"note 14 by {editor.email}"
        versions = [h["version"] for h in state.plans.history(plan.id)]
        assert versions == list(range(1, 17))


def test_the_same_plan_edited_from_two_threads_keeps_one_and_refuses_the_other(state):
    plan = state.plans.create(values(), OFFICER, TODAY)
    outcomes = []
    start = threading.Barrier(2)

    def edit(editor: Editor) -> None:
        start.wait()
        try:
            state.plans.update(plan.id, {"title": f"by {editor.role}"}, editor, TODAY, expected_version=1)
            outcomes.append("saved")
        except PlanConflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=edit, args=(e,)) for e in (OFFICER, INSPECTOR)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert state.plans.get(plan.id).version == 2 and counts(state) == (1, 2)
