"""What a briefing says (demand.briefings.compose), checked against the dashboard's own analyses
and against answers worked out by hand on tests/briefing_data.py: ties on the cut of a list, a
person new to it, an empty week, a ward with no repeats, a missing month, tables not held, each
role's view, and the audit of its production."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from demand import analytics, areas, powers, repeat_counts, stats, wanted
from demand.access import User
from demand.briefings import compose
from demand.errors import UsageError
from demand.fixtures import ABBEY, BEACON, CASTLE
from demand.reader import Reader, Refused
from demand.state import open_state
from demand.store import Scope, Store
from tests import briefing_data
from tests.briefing_data import AS_OF, PREVIOUS_BRIEFING

ANALYST = User("analyst@force.example", "Ann Analyst", "analyst")
OFFICER = User("abbey@force.example", "Pat Officer", "officer", frozenset({ABBEY}))
INSPECTOR = User("north@force.example", "Ian Inspector", "inspector", frozenset({ABBEY, BEACON}), district="Northtown")
VIEWER = User("viewer@force.example", "Vic Viewer", "viewer")
ABBEY_ONLY = Scope((ABBEY,))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = Store(briefing_data.write(tmp_path_factory.mktemp("brief")), cache=tmp_path_factory.mktemp("snap"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    opened = open_state(f"sqlite:///{tmp_path_factory.mktemp('state') / 'state.db'}")
    yield opened
    opened.close()


def reader(store, state, user=ANALYST) -> Reader:
    return Reader(store, user, state.audit, page="test")


@pytest.fixture(scope="module")
def abbey(store, state):
    return compose.ward_briefing(reader(store, state), ABBEY, AS_OF)


# --- the same numbers as the dashboard ------------------------------------------------------------


def test_the_headline_is_the_ward_pages(store, abbey):
    page = analytics.headline(store, ABBEY_ONLY, "90d", AS_OF).set_index("measure")
    for figure in abbey.headline:
        row = page.loc[figure.measure]
        assert figure.count == (None if pd.isna(row["count"]) else int(row["count"]))
        assert figure.previous_count == (None if pd.isna(row["previous_count"]) else int(row["previous_count"]))
        assert figure.significance == row["significance"]
    crimes = next(f for f in abbey.headline if f.measure == "crimes")
    assert (crimes.count, crimes.previous_count) == (44, 5)  # 30 vehicle + 14 others this period; none in May


def test_what_changed_is_the_compare_pages_real_changes(store, abbey):
    found = set()
    for by in ("category", "call_type"):
        table = analytics.compare(store, ABBEY_ONLY, "90d", by, AS_OF)
        found |= set(table.loc[table["significance"].isin(["rise", "fall"]), "group"])
    assert {c.group for c in abbey.changes} == found
    vehicle = next(c for c in abbey.changes if c.group == "Vehicle crime")
    assert (vehicle.previous_count, vehicle.count, vehicle.significance) == (2, 30, "rise")
    assert vehicle.sentence.startswith("Vehicle crime rose from 2 to 30: a real rise (p")
    assert [c.p_adjusted for c in abbey.changes] == sorted(c.p_adjusted for c in abbey.changes)


def test_the_repeat_lists_are_the_rankings_top_five_and_their_lengths(store, abbey):
    for listed in abbey.repeats:
        ranked = analytics.rank(store, ABBEY_ONLY, listed.kind, "90d", AS_OF)
        assert [e.id for e in listed.entries] == ranked["id"].astype(str).head(5).tolist(), listed.kind
        assert listed.total == len(ranked), listed.kind
        assert [e.count for e in listed.entries] == ranked["count"].head(5).tolist()
    victims = next(r for r in abbey.repeats if r.kind == "victims")
    # three crimes first; then PN's two burglaries (more harm); then the tie on 21 April by id
    assert [e.id for e in victims.entries] == ["PA", "PN", "PB", "PT", "PU"] and victims.total == 6
    assert victims.entries[0].name == "Name-PA" and victims.entries[0].previous_count == 0


def test_the_last_seven_days_are_the_ward_pages(store, abbey):
    recent = analytics.recent_events(store, ABBEY_ONLY, 7, AS_OF)
    assert abbey.recent_crimes == int((recent["source"] == "crime").sum()) == 3
    assert abbey.recent_calls == int((recent["source"] == "call").sum()) == 3
    burglary = next(g for g in abbey.recent if g.what == "Burglary")
    assert [e.reference for e in burglary.events] == ["RN2", "RN1"]  # newest first
    assert burglary.events[0].where == "On or near Test Street"
    assert [g.what for g in abbey.recent if g.source == "crime"] == ["Burglary", "Robbery"]  # most first
    assert abbey.call_streets == (("Test Street", 3),)


def test_powers_and_wanted_are_their_analyses(store, abbey):
    counts = powers.power_counts(store, ABBEY_ONLY, "90d", AS_OF)
    assert {(p.power, p.count, p.previous_count) for p in abbey.power_counts} == set(
        zip(counts["power"], counts["count"], counts["previous_count"]))
    assert [(u.power, u.person) for u in abbey.power_uses] == [("dispersal direction", "Name-PO")]  # the last 7 days
    listed = wanted.wanted_list(store, ABBEY_ONLY, AS_OF)
    assert [w.person_id for w in abbey.wanted] == listed["person_id"].tolist() == ["PO", "PW"]
    assert (abbey.wanted_count, abbey.wanted_new) == (2, 1)
    assert [w.new for w in abbey.wanted] == [True, False]  # PO wanted since 27 June, after the last briefing
    assert abbey.wanted[0].warnings == "weapons" and abbey.wanted[0].where == "LN Test Street"


# --- who is new ------------------------------------------------------------------------------------


def test_a_person_new_to_the_list_since_the_previous_briefing(abbey):
    victims = next(r for r in abbey.repeats if r.kind == "victims")
    assert {e.id: e.new for e in victims.entries} == {"PA": False, "PN": True, "PB": False, "PT": False, "PU": False}
    assert victims.new_count == 1 and victims.compared
    assert abbey.reading.previous_briefing == PREVIOUS_BRIEFING


@pytest.mark.parametrize("cadence, new", [(3, True), (1, False), (8, True)])
def test_new_depends_only_on_the_previous_briefings_date(store, state, cadence, new):
    """As at 27 June (3 days) PN had one burglary, so was not on the list; as at 29 June (1 day)
    PN had both, so is not new."""
    briefing = compose.ward_briefing(reader(store, state), ABBEY, AS_OF, cadence_days=cadence)
    victims = next(r for r in briefing.repeats if r.kind == "victims")
    assert next(e for e in victims.entries if e.id == "PN").new is new


@pytest.mark.parametrize("kind", analytics.KINDS)
def test_the_previous_list_read_as_ids_is_ranks_list(store, kind):
    """rank_ids, the counting query alone, gives the ids and counts of rank's rows in its order
    (ties cut the same way), for a ward, the district and the force, at several dates."""
    for area in (ABBEY, "Northtown", "force"):
        scope = areas.resolve_in(areas.wards(store), area, None)
        for day in (AS_OF, PREVIOUS_BRIEFING, date(2026, 6, 27), date(2026, 3, 31)):
            for limit in (5, 2, 1, None):
                ranked = analytics.rank(store, scope, kind, "90d", day, limit=limit)
                ids = analytics.rank_ids(store, scope, kind, "90d", day, limit=limit)
                assert list(ids.columns) == ["id", "count"]
                assert ids["id"].tolist() == ranked["id"].tolist()
                assert ids["count"].tolist() == ranked["count"].tolist()


def test_no_previous_briefing_before_the_data_begins(store, state):
    early = compose.ward_briefing(reader(store, state), CASTLE, date(2025, 6, 18))
    assert all(not r.compared and r.new_count == 0 for r in early.repeats)


# --- the edge cases the issue names ---------------------------------------------------------------


def test_an_empty_week_and_a_ward_with_no_repeats(store, state):
    beacon = compose.ward_briefing(reader(store, state), BEACON, AS_OF)
    assert (beacon.recent_crimes, beacon.recent_calls, beacon.recent) == (0, 0, ())
    assert all(r.total == 0 and r.entries == () for r in beacon.repeats)
    assert next(f for f in beacon.headline if f.measure == "crimes").count == 3


def test_a_missing_month_is_named_and_counted_over_the_days_covered(abbey):
    assert "no crime data for May 2026" in abbey.reading.gaps
    crimes = next(f for f in abbey.headline if f.measure == "crimes")
    assert crimes.coverage == "59 of 90 days; no crime data for May 2026"
    missing = next(f for f in abbey.headline if f.measure == "missing_episodes")
    assert missing.count is None and missing.significance == stats.NO_DATA  # no covered day: no figure
    assert missing.previous_count == 2


def test_tables_not_held_are_not_zero(tmp_path, state):
    store = Store(briefing_data.write(tmp_path / "plain", with_optional=False), cache=tmp_path / "snap")
    try:
        briefing = compose.ward_briefing(reader(store, state), ABBEY, AS_OF)
        breakdown = compose.district_breakdown(reader(store, state), "Northtown", AS_OF)
    finally:
        store.close()
    assert not briefing.powers_held and briefing.power_counts == () and briefing.power_uses == ()
    assert not briefing.wanted_held and briefing.wanted_count is None and briefing.wanted == ()
    assert all(r.powers is None and r.wanted is None for r in breakdown.rows)


# --- each role's view, and the audit ------------------------------------------------------------------


def test_a_viewer_gets_counts_and_never_a_person(store, state):
    before = len(state.audit.records(limit=100_000))
    briefing = compose.ward_briefing(reader(store, state, VIEWER), ABBEY, AS_OF)
    assert not briefing.reading.names_shown and briefing.ids == ()
    assert all(r.entries == () for r in briefing.repeats)
    assert next(r for r in briefing.repeats if r.kind == "victims").total == 6
    assert (briefing.recent_crimes, briefing.recent_calls) == (3, 3)  # counts from the comparison of 7 days
    assert all(g.events == () for g in briefing.recent)
    assert briefing.wanted == () and briefing.wanted_count == 2 and briefing.power_uses == ()
    assert len(state.audit.records(limit=100_000)) == before  # nothing person-level was read


def test_producing_a_briefing_is_audited_as_its_reader(store, state):
    first = state.audit.records(limit=1)[0]["seq"] if state.audit.records(limit=1) else 0
    briefing = compose.ward_briefing(reader(store, state, OFFICER), ABBEY, AS_OF)
    added = [r for r in state.audit.records(limit=1000) if r["seq"] > first]
    assert {r["user_email"] for r in added} == {OFFICER.email} and {r["wards"] for r in added} == {ABBEY}
    assert {r["action"] for r in added} == {"rank", "rank_ids", "recent_events", "powers_used", "wanted_list"}
    assert len([r for r in added if r["action"] == "rank"]) == 5  # the five lists shown
    # who was on each list as at the last briefing: read as ids only, and audited as read
    previous = [r for r in added if r["action"] == "rank_ids"]
    assert len(previous) == 5 and all(f'"as_of":"{PREVIOUS_BRIEFING}"' in r["params"] for r in previous)
    assert "PN" in briefing.ids and "PZ" not in briefing.ids


def test_an_unknown_ward_a_ward_not_yours_and_a_date_outside_the_data(store, state):
    with pytest.raises(Refused, match="unknown area 'E05999999'"):
        compose.ward_briefing(reader(store, state), "E05999999", AS_OF)
    with pytest.raises(Refused, match="holds no ward you may see"):
        compose.ward_briefing(reader(store, state, OFFICER), CASTLE, AS_OF)
    with pytest.raises(UsageError, match="as-of date 2030-01-01 is outside the data, which runs from 2025-06-15"):
        compose.ward_briefing(reader(store, state), ABBEY, date(2030, 1, 1))
    with pytest.raises(UsageError, match="is a district or the force"):
        compose.ward_briefing(reader(store, state), "Northtown", AS_OF)
    with pytest.raises(UsageError, match="cadence must be a whole number of days from 1 to 90"):
        compose.ward_briefing(reader(store, state), ABBEY, AS_OF, cadence_days=0)


# --- part 2 ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def northtown(store, state):
    return compose.district_breakdown(reader(store, state, INSPECTOR), "Northtown", AS_OF)


def test_the_breakdown_has_every_ward_with_the_ward_pages_counts(store, northtown):
    assert {r.ward_code for r in northtown.rows} == {ABBEY, BEACON}
    for row in northtown.rows:
        page = analytics.headline(store, Scope((row.ward_code,)), "90d", AS_OF).set_index("measure")
        for figure in row.figures:
            expected = page.loc[figure.measure, "count"]
            assert figure.count == (None if pd.isna(expected) else int(expected))
    counts = repeat_counts.repeat_counts(store, Scope((ABBEY, BEACON)), "90d", AS_OF).set_index("ward_code")
    assert {r.ward_code: r.repeats for r in northtown.rows} == {w: counts.loc[w].to_dict() for w in (ABBEY, BEACON)}


def test_the_breakdowns_verdicts_hold_the_false_discovery_rate_over_the_table(store, northtown):
    frames = [analytics.headline(store, Scope((w,)), "90d", AS_OF).assign(ward_code=w) for w in (ABBEY, BEACON)]
    tested = stats.compare_table(pd.concat(frames, ignore_index=True))
    expected = dict(zip(zip(tested["ward_code"], tested["measure"]), tested["significance"]))
    got = {(r.ward_code, f.measure): f.significance for r in northtown.rows for f in r.figures}
    assert got == expected and northtown.tested == tested.attrs["tested"]


def test_wards_needing_attention_come_first_with_the_reason(northtown):
    assert [r.ward_code for r in northtown.rows] == [ABBEY, BEACON]
    abbey, beacon = northtown.rows
    assert abbey.attention == 0 and abbey.reasons[0].startswith("Crimes rose from 5 to 44: a real rise")
    assert "1 person newly wanted (2 wanted in all)" in abbey.reasons
    assert beacon.attention == 2 and beacon.reasons == ("No real change in crimes, calls, ASB or missing episodes",)
    assert (abbey.powers, abbey.powers_before, abbey.wanted, abbey.wanted_new) == (2, 0, 2, 1)


def test_the_breakdown_lists_the_districts_own_repeats_and_the_wanted_by_reason(northtown):
    victims = next(r for r in northtown.repeats if r.kind == "victims")
    assert [e.id for e in victims.entries][:2] == ["PA", "PN"] and victims.entries[1].new
    assert dict(northtown.wanted_reasons) == {"Suspect circulated": 1, "Recall to prison": 1}
    assert "PZ" not in northtown.ids  # Castle's people are another district's


def test_the_plan_of_an_area(store, state):
    force = compose.plan(reader(store, state), "force")
    assert [w[0] for w in force.wards] == [ABBEY, BEACON, CASTLE] and force.districts == ("Northtown", "Southvale")
    assert compose.plan(reader(store, state), ABBEY).districts == ()
    mine = compose.plan(reader(store, state, OFFICER), "force")  # an officer's force is their wards
    assert [w[0] for w in mine.wards] == [ABBEY] and mine.districts == ("Northtown",)


def test_public_data_has_no_people_and_lists_the_month_not_the_last_7_days(tmp_path, state):
    """Data shaped like data.police.uk's: every record on the first of its month, no people.
    Person lists say not held (never 0), and the month to the as-of date stands for the last 7
    days, as on the Ward page."""
    from demand.briefings import render
    from demand.fixtures import write_extracts

    crimes = [{"crime_id": f"R{m}{n}", "recorded_at": f"2026-0{m}-01 00:00", "location_id": "L1"}
              for m in range(1, 7) for n in range(2)]
    store = Store(write_extracts(tmp_path / "public", crimes=crimes), cache=tmp_path / "snap")
    try:
        briefing = compose.ward_briefing(reader(store, state), ABBEY, date(2026, 6, 1))
    finally:
        store.close()
    reading = briefing.reading
    assert reading.month_dated and not reading.person_level
    assert (reading.recent_days, reading.recent_label, briefing.recent_crimes) == (1, "June 2026", 2)
    people = [r for r in briefing.repeats if r.kind != "locations"]
    assert all(not r.held and r.total is None and r.entries == () for r in people)
    places = next(r for r in briefing.repeats if r.kind == "locations")
    assert places.held and places.total == 1 and places.entries[0].id == "L1"
    html = render.html(briefing)
    assert "Not held: this data has no people" in html and "Repeat victims (0" not in html
    assert "June 2026" in html and "OFFICIAL: public data (no people)" in html and "OFFICIAL-SENSITIVE" not in html


def test_the_wards_open_plans_from_the_register(store, tmp_path, monkeypatch):
    """Part 1 lists the ward's problem-solving plans not yet closed, the stalest first, as Staffordshire's
    document reminds officers of their packages and when each was last updated; part 2 counts them
    per ward. A viewer sees no plan (plans name people and places)."""
    from demand.briefings import render
    from demand.plans.service import PlanDesk
    from demand.state import plans as plan_state

    fresh = open_state(f"sqlite:///{tmp_path / 'plans.db'}")
    try:
        desk = PlanDesk(reader(store, fresh), fresh.plans)
        monkeypatch.setattr(plan_state, "now_utc", lambda: "2026-01-05T09:00:00.000000Z")  # long ago
        old = desk.create({"title": "Shop theft at LA1", "kind": "location", "targets": ["LA1"], "ward_code": ABBEY})
        monkeypatch.undo()
        recent = desk.create({"title": "PN burglaries", "kind": "victim", "targets": ["PN"], "ward_code": ABBEY,
                              "response_date": "2026-06-29"})
        closed = desk.create({"title": "Done", "kind": "location", "targets": ["LA1"], "ward_code": ABBEY})
        desk.close(closed.id)
        desk.create({"title": "Beacon plan", "kind": "area", "targets": [BEACON], "ward_code": BEACON})
        briefing = compose.ward_briefing(reader(store, fresh), ABBEY, AS_OF, plans=fresh.plans)
        breakdown = compose.district_breakdown(reader(store, fresh, INSPECTOR), "Northtown", AS_OF, plans=fresh.plans)
        public = compose.ward_briefing(reader(store, fresh, VIEWER), ABBEY, AS_OF, plans=fresh.plans)
    finally:
        fresh.close()
    assert [p.id for p in briefing.plans] == [old.id, recent.id]  # the stalest first; the closed one not at all
    assert briefing.plans[0].stale and briefing.plans[0].kind == "repeat location"
    assert not briefing.plans[1].stale and briefing.plans[1].response_date == date(2026, 6, 29)
    assert {r.ward_code: (r.plans_open, r.plans_stale) for r in breakdown.rows} == {ABBEY: (2, 1), BEACON: (1, 0)}
    assert public.plans is None
    html = render.html(briefing)
    assert "Shop theft at LA1" in html and "not updated for" in html and "no response date" in html
    assert "Problem-solving plans" not in render.html(public)
    assert "Open plans" in render.html(breakdown)


def test_without_a_register_there_is_no_plans_section(abbey):
    from demand.briefings import render

    assert abbey.plans is None and "Problem-solving plans" not in render.html(abbey)
