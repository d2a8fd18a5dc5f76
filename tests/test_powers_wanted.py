"""Powers used and people wanted (the optional tables), and the repeat counts per ward, against
answers worked out by hand on a crafted extract.

As of 2026-06-30 the 90d window is 2026-04-02 .. 2026-06-30 and the one before it
2026-01-02 .. 2026-04-01; the 28d window starts 2026-06-03. Northtown is Abbey and Beacon.
"""

from datetime import date, datetime

import pandas as pd
import pytest

from demand import analytics, areas, powers, records, repeat_counts, wanted
from demand.errors import UsageError
from demand.fixtures import ABBEY, BEACON, CASTLE, write_extracts
from demand.store import Scope

AS_OF = date(2026, 6, 30)
NORTH = Scope((ABBEY, BEACON))
FORCE = Scope((ABBEY, BEACON, CASTLE), include_unwarded=True)


def power(pid, at, kind, ward=ABBEY, **extra):
    return {"power_id": pid, "used_at": at, "power": kind, "ward_code": ward, **extra}


POWERS = [
    power("W1", "2026-06-29 10:00", "dispersal direction", person_id="P1", location_id="L1"),
    power("W2", "2026-06-01 10:00", "dispersal direction"),
    power("W3", "2026-03-15 10:00", "dispersal direction"),  # the 90 days before
    power("W4", "2026-05-05 10:00", "stop and search", person_id="P2", outcome="Arrest"),
    power("W5", "2026-05-06 10:00", "stop and search", ward=BEACON),
    power("W6", "2026-04-01 23:59", "stop and search"),  # the last minute of the 90 days before
    power("W7", "2026-06-30 23:59", "community protection warning", ward=CASTLE),
    power("W8", "2026-06-20 10:00", "stop and search", ward=None),  # no ward: the force's only
    power("W9", "2025-12-01 10:00", "closure order"),  # before both windows
]


def wanted_row(nid, person, since, ward=ABBEY, **extra):
    return {"wanted_id": nid, "person_id": person, "since": since, "ward_code": ward, **extra}


WANTED = [
    wanted_row("N1", "P1", "2026-06-01 09:00", warnings="weapons", location_id="L1"),
    wanted_row("N2", "P1", "2026-06-20 09:00", reason="Recall to prison"),  # P1 twice: one person
    wanted_row("N3", "P2", "2026-05-01 09:00", ended_at="2026-06-15 09:00"),  # arrested: no longer wanted
    wanted_row("N4", "P3", "2026-06-30 23:00"),  # wanted in the last hour of the day
    wanted_row("N5", "P4", "2026-07-01 00:00"),  # after the day: not yet
    wanted_row("N6", "P5", "2026-01-01 09:00", ward=BEACON, ended_at="2026-07-01 00:00"),  # until the day ended
    wanted_row("N7", "P6", "2026-06-25 09:00", ward=CASTLE),
]
# Events, so the data runs to the as-of date and the months are covered.
CRIMES = [{"crime_id": f"R{n}", "recorded_at": at, "ward_code": ward, "location_id": loc}
          for n, (at, ward, loc) in enumerate([
              ("2026-06-30 12:00", ABBEY, "L1"), ("2026-06-10 12:00", ABBEY, "L1"), ("2026-05-10 12:00", ABBEY, "L2"),
              ("2026-06-11 12:00", BEACON, "L3"), ("2026-06-12 12:00", BEACON, "L3"),
              ("2025-12-01 12:00", CASTLE, "L4"), ("2026-06-13 12:00", ABBEY, "L3")])]
LINKS = [{"crime_id": "R0", "person_id": "P1", "role": "victim"}, {"crime_id": "R1", "person_id": "P1", "role": "victim"},
         {"crime_id": "R2", "person_id": "P1", "role": "victim"},
         {"crime_id": "R3", "person_id": "P7", "role": "offender"}, {"crime_id": "R4", "person_id": "P7", "role": "suspect"},
         {"crime_id": "R4", "person_id": "P7", "role": "offender"},  # twice on one crime: counts once
         {"crime_id": "R6", "person_id": "P7", "role": "offender"}]  # P7: 2 in Beacon, 1 in Abbey
CALLS = [{"received_at": at, "caller_id": "P8", "ward_code": ward, "location_id": "L1"}
         for at, ward in (("2026-06-01 10:00", ABBEY), ("2026-06-02 10:00", ABBEY), ("2026-06-03 10:00", BEACON))]
