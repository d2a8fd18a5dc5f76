"""The read gate (demand.reader): scope from the user, hostile requests refused, person-level
reads audited exactly once, and nothing shown when the audit cannot be written."""

from __future__ import annotations

import threading
from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demand.access import User
from demand.errors import UsageError
from demand.fixtures import ABBEY, BEACON, CASTLE
from demand.reader import ANALYSES, AuditUnavailable, NotPermitted, Reader, Refused
from demand.state import AuditWriteError, open_state
from demand.store import Store
from tests import scoped_data
from tests.scoped_data import AS_OF, forbidden

USERS = {
    "officer_abbey": User("abbey@force.example", "Officer Abbey", "officer", frozenset({ABBEY})),
    "officer_castle": User("castle@force.example", "Officer Castle", "officer", frozenset({CASTLE})),
    "inspector_north": User("north@force.example", "Inspector North", "inspector", frozenset({ABBEY, BEACON}),
                            district="Northtown"),
    "analyst": User("analyst@force.example", "Analyst", "analyst"),
    "viewer": User("viewer@force.example", "Viewer", "viewer"),
}
AREAS = ["force", ABBEY, BEACON, CASTLE, "Northtown", "Southvale", "E07000002", None]
HOSTILE = ["' OR 1=1 --", "E05000001' OR '1'='1", "x" * 100_000, "../../../../etc/passwd", "E05999999",
           "\x00\x1b[2J", "force; DROP TABLE crimes", "%00", "${wards}"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = Store(scoped_data.write(tmp_path_factory.mktemp("scoped")), cache=tmp_path_factory.mktemp("snap"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    opened = open_state(f"sqlite:///{tmp_path_factory.mktemp('state') / 'state.db'}")
    yield opened
    opened.close()


def reader(store, state, who: str) -> Reader:
    return Reader(store, USERS[who], state.audit, page="test")


def shown_text(result) -> str:
    """Everything a result could put on a screen, as text."""
    if isinstance(result, pd.DataFrame):
        return result.to_csv(index=False) + repr(result.attrs)
    if isinstance(result, dict):
        return " ".join(shown_text(v) for v in result.values())
    if isinstance(result, (list, tuple)):
        return " ".join(shown_text(v) for v in result)
    return str(result)


PLAN_PERIODS = {"start": AS_OF - timedelta(days=400), "split": AS_OF - timedelta(days=60),
                "end": AS_OF + timedelta(days=1), "months_start": AS_OF - timedelta(days=400),
                "months_end": AS_OF.replace(day=1)}
# The parameters each analysis is called with (everything else takes its default).
REQUESTS = {
    "headline": [{"window": w, "as_of": AS_OF} for w in ("28d", "90d", "12m")],
    "compare": [{"window": "90d", "by": b, "as_of": AS_OF} for b in ("category", "call_type", "missing", "ward")],
    "compare_matrix": [{"window": "12m", "as_of": AS_OF}],
    "concentration": [{"kind": k, "window": "12m", "as_of": AS_OF} for k in ("victims", "callers", "locations")],
    "weekly_trend": [{"as_of": AS_OF}],
    "monthly_trend": [{"as_of": AS_OF}],
    "data_quality": [{}],
    "table_info": [{}],
    "map_points": [{"window": "12m", "as_of": AS_OF, "limit": 100}],
    "rank": [{"kind": k, "window": "12m", "as_of": AS_OF, "min_count": 1}
             for k in ("victims", "offenders", "callers", "missing", "locations")],
    "rank_ids": [{"kind": k, "window": "12m", "as_of": AS_OF, "min_count": 1, "limit": 3}
                 for k in ("victims", "offenders", "callers", "missing", "locations")],
    "rank_page": [{"kind": k, "window": "12m", "as_of": AS_OF, "min_count": 1, "page": 1, "page_rows": 2}
                  for k in ("victims", "callers", "locations")],
    "recent_events": [{"days": 30, "as_of": AS_OF}],
    "window_records": [{"measure": m, "window": "12m", "as_of": AS_OF}
                       for m in ("crimes", "calls", "asb_calls", "missing_episodes")],
    "location_neighbours": [{"location_id": loc, "window": "12m", "as_of": AS_OF, "radius_m": 500}
                            for loc in ("LAB1", "LCA1", "LNW1")],
    "timeline": [{"person": p} for p in ("PAB1", "PBOTH", "PCA1", "PNW1")] + [{"location": "LCA1"}],
    "profile": [{"person": p} for p in ("PAB1", "PBOTH", "PCA1")] + [{"location": loc} for loc in ("LAB2", "LCA2")],
    "data_range": [{}],
    "snapshot_meta": [{}],
    "coverage_gaps": [{"first": AS_OF - timedelta(days=400), "last": AS_OF}],
    "crimes_by_area": [{"level": lv, "window": "12m", "as_of": AS_OF} for lv in ("district", "ward")],
    "harm_by": [{"by": b, "window": "12m", "as_of": AS_OF} for b in ("category", "ward")],
    "crimes_by_street": [{"window": "12m", "as_of": AS_OF}],
    "asb_reporters": [{"window": "12m", "as_of": AS_OF, "min_count": 1}],
    "asb_locations": [{"window": "12m", "as_of": AS_OF, "min_count": 1}],
    # search: every name and place of the data holds these; only the user's may come back
    "find_people": [{"text": t} for t in ("Name", "name-p", "PCA1", "PBOTH", "pnw", "' OR 1=1 --", "%")],
    "find_places": [{"text": t} for t in ("Addr", "street-", "LCA1", "addr-lnw", "_")],
    "find_streets": [{"text": t} for t in ("Street", "street-lca", "ST")],
    "missing_months": [{}],
    "plan_counts": [{**PLAN_PERIODS, **request} for request in (
        {"kind": "victim", "targets": ["PAB1", "PBOTH", "PCA1"], "control_area": "Northtown"},
        {"kind": "location", "targets": ["LAB1", "LCA1"], "radius_m": 500},
        {"kind": "area", "targets": [ABBEY, CASTLE], "buffer_wards": [BEACON]},
        {"kind": "caller", "targets": ["PAB3", "PCA2"], "control_area": "force"},
    )],
    "plan_targets_known": [{"target_kind": "person", "ids": ["PAB1", "PCA1", "PBOTH", "PNW1"]},
                           {"target_kind": "location", "ids": ["LAB1", "LCA1", "LNW1"]},
                           {"target_kind": "ward", "ids": [ABBEY, CASTLE]}],
    "export_counts": [{"start": AS_OF - timedelta(days=89), "end": AS_OF, "prev_start": AS_OF - timedelta(days=454),
                       "prev_end": AS_OF - timedelta(days=365)}],
    "export_totals": [{"start": AS_OF - timedelta(days=89), "end": AS_OF, "prev_start": AS_OF - timedelta(days=454),
                       "prev_end": AS_OF - timedelta(days=365), "crimes": ["Burglary", "Drugs"]}],
    "street_points": [{}],
    "held_tables": [{}],
    "repeat_counts": [{"window": w, "as_of": AS_OF} for w in ("90d", "12m")],
    "headline_wards": [{"window": w, "as_of": AS_OF} for w in ("90d", "12m")],
    "power_counts": [{"window": "90d", "as_of": AS_OF}],
    "wanted_counts": [{"as_of": AS_OF, "new_since": AS_OF - timedelta(days=14)}],
    "powers_used": [{"window": "90d", "as_of": AS_OF}],
    "wanted_list": [{"as_of": AS_OF}],
}


def test_every_analysis_is_exercised():
    assert set(REQUESTS) == set(ANALYSES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(who=st.sampled_from(sorted(USERS)), analysis=st.sampled_from(sorted(REQUESTS)),
       area=st.sampled_from(AREAS) | st.sampled_from(HOSTILE) | st.text(max_size=30), data=st.data())
def test_no_out_of_scope_row_count_or_message_for_any_user(store, state, who, analysis, area, data):
    user = USERS[who]
    kwargs = data.draw(st.sampled_from(REQUESTS[analysis]))
    hidden = forbidden(set(user.wards) if user.wards is not None else None)
    try:
        result = reader(store, state, who).call(analysis, area, purpose="Investigation", **kwargs)
    except UsageError as refusal:  # the gate's refusals and the analyses' own messages
        message = str(refusal)
        for asked in [str(area), *map(str, kwargs.values())]:  # the user's own words may be echoed back
            message = message.replace(asked, "")
        assert not {token for token in hidden if token in message}, message
        assert len(str(refusal)) < 400
        return
    text = shown_text(result)
    assert not {token for token in hidden if token in text}
    if analysis == "headline" and user.wards is not None:
        # counts: never more crimes than the user's wards hold in the window
        crimes = [c for c in scoped_data.CRIMES if c["ward_code"] in user.wards]
        assert int(result.set_index("measure").loc["crimes", "count"]) <= len(crimes)
    if analysis == "table_info" and user.wards is not None:
        rows = result.set_index("table_name")["row_count"]
        assert rows["crimes"] <= sum(c["ward_code"] in user.wards for c in scoped_data.CRIMES)
        assert rows["wards"] <= len(user.wards)


def test_an_officer_reads_their_ward_whatever_area_they_ask_for(store, state):
    gate = reader(store, state, "officer_abbey")
    abbey_crimes_12m = sum(1 for c in scoped_data.CRIMES if c["ward_code"] == ABBEY and c["crime_id"] != "RAB8")
    for area in ("force", "Northtown", ABBEY, None):
        head = gate.call("headline", area, window="12m", as_of=AS_OF).set_index("measure")
        assert head.loc["crimes", "count"] == abbey_crimes_12m  # 8: RAB8 is 400 days old
    for area in (CASTLE, "Southvale", BEACON):
        with pytest.raises(Refused, match="holds no ward you may see"):
            gate.call("headline", area, window="12m", as_of=AS_OF)


def test_events_with_no_ward_are_read_only_by_a_force_wide_user_asking_for_the_force(store, state):
    force_crimes = reader(store, state, "analyst").call("table_info", "force").set_index("table_name")
    assert force_crimes.loc["crimes", "row_count"] == len(scoped_data.CRIMES)
    northtown = reader(store, state, "analyst").call("table_info", "Northtown").set_index("table_name")
    assert northtown.loc["crimes", "row_count"] == 14  # Abbey's 9 and Beacon's 5, no unwarded
    inspector = reader(store, state, "inspector_north").call("table_info", "force").set_index("table_name")
    assert inspector.loc["crimes", "row_count"] == 14


def test_a_person_seen_in_two_wards_shows_only_the_officers_half_and_counts_the_rest(store, state):
    opened = reader(store, state, "officer_abbey").call("profile", person="PBOTH", purpose="Safeguarding")
    assert sorted(opened["timeline"]["event_id"]) == ["RAB5", "RAB6"]
    assert opened["entity"]["events"] == 2 and opened["entity"]["events_elsewhere"] == 2
    whole = reader(store, state, "analyst").call("profile", person="PBOTH", purpose="Safeguarding")
    assert sorted(whole["timeline"]["event_id"]) == ["RAB5", "RAB6", "RCA5", "RCA6"]


@pytest.mark.parametrize("reference", [{"person": "PCA1"}, {"location": "LCA1"}, {"person": "P-nobody"}])
def test_a_reference_outside_the_wards_reads_like_an_unknown_one(store, state, reference):
    gate = reader(store, state, "officer_abbey")
    (kind, value), = reference.items()
    with pytest.raises(UsageError, match=f"no {kind} with reference '{value}' has an event "
                       "in your wards") as refused:
        gate.call("profile", purpose="Investigation", **reference)
    assert "Castle" not in str(refused.value)


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_areas_are_refused_with_a_short_message(store, state, bad):
    gate = reader(store, state, "officer_abbey")
    with pytest.raises(Refused) as refused:
        gate.call("rank", bad, kind="victims", window="90d", as_of=AS_OF)
    assert len(str(refused.value)) < 300 and "Castle" not in str(refused.value)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"wards": [CASTLE]}, "wards cannot be given"),
    ({"include_unwarded": True}, "include_unwarded cannot be given"),
    ({"scope": "anything"}, "scope cannot be given"),
    ({"kind": "victims", "window": "90d", "category": "x" * 100_000}, "too long"),
    ({"kind": "victims", "window": "90d", "category": "Burglary\x00"}, "control characters"),
    ({"kind": "victims", "window": "90d", "sql": "DROP TABLE crimes"}, "takes no parameter sql"),
    ({"kind": "victims", "window": "90d", "limit": object()}, "unusable kind"),
])
def test_hostile_parameters_are_refused(store, state, kwargs, fragment):
    before = len(state.audit.records(limit=100_000))
    with pytest.raises(Refused, match=fragment):
        reader(store, state, "officer_abbey").call("rank", ABBEY, **kwargs)
    assert len(state.audit.records(limit=100_000)) == before  # nothing read, nothing recorded


