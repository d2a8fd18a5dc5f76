"""Problem-solving plans: the assessment worked by hand on crafted extracts (demand.fixtures),
the register seen through the read gate (who may see and edit a plan, targets checked against
the data, nothing written on bad input), the monthly review, and the planted repeat-caller cohort
of the synthetic force."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest

from demand import fixtures, stats
from demand.access import User
from demand.fixtures import ABBEY, BEACON, CASTLE
from demand.plans import neighbours
from demand.plans.assess import AssessmentError, assess, periods
from demand.plans.service import PlanDesk
from demand.reader import NotPermitted, Reader
from demand.state import PlanError, PlanNotFound, open_state
from demand.store import Store

TODAY = date(2026, 7, 1)
RESPONSE = date.fromisoformat(fixtures.PLAN_RESPONSE)
ANALYST = User("analyst@force.example", "Analyst", "analyst")
ABBEY_OFFICER = User("abbey@force.example", "Officer Abbey", "officer", frozenset({ABBEY}))
CASTLE_OFFICER = User("castle@force.example", "Officer Castle", "officer", frozenset({CASTLE}))
NORTH_INSPECTOR = User("north@force.example", "Inspector North", "inspector", frozenset({ABBEY, BEACON}),
                       district="Northtown")
VIEWER = User("viewer@force.example", "Viewer", "viewer")


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    opened = open_state(f"sqlite:///{tmp_path_factory.mktemp('plans_state') / 'state.db'}")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def place_stores(tmp_path_factory):
    """One Store per crafted place case (see demand.fixtures.plan_place_extracts)."""
    cases = {
        # a planted fall at the target, nothing changes next door or in the control
        "fall": {"target": (40, 10), "buffer": (20, 20), "control": (200, 200), "other_district": (50, 0)},
        # the same fall, but the crime moved next door
        "moved": {"target": (40, 10), "buffer": (20, 44), "control": (200, 200)},
        # a force-wide fall: everything halves
        "force_wide": {"target": (40, 20), "buffer": (20, 10), "control": (200, 100)},
        # the crime source lacks February 2026, inside the period after; 3 target crimes are
        # dated in it anyway and must not count
        "gap": {"target": (40, 10), "buffer": (20, 20), "control": (200, 138), "uncovered": {"crimes": ["2026-02"]},
                    "in_uncovered_month": 3},
    }
    stores = {}
    for name, counts in cases.items():
        root = tmp_path_factory.mktemp(f"plan_{name}")
        stores[name] = Store(fixtures.plan_place_extracts(root / "data", **counts), cache=root / "snap")
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture(scope="module")
def person_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan_person")
    store = Store(fixtures.plan_person_extracts(root / "data"), cache=root / "snap")
    yield store
    store.close()


def desk(store, state, user=ANALYST) -> PlanDesk:
    return PlanDesk(Reader(store, user, state.audit, page="test"), state.plans, today=TODAY)


def new_plan(store, state, user=ANALYST, **values):
    plan = {"title": "Burglary at the target", "kind": "location", "targets": ["LT"], "ward_code": ABBEY,
            "response_date": fixtures.PLAN_RESPONSE, **values}
    return desk(store, state, user).create(plan)


def assessed(store, state, plan, **kwargs):
    return assess(Reader(store, ANALYST, state.audit, page="test"), plan, window=kwargs.pop("window", "90d"), **kwargs)


# --- periods ------------------------------------------------------------------------------------


def test_periods_are_equal_either_side_and_interim_until_the_window_has_run():
    final = periods(RESPONSE, date(2026, 6, 30), "90d")
    assert (final.before.start, final.before.end) == (date(2025, 10, 3), date(2025, 12, 31))
    assert (final.after.start, final.after.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert final.final and final.days == 90
    interim = periods(RESPONSE, date(2026, 1, 30), "90d")
    assert not interim.final and interim.days == 30
    assert (interim.before.start, interim.after.end) == (date(2025, 12, 2), date(2026, 1, 30))
    assert periods(RESPONSE, date(2027, 6, 30), "12m").after.end == date(2026, 12, 31)
    assert periods(RESPONSE, date(2026, 6, 30), 45).after.end == date(2026, 2, 14)
    # the chart's months: whole months from the first before-day's month to the last complete one
    assert final.months[0] == date(2025, 10, 1) and final.months[-1] == date(2026, 6, 1)
    assert periods(RESPONSE, date(2026, 6, 29), "90d").months[-1] == date(2026, 5, 1)
    with pytest.raises(AssessmentError, match="after the as-of date"):
        periods(RESPONSE, date(2025, 12, 31), "90d")
    with pytest.raises(AssessmentError, match="7 to 1,095 days"):
        periods(RESPONSE, date(2026, 6, 30), 3)
    with pytest.raises(AssessmentError, match="not 90d, 12m or a number"):
        periods(RESPONSE, date(2026, 6, 30), "6w")


# --- the crafted cases, worked by hand ----------------------------------------------------------------


def test_a_planted_fall_at_the_target_with_no_change_in_the_buffer(place_stores, state):
    store = place_stores["fall"]
    result = assessed(store, state, new_plan(store, state))
    assert (result.target.before, result.target.after) == (40, 10)
    assert (result.buffer.before, result.buffer.after) == (20, 20)  # LB, 100 m away
    # the control is the rest of Northtown (LF in Abbey, LC in Beacon), not Castle's 50 -> 0
    assert (result.control.before, result.control.after) == (200, 200)
    assert result.target.comparison["significance"] == stats.FALL
    # By hand: the control is scaled to the target (40/200) and the buffer (20/200).
    # local = (10 - 40) - 0.2 * 0 = -30; displacement = 0 - 0.1 * 0 = 0; total -30
    # variance = 40 + 10 + 20 + 20 + (0.2 + 0.1)^2 * (200 + 200) = 126
    assert result.wdd.local == -30 and result.wdd.displacement == 0 and result.wdd.total == -30
    assert result.wdd.se == pytest.approx(np.sqrt(126))
    assert result.wdd.ci_high == pytest.approx(-30 + 1.959964 * np.sqrt(126), rel=1e-5)
    assert result.wdd.ci_high < 0
    # WDQ = (20/200 - 20/200) / (10/200 - 40/200) = 0: neither displacement nor diffusion
    assert result.wdq == 0
    assert result.verdict.startswith("Demand fell, by more than the control explains")
    assert result.verdict_class == stats.FALL
    assert "Neither displacement nor a diffusion of benefits" in result.displacement_finding
    assert result.info["buffer_places"] == 1 and result.periods.final


def test_the_same_fall_with_the_crime_moved_next_door(place_stores, state):
    store = place_stores["moved"]
    result = assessed(store, state, new_plan(store, state))
    assert (result.buffer.before, result.buffer.after) == (20, 44)
    # WDQ = (44/200 - 20/200) / (10/200 - 40/200) = 0.12 / -0.15 = -0.8
    assert result.wdq == pytest.approx(-0.8)
    # WDD: local -30; displacement = 24 - 0.1 * 0 = +24; total -6
    # variance 40 + 10 + 20 + 44 + 0.3^2 * 400 = 150
    assert (result.wdd.local, result.wdd.displacement, result.wdd.total) == (-30, 24, -6)
    assert result.wdd.se == pytest.approx(np.sqrt(150))
    # displacement's own interval: 24 -+ 1.96 sqrt(20 + 44 + 0.1^2 * 400) = sqrt(68): above 0
    low, _high = result.wdd.interval("displacement")
    assert low == pytest.approx(24 - 1.959964 * np.sqrt(68), rel=1e-5)
    assert low > 0
    assert result.displacement_finding.startswith("Displacement: the buffer had about 24 more crimes")
    assert "some displacement, smaller than the direct effect" in result.displacement_finding
    assert result.verdict.startswith("Demand fell at the targets but moved into the buffer")
    assert result.verdict_class == stats.NO_CHANGE


def test_a_force_wide_fall_is_cancelled_by_the_control(place_stores, state):
    store = place_stores["force_wide"]
    result = assessed(store, state, new_plan(store, state))
    assert result.target.comparison["significance"] == stats.FALL  # 40 -> 20 on its own looks real
    assert (result.control.before, result.control.after) == (200, 100)
    # local = -20 - (40/200)(-100) = 0; displacement = -10 - (20/200)(-100) = 0
    assert result.wdd.local == 0 and result.wdd.displacement == 0 and result.wdd.total == 0
    assert result.verdict.startswith("Demand fell, but no more than in the control")
    assert result.verdict_class == stats.NO_CHANGE
    assert result.wdq is None and "did not fall relative to the control" in result.wdq_note


def test_a_period_touching_a_missing_month_is_counted_over_its_covered_days(place_stores, state):
    store = place_stores["gap"]
    result = assessed(store, state, new_plan(store, state))
    # February 2026 lacks crimes: the after period covers 90 - 28 = 62 days; its 3 crimes never count
    assert result.exposure["crime"] == (90.0, 62.0)
    assert (result.target.before, result.target.after) == (40, 10)
    # the change at equal covered days: 10 - 40 * 62/90
    assert result.target.comparison["change"] == pytest.approx(round(10 - 40 * 62 / 90, 1))
    assert result.target.comparison["p"] == pytest.approx(stats.e_test(10, 40, 62, 90))
    # the WDD compares counts per full period: after counts are scaled by 90/62
    w = 62 / 90
    local = (10 / w - 40) - (40 / 200) * (138 / w - 200)
    assert result.wdd.local == pytest.approx(local)
    assert result.wdd.local_se == pytest.approx(np.sqrt(40 + 10 / w**2 + 0.2**2 * (200 + 138 / w**2)))
    # February is a gap in the chart, never a zero, and the notes say why
    february = result.monthly.set_index("month").loc[date(2026, 2, 1)]
    assert february.isna().all()
    assert result.missing_months == (date(2026, 2, 1),)
    assert any("covers 62 of the 90 days after" in note for note in result.notes)
    assert result.monthly.set_index("month").loc[date(2026, 1, 1), "Targets"] > 0


def test_a_plan_on_a_person_who_is_both_victim_and_offender(person_store, state):
    victim = new_plan(person_store, state, kind="victim", targets=["PV"], title="PV victim")
    result = assessed(person_store, state, victim)
    # V0-V5 and VO0 (linked as victim and as offender: counted once) before; VA0-VA1 after
    assert (result.target.before, result.target.after) == (7, 2)
    # like people: other victims in Northtown with at least 7 crimes before (PV's count): PC1 and
    # PC2 (8 and 8), not PC3 (3), PX (3) nor Castle's PS
    assert (result.control.before, result.control.after) == (16, 16)
    assert result.info["control_people"] == 2 and result.info["control_min_count"] == 7
    assert result.wdd.local == -5 and result.buffer is None
    assert result.info["other_roles"] == {"offender": [4, 0]}  # O0-O2 and VO0
    assert any("also recorded as suspect or offender in 4 crimes" in note for note in result.notes)
    offender = new_plan(person_store, state, kind="offender", targets=["PV"], title="PV offending")
    as_offender = assessed(person_store, state, offender)
    assert (as_offender.target.before, as_offender.target.after) == (4, 0)
    assert as_offender.info["other_roles"] == {"victim": [7, 2]}


def test_an_area_plan_counts_its_wards_and_categories(place_stores, state):
    store = place_stores["fall"]
    plan = new_plan(store, state, kind="area", targets=[ABBEY], buffer_wards=[BEACON], categories=["Burglary"],
                    control_area="force")
    result = assessed(store, state, plan)
    # Abbey: LT 40 -> 10, LB 20 -> 20, LF 100 -> 100; the buffer is Beacon (LC 100 -> 100); the
    # control the rest of the force: Castle 50 -> 0
    assert (result.target.before, result.target.after) == (160, 130)
    assert (result.buffer.before, result.buffer.after) == (100, 100)
    assert (result.control.before, result.control.after) == (50, 0)
    assert result.info["buffer_how"] == "the wards named on the plan"


def test_neighbouring_wards_come_from_the_ward_boundaries():
    # Leicester's Abbey ward touches Beaumont Leys and Belgrave; Aylestone is across the city
    found = neighbours.neighbours(["E05010458"])
    assert "E05010460" in found and "E05010461" in found and "E05010459" not in found
    assert "E05010458" not in found
    assert neighbours.neighbours([ABBEY]) == []  # crafted wards have no boundary


def test_the_assessment_renders_one_printable_page(place_stores, state):
    from demand.plans import document

    store = place_stores["moved"]
    result = assessed(store, state, new_plan(store, state, title="Burglary <b>next door</b>",
                                             response="Target hardening at <script>"))
    page = document.html(result)
    assert "Burglary &lt;b&gt;next door&lt;/b&gt;" in page and "<script>" not in page.split("<main>")[1]
    assert "Demand fell at the targets but moved into the buffer" in page
    assert "−0.80" in page or "-0.80" in page
    assert "default-src 'none'" in page
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["wdd"]["total"] == -6 and payload["wdq"] == pytest.approx(-0.8)
    assert payload["stage"] == "final" and payload["target"]["before"] == 40


def test_a_plan_without_a_response_date_is_not_assessed(place_stores, state):
    store = place_stores["fall"]
    plan = new_plan(store, state, response_date=None)
    with pytest.raises(AssessmentError, match="has no response date"):
        assessed(store, state, plan)
    with pytest.raises(AssessmentError, match="outside the data"):
        assessed(store, state, new_plan(store, state), as_of="2027-01-01")


# --- the register through the gate -------------------------------------------------------------------


def plans_and_changes(state) -> tuple[int, int]:
    with state.engine.connect() as conn:
        return (conn.exec_driver_sql("SELECT count(*) FROM plans").scalar(),
                conn.exec_driver_sql("SELECT count(*) FROM plan_changes").scalar())


@pytest.mark.parametrize("values, message", [
    ({"targets": ["LNOWHERE"]}, "targets: no place 'LNOWHERE' in the data you may see"),
    ({"kind": "victim", "targets": ["PNOBODY"]}, "targets: no person 'PNOBODY'"),
    ({"response_date": "2026-07-02"}, "response_date: 02 July 2026 is in the future"),
    ({"title": "   "}, "title: a plan needs a title"),
    ({"ward_code": "E05999999"}, "ward_code: 'E05999999' is not one of your wards"),
    ({"kind": "burglary"}, "kind: 'burglary' is not a kind of plan"),
    ({"targets": []}, "targets: a plan needs at least one target"),
    ({"buffer_m": 5000}, "buffer_m: the buffer must be 10 to 2000 metres"),
    ({"control_area": "Atlantis"}, "unknown area 'Atlantis'"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(place_stores, state, values, message):
    before = plans_and_changes(state)
    with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")):
        new_plan(place_stores["fall"], state, **values)
    assert plans_and_changes(state) == before


def test_who_may_see_and_edit_a_plan_follows_role_and_wards(place_stores, state):
    store = place_stores["fall"]
    abbey = new_plan(store, state, ABBEY_OFFICER, title="Abbey plan")
    castle = new_plan(store, state, CASTLE_OFFICER, title="Castle plan", targets=["LS"], ward_code=CASTLE)
    officer = desk(store, state, ABBEY_OFFICER)
    assert abbey.id in {p.id for p in officer.list()} and castle.id not in {p.id for p in officer.list()}
    with pytest.raises(PlanNotFound, match=f"there is no plan {castle.id}$"):
        officer.get(castle.id)  # the same words as a plan that does not exist
    with pytest.raises(PlanNotFound):
        officer.update(castle.id, {"title": "mine now"})
    # an officer of Abbey cannot put a plan in Castle, nor name Castle's place as a target
    with pytest.raises(PlanError, match="not one of your wards"):
        new_plan(store, state, ABBEY_OFFICER, ward_code=CASTLE, targets=["LT"])
    with pytest.raises(PlanError, match="no place 'LS'"):
        new_plan(store, state, ABBEY_OFFICER, targets=["LS"])
    inspector = {p.id for p in desk(store, state, NORTH_INSPECTOR).list()}
    assert abbey.id in inspector and castle.id not in inspector
    assert {abbey.id, castle.id} <= {p.id for p in desk(store, state, ANALYST).list()}
    with pytest.raises(NotPermitted, match="counts only"):
        desk(store, state, VIEWER).list()


def test_opening_a_plan_of_people_or_places_is_audited(place_stores, state):
    store = place_stores["fall"]
    plan = new_plan(store, state, ABBEY_OFFICER)
    last = state.audit.records(limit=1)[0]["seq"]
    desk(store, state, ABBEY_OFFICER).get(plan.id)
    record = state.audit.records(limit=1)[0]
    assert record["seq"] == last + 1 and record["action"] == "plan" and record["ids"] == '["LT"]'
    assert record["user_email"] == "abbey@force.example" and f'"plan":{plan.id}' in record["params"]


def test_edits_are_kept_and_a_plan_is_closed_never_deleted(place_stores, state):
    store = place_stores["fall"]
    officer = desk(store, state, ABBEY_OFFICER)
    plan = new_plan(store, state, ABBEY_OFFICER, response_date=None)
    officer.update(plan.id, {"response_date": "2026-01-01", "response": "Locks fitted"}, expected_version=1)
    with pytest.raises(PlanError, match="was changed by abbey@force.example"):
        officer.update(plan.id, {"title": "stale edit"}, expected_version=1)
    closed = officer.close(plan.id, "Burglary fell and stayed down", expected_version=2)
    assert closed.status == "closed" and closed.closed_at
    with pytest.raises(PlanError, match="is closed; reopen it"):
        officer.update(plan.id, {"title": "after closing"})
    history = officer.history(plan.id)
    assert [h["action"] for h in history] == ["created", "updated", "closed"]
    assert history[1]["changes"] == {"response": ["", "Locks fitted"], "response_date": [None, "2026-01-01"]}
    assert history[2]["changes"]["status"] == ["open", "closed"]
    assert all(h["user_email"] == "abbey@force.example" and h["at"].endswith("Z") for h in history)
    assert plan.id in {p.id for p in officer.list(status="closed")}


def test_the_monthly_review_flags_what_gmp_audits(place_stores, state, tmp_path):
    store = place_stores["fall"]
    review_state = open_state(f"sqlite:///{tmp_path / 'review.db'}")
    today = date.today()  # the register stamps changes with the real time
    creator = PlanDesk(Reader(store, ANALYST, review_state.audit), review_state.plans, today=today)
    fine = creator.create({"title": "Fine", "kind": "location", "targets": ["LT"], "ward_code": ABBEY,
                           "response_date": "2026-01-01"})
    undated = creator.create({"title": "Undated", "kind": "location", "targets": ["LT"], "ward_code": ABBEY})
    later = PlanDesk(Reader(store, ANALYST, review_state.audit), review_state.plans,
                     today=today + timedelta(days=200))
    rows = {r.plan.id: r for r in later.review(open_days=180)}
    assert rows[undated.id].flags == ("not updated for 200 days", "no response date",
                                      "open for 200 days (longer than 180)")
    assert "no response date" not in rows[fine.id].flags
    now = {r.plan.id: r for r in creator.review(open_days=180)}
    assert now[fine.id].flags == () and now[undated.id].flags == ("no response date",)
    assert next(r.plan.id for r in creator.review()) == undated.id  # the flagged first
    review_state.close()


def test_targets_that_left_the_data_are_flagged_and_the_register_survives_a_refresh(tmp_path, state):
    data = fixtures.plan_place_extracts(tmp_path / "data", target=(4, 1), buffer=(0, 0), control=(10, 10))
    store = Store(data, cache=tmp_path / "snap")
    try:
        plan = new_plan(store, state, title="Survives a refresh")
        # a new extract without the target place: the snapshot is rebuilt, the plan is untouched
        fixtures.plan_place_extracts(tmp_path / "data", target=(0, 0), buffer=(0, 0), control=(12, 12),
                                     without_places=("LT",))
        (tmp_path / "data" / "locations.parquet").touch()
        assert store.refresh()
        kept = desk(store, state).get(plan.id)
        assert kept == plan and kept.targets == ("LT",)
        rows = {r.plan.id: r for r in desk(store, state).review()}
        assert rows[plan.id].missing_targets == ("LT",)
        assert "1 target no longer in the data" in rows[plan.id].flags
    finally:
        store.close()


# --- the synthetic force -----------------------------------------------------------------------------


def test_the_planted_repeat_caller_cohort_falls_significantly_against_its_control(small_store, state):
    manifest = json.loads((small_store.data_dir / "synth_manifest.json").read_text())["stories"]["cohort"]
    gate = Reader(small_store, ANALYST, state.audit, page="test")
    ward = gate.all_wards().iloc[0]["ward_code"]
    plan = PlanDesk(gate, state.plans, today=date(2030, 1, 1)).create({
        "title": "Peer mentoring of repeat callers", "kind": "caller", "targets": manifest["person_ids"],
        "ward_code": ward, "response_date": manifest["intervention_date"], "control_area": "force"})
    result = assess(gate, plan, window="12m")
    assert result.periods.final
    assert result.target.comparison["significance"] == stats.FALL
    fall = 1 - result.target.after / result.target.before
    assert 0.6 < fall < 0.8  # the manifest plants about 70%
    # against like callers who were not targets, the fall is real: the WDD's interval is below 0
    assert result.control.before > 0 and result.info["control_people"] > 0
    assert result.wdd.ci_high < 0 and result.wdd.z < -3
    assert result.verdict_class == stats.FALL
    assert result.saving is not None and result.saving[0] > 0


def test_an_officers_control_is_only_the_wards_they_may_read(place_stores, state):
    """Abbey's officer cannot read Beacon: the control is the rest of Abbey (LF), and says so."""
    store = place_stores["fall"]
    plan = new_plan(store, state, ABBEY_OFFICER)
    result = assess(Reader(store, ABBEY_OFFICER, state.audit, page="test"), plan, window="90d")
    assert (result.control.before, result.control.after) == (100, 100)  # LF only: half the control
    assert result.info["control_area"] == "your wards in Northtown"
    assert "the rest of your wards in Northtown" in result.control.label