MISSING = [{"person_id": "P9", "reported_at": at, "ward_code": ABBEY, "from_location_id": "L5"}
           for at in ("2026-05-01 10:00", "2026-06-01 10:00")]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from demand.store import Store

    data = write_extracts(tmp_path_factory.mktemp("powers"), crimes=CRIMES, crime_people=LINKS, calls=CALLS,
                          missing_episodes=MISSING, powers=POWERS, wanted=WANTED)
    opened = Store(data, cache=tmp_path_factory.mktemp("snap"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    """The same events, with neither optional table delivered."""
    from demand.store import Store

    data = write_extracts(tmp_path_factory.mktemp("none"), crimes=CRIMES, crime_people=LINKS, calls=CALLS)
    opened = Store(data, cache=tmp_path_factory.mktemp("snap_none"))
    yield opened
    opened.close()


def counted(frame: pd.DataFrame) -> dict:
    return {(w, p): (c, b) for w, p, c, b in zip(frame["ward_code"], frame["power"], frame["count"],
                                                  frame["previous_count"])}


def test_powers_are_counted_per_ward_and_power_in_each_window(store):
    assert counted(powers.power_counts(store, NORTH, "90d", AS_OF)) == {
        (ABBEY, "dispersal direction"): (2, 1), (ABBEY, "stop and search"): (1, 1), (BEACON, "stop and search"): (1, 0)}


def test_the_whole_force_adds_castle_and_the_powers_with_no_ward(store):
    whole = counted(powers.power_counts(store, FORCE, "90d", AS_OF))
    assert whole[(CASTLE, "community protection warning")] == (1, 0)
    assert {p: v for (w, p), v in whole.items() if w is None or pd.isna(w)} == {"stop and search": (1, 0)}
    assert sum(c for c, _ in whole.values()) == 6  # W1 W2 W4 W5 W7 W8


def test_each_use_is_listed_newest_first_with_the_person_named(store):
    used = powers.powers_used(store, Scope((ABBEY,)), "90d", AS_OF)
    assert used["power_id"].tolist() == ["W1", "W2", "W4"]
    assert used["name"].tolist()[0] == "Person P1" and used["address"].tolist()[0] == "L1 Test Street"
    assert used["outcome"].tolist()[2] == "Arrest"
    assert powers.powers_used(store, Scope((ABBEY,)), "28d", AS_OF)["power_id"].tolist() == ["W1"]
    assert powers.power_ids(used) == ["W1", "W2", "W4", "P1", "P2"]


def test_wanted_at_the_end_of_the_day_one_row_per_person(store):
    listed = wanted.wanted_list(store, Scope((ABBEY,)), AS_OF)
    assert listed["person_id"].tolist() == ["P3", "P1"]  # the most recently wanted first
    p1 = listed.set_index("person_id").loc["P1"]
    assert p1["since"] == pd.Timestamp("2026-06-01 09:00")  # the earliest current record
    assert p1["reason"] == "Failed to appear at court; Recall to prison" and p1["warnings"] == "weapons"
    assert p1["wanted_ids"] == "N1, N2" and p1["address"] == "L1 Test Street"


def test_wanted_on_an_earlier_day_is_who_was_wanted_then(store):
    # 2026-06-10: N3 (P2) not yet ended, N2 and N4 not yet begun
    listed = wanted.wanted_list(store, Scope((ABBEY,)), date(2026, 6, 10))
    assert listed["person_id"].tolist() == ["P1", "P2"]
    assert listed.set_index("person_id").loc["P1", "reason"] == "Failed to appear at court"


def test_wanted_counts_per_ward_with_the_newly_wanted(store):
    counts = wanted.wanted_counts(store, NORTH, AS_OF, new_since=date(2026, 6, 24)).set_index("ward_code")
    assert counts.loc[ABBEY].tolist() == [2, 1]  # P1 and P3; P3 since 30 June is new
    assert counts.loc[BEACON].tolist() == [1, 0]  # P5, wanted until the day ended
    nobody_new = wanted.wanted_counts(store, NORTH, AS_OF).set_index("ward_code")
    assert nobody_new["new"].tolist() == [0, 0]


def test_held_tables_say_which_optional_tables_were_delivered(store, without):
    assert records.held_tables(store)["powers"] and records.held_tables(store)["wanted"]
    held = records.held_tables(without)
    assert not held["powers"] and not held["wanted"] and held["crimes"]
    # the tables still read (empty), so a document can say "not held" instead of failing
    assert powers.power_counts(without, NORTH, "90d", AS_OF).empty
    assert wanted.wanted_counts(without, NORTH, AS_OF)["wanted"].tolist() == [0, 0]


def test_the_data_page_counts_say_not_held_rather_than_zero(store, without):
    info = analytics.table_info(without, FORCE).set_index("table_name")["row_count"]
    assert pd.isna(info["powers"]) and pd.isna(info["wanted"]) and info["crimes"] == len(CRIMES)
    info = analytics.table_info(store, NORTH).set_index("table_name")["row_count"]
    assert info["powers"] == 7 and info["wanted"] == 6  # Abbey's 6 and 5, Beacon's 1 and 1


def test_an_empty_delivered_table_is_held_and_zero(tmp_path, open_store):
    data = write_extracts(tmp_path / "empty", crimes=CRIMES, powers=[], wanted=[])
    store = open_store(data)
    assert records.held_tables(store)["powers"] is True
    assert analytics.table_info(store, FORCE).set_index("table_name").loc["powers", "row_count"] == 0


def test_a_power_outside_the_vocabulary_is_refused_by_name(tmp_path, open_store):
    from demand.store import ExtractError

    data = write_extracts(tmp_path / "bad", crimes=CRIMES, powers=[power("W1", "2026-06-01", "tasering")])
    with pytest.raises(ExtractError) as refused:
        open_store(data)
    assert "powers.parquet, column power, row 1: value 'tasering' is not one of" in str(refused.value)


# --- repeat counts per ward ---------------------------------------------------------------------


def test_repeat_counts_per_ward_by_hand(store):
    counts = repeat_counts.repeat_counts(store, NORTH, "90d", AS_OF).set_index("ward_code")
    # Abbey: victim P1 (3 crimes), caller P8 (2 calls), missing P9 (2), locations L1 (R0, R1 and 2 calls)
    # and L5 (P9's 2 episodes); Beacon: offender P7 (2 crimes, one linked twice), location L3 (R3, R4).
    # P7's Abbey crime (R6, at L3) is alone in Abbey, as are L2's.
    assert counts.loc[ABBEY].to_dict() == {"victims": 1, "offenders": 0, "callers": 1, "missing": 1, "locations": 2}
    assert counts.loc[BEACON].to_dict() == {"victims": 0, "offenders": 1, "callers": 0, "missing": 0, "locations": 1}


@pytest.mark.parametrize("kind", repeat_counts.REPEAT_KINDS)
def test_repeat_counts_are_the_lengths_of_each_wards_repeat_list(store, kind):
    counts = repeat_counts.repeat_counts(store, FORCE, "90d", AS_OF).set_index("ward_code")
    for ward in (ABBEY, BEACON, CASTLE):
        assert counts.loc[ward, kind] == len(analytics.rank(store, Scope((ward,)), kind, "90d", AS_OF)), ward


def test_repeat_counts_refuse_a_bad_minimum(store):
    with pytest.raises(UsageError, match="at least 1"):
        repeat_counts.repeat_counts(store, NORTH, "90d", AS_OF, min_count=0)


@pytest.mark.parametrize("kind", repeat_counts.REPEAT_KINDS)
def test_repeat_counts_match_the_rankings_on_the_synthetic_force(small_store, kind):
    """The whole force's 31 wards, with its unwarded events, defaulted locations, repeated links and
    a month the crime source lacks."""
    everything = Scope(tuple(areas.wards(small_store)["ward_code"]))
    counts = repeat_counts.repeat_counts(small_store, everything, "90d", date(2026, 10, 31)).set_index("ward_code")
    for ward in list(counts.index)[:: max(1, len(counts) // 6)]:
        ranked = analytics.rank(small_store, Scope((ward,)), kind, "90d", date(2026, 10, 31))
        assert counts.loc[ward, kind] == len(ranked), ward


def test_the_synthetic_force_writes_both_tables(small_store):
    assert records.held_tables(small_store) == {**records.held_tables(small_store), "powers": True, "wanted": True}
    used = powers.power_counts(small_store, Scope(("E05010463",)), "90d", date(2026, 10, 31))
    assert used["count"].sum() > 0 and "stop and search" in set(used["power"])
    at_end = wanted.wanted_list(small_store, Scope(("E05010463",)), date(2026, 10, 31))
    assert len(at_end) > 0 and at_end["since"].max() <= datetime(2026, 11, 1)


def test_an_import_carries_the_optional_tables_and_leaves_them_out_when_absent(tmp_path):
    """Contract-shaped extracts through `ingest extracts`: powers and wanted are published as
    delivered; extracts without them publish none, so the data says "not held" (not zero)."""
    from demand.ingest import extracts

    source = write_extracts(tmp_path / "with", crimes=CRIMES, powers=POWERS, wanted=WANTED)
    out = tmp_path / "out_with"
    out.mkdir()
    report = extracts.import_folder(source, out)
    assert report.tables["powers"] == len(POWERS) and report.tables["wanted"] == len(WANTED)
    plain = write_extracts(tmp_path / "without", crimes=CRIMES)
    out = tmp_path / "out_without"
    out.mkdir()
    report = extracts.import_folder(plain, out)
    assert "powers" not in report.tables and not (out / "powers.parquet").exists()
    assert not (out / "wanted.parquet").exists() and (out / "crimes.parquet").exists()