def test_a_viewer_gets_counts_but_never_a_person(store, state):
    gate = reader(store, state, "viewer")
    assert gate.call("headline", "force", window="90d", as_of=AS_OF)["count"].notna().all()
    for analysis in ("rank", "profile", "timeline", "recent_events", "window_records", "map_points",
                     "powers_used", "wanted_list"):
        with pytest.raises(NotPermitted, match="counts only"):
            gate.call(analysis, "force", **REQUESTS[analysis][0])


@pytest.mark.parametrize("analysis", sorted(REQUESTS))
def test_each_person_level_read_adds_exactly_one_audit_record(store, state, analysis):
    gate = reader(store, state, "officer_abbey")
    request = next((r for r in REQUESTS[analysis] if "PCA1" not in str(r) and "LCA" not in str(r)),
                   REQUESTS[analysis][0])
    before = state.audit.records(limit=1)
    result = gate.call(analysis, ABBEY, purpose="Investigation", **request)
    after = state.audit.records(limit=10)
    added = [r for r in after if not before or r["seq"] > before[0]["seq"]]
    if not ANALYSES[analysis].personal:
        assert added == []
        return
    assert len(added) == 1
    record = added[0]
    assert record["user_email"] == "abbey@force.example" and record["action"] == analysis
    assert record["wards"] == ABBEY and record["area"] == ABBEY and record["page"] == "test"
    assert record["id_count"] == len(ANALYSES[analysis].ids(result))
    if analysis == "profile":
        assert record["purpose"] == "Investigation"