def test_plans_over_public_data_count_what_it_holds(slice_store, state):
    """data.police.uk data (the City of London slice, Nov 2022 to Feb 2023): no people, no calls,
    events dated by month. A place plan counts its crimes over whole covered months; a caller
    plan cannot be assessed and says why."""
    gate = Reader(slice_store, ANALYST, state.audit, page="test")
    place = slice_store.cursor().execute(
        "SELECT location_id, ward_code FROM crimes WHERE location_id IS NOT NULL AND ward_code IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()
    plans = PlanDesk(gate, state.plans, today=TODAY)
    plan = plans.create({"title": "Busiest point", "kind": "location", "targets": [place[0]], "ward_code": place[1],
                         "response_date": "2023-01-01", "control_area": "force"})
    result = assess(gate, plan, as_of="2023-02-01", window=32)
    assert "missing" not in result.sources  # not held: left out, never a zero
    # January's and February's first days fall in the 32 days from 1 January: two whole months
    # are covered; the 32 days before (30 November to 31 December) hold December's first day
    assert result.exposure["crime"] == (31.0, 31.0 + 28.0)
    counted = slice_store.cursor().execute(  # crimes, and ASB rows (calls in police.uk data)
        'SELECT count(*) FILTER (WHERE "at" < ?), count(*) FILTER (WHERE "at" >= ?) FROM event_details '
        'WHERE location_id = ? AND "at" >= ?', [date(2023, 1, 1), date(2023, 1, 1), place[0], date(2022, 11, 30)],
    ).fetchone()
    assert (result.target.before, result.target.after) == counted
    with pytest.raises(PlanError, match="no person 'P1'"):
        plans.create({"title": "Caller", "kind": "caller", "targets": ["P1"], "ward_code": place[1]})