def test_a_cached_result_is_audited_again(store, state, tmp_path):
    cache = {}

    def run(name, scope, kwargs):
        key = (name, scope.wards if scope else None, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = ANALYSES[name].function(store, scope, **kwargs)
        return cache[key]

    gate = Reader(store, USERS["officer_abbey"], state.audit, page="test", run=run)
    first = state.audit.records(limit=1)[0]["seq"] if state.audit.records(limit=1) else 0
    for _ in range(3):
        gate.call("rank", ABBEY, kind="victims", window="12m", as_of=AS_OF)
    assert len(cache) == 1 and state.audit.records(limit=1)[0]["seq"] == first + 3


def test_the_cache_key_is_the_resolved_wards_not_the_area_name(store, state):
    seen = []
    gate_abbey = Reader(store, USERS["officer_abbey"], state.audit, run=lambda n, s, k: seen.append(s) or pd.DataFrame())
    gate_analyst = Reader(store, USERS["analyst"], state.audit, run=lambda n, s, k: seen.append(s) or pd.DataFrame())
    gate_abbey.call("headline", "force", window="90d")
    gate_analyst.call("headline", "force", window="90d")
    assert seen[0].wards == (ABBEY,) and not seen[0].include_unwarded
    assert seen[1].wards == (ABBEY, BEACON, CASTLE) and seen[1].include_unwarded


class BrokenLog:
    def append(self, entry, connection=None):
        raise AuditWriteError("the audit log could not be written (OperationalError)")


def test_a_failing_audit_write_hides_the_data(store):
    gate = Reader(store, USERS["analyst"], BrokenLog())
    with pytest.raises(AuditUnavailable, match="Person-level data is not shown because the audit log could not"):
        gate.call("rank", "force", kind="victims", window="12m", as_of=AS_OF)
    # counts need no audit record, so they still show
    assert not gate.call("headline", "force", window="12m", as_of=AS_OF).empty
    with pytest.raises(AuditUnavailable):
        Reader(store, USERS["analyst"], None).call("timeline", person="PAB1")


def test_a_profile_needs_a_purpose(store, state):
    with pytest.raises(Refused, match="say why you are opening this profile"):
        reader(store, state, "analyst").call("profile", person="PAB1")


def _added_since(state, seq: int) -> list[dict]:
    return sorted((r for r in state.audit.records(limit=50) if r["seq"] > seq), key=lambda r: r["seq"])


def _last_seq(state) -> int:
    newest = state.audit.records(limit=1)
    return newest[0]["seq"] if newest else 0


def test_concurrent_reads_run_at_once_and_keep_their_order_in_results_and_audit(store, state):
    # the first read cannot finish before the second has: one after another, it would time out
    second_done = threading.Event()

    def run(name, scope, kwargs):
        if kwargs.get("kind") == "victims":
            assert second_done.wait(10), "the reads ran one after another"
        result = ANALYSES[name].function(store, scope, **kwargs)
        if kwargs.get("kind") == "offenders":
            second_done.set()
        return result

    gate = Reader(store, USERS["officer_abbey"], state.audit, page="test", run=run)
    before = _last_seq(state)
    with gate.together():
        victims, offenders, headline = gate.concurrently(
            lambda r: r.call("rank", ABBEY, kind="victims", window="12m", as_of=AS_OF),
            lambda r: r.call("rank", ABBEY, kind="offenders", window="12m", as_of=AS_OF),
            lambda r: r.call("headline", ABBEY, window="12m", as_of=AS_OF),
        )
        assert _added_since(state, before) == []  # held until the block ends
    serial = reader(store, state, "officer_abbey")
    pd.testing.assert_frame_equal(victims, serial.call("rank", ABBEY, kind="victims", window="12m", as_of=AS_OF))
    pd.testing.assert_frame_equal(offenders, serial.call("rank", ABBEY, kind="offenders", window="12m", as_of=AS_OF))
    assert "measure" in headline.columns
    added = _added_since(state, before)[:2]  # then the two serial reads' own
    assert [r["action"] for r in added] == ["rank", "rank"]
    assert ['"victims"' in r["params"] for r in added] == [True, False]
    assert ['"offenders"' in r["params"] for r in added] == [False, True]


def test_a_failing_concurrent_read_raises_after_the_others_are_audited(store, state):
    gate = reader(store, state, "officer_abbey")
    before = _last_seq(state)
    with pytest.raises(Refused, match="E05999999"):
        gate.concurrently(
            lambda r: r.call("rank", ABBEY, kind="victims", window="12m", as_of=AS_OF),
            lambda r: r.call("rank", "E05999999", kind="victims", window="12m", as_of=AS_OF),
            lambda r: r.call("rank", ABBEY, kind="offenders", window="12m", as_of=AS_OF),
        )
    added = _added_since(state, before)
    assert len(added) == 2 and '"victims"' in added[0]["params"] and '"offenders"' in added[1]["params"]


def test_each_thread_of_concurrent_reads_is_set_up_first(store, state):
    set_up = []
    gate = Reader(store, USERS["analyst"], state.audit, thread_setup=lambda: set_up.append(threading.current_thread()))
    # the first two reads wait for each other, so two threads must run them (a pool reuses an
    # idle thread, and reads this quick could otherwise all fall to one)
    both = threading.Barrier(2, timeout=10)

    def meet(reader):
        both.wait()
        return threading.current_thread()

    ran_in = gate.concurrently(meet, meet, *[lambda r: threading.current_thread() for _ in range(2)])
    assert threading.main_thread() not in ran_in and set(ran_in) <= set(set_up) and len(set_up) == 2
