"""The synthetic force: contract conformance, determinism, geography and planted stories.

Every check reads the written parquet files with plain SQL, as a user of the extract would.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from demand import geography, synth
from demand.schema import TABLES

# Contract type -> the DuckDB types the synthetic force is allowed to write for it.
WRITTEN_TYPES = {"VARCHAR": {"VARCHAR"}, "INTEGER": {"INTEGER", "BIGINT"}, "DOUBLE": {"DOUBLE"},
                 "BOOLEAN": {"BOOLEAN"}, "TIMESTAMP": {"TIMESTAMP"}, "DATE": {"DATE"}}
ID_PATTERNS = {("locations", "location_id"): r"^L\d{6,}$", ("persons", "person_id"): r"^P\d{7,}$",
               ("calls", "incident_id"): r"^C\d{8,}$", ("crimes", "crime_id"): r"^R\d{8,}$",
               ("missing_episodes", "episode_id"): r"^M\d{6,}$"}


@pytest.fixture(scope="module")
def db(small_force):
    con = duckdb.connect()
    for name in TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{small_force / (name + '.parquet')}')")
    yield con
    con.close()


@pytest.fixture(scope="module")
def manifest(small_force):
    return json.loads((small_force / "synth_manifest.json").read_text())


def q(db, sql, params=None):
    return db.execute(sql, params or []).fetchall()


def one(db, sql, params=None):
    return db.execute(sql, params or []).fetchone()[0]


def stop_of(manifest):
    return date.fromisoformat(manifest["end"]) + timedelta(days=1)


# --- contract ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLES))
def test_columns_and_types_follow_the_schema(db, name):
    table = TABLES[name]
    described = q(db, f"DESCRIBE {name}")
    assert [d[0] for d in described] == table.column_names
    for (col, typ, *_), column in zip(described, table.columns):
        assert typ in WRITTEN_TYPES[column.type], (name, col, typ)
    for column in table.columns:
        if not column.nullable:
            assert one(db, f"SELECT count(*) FROM {name} WHERE {column.name} IS NULL") == 0, column.name
        if column.allowed:
            bad = q(db, f"SELECT DISTINCT {column.name} FROM {name} WHERE {column.name} IS NOT NULL "
                        f"AND {column.name} NOT IN (SELECT unnest(?))", [list(column.allowed)])
            assert bad == [], (name, column.name, bad)
    if table.key:
        assert one(db, f"SELECT count(*) - count(DISTINCT {table.key}) FROM {name}") == 0


def test_timestamps_are_naive_microseconds(small_force):
    schema = pq.read_schema(small_force / "calls.parquet")
    ts = schema.field("received_at").type
    assert ts.unit == "us" and ts.tz is None


def test_ids_have_the_documented_form(db):
    for (table, column), pattern in ID_PATTERNS.items():
        assert one(db, f"SELECT count(*) FROM {table} WHERE NOT regexp_matches({column}, '{pattern}')") == 0


@pytest.mark.parametrize("name", ["calls", "crimes", "missing_episodes"])
def test_event_files_are_sorted_by_time(small_force, name):
    column = TABLES[name].time_column
    t = pq.read_table(small_force / f"{name}.parquet", columns=[column])[column].to_numpy()
    assert (np.diff(t.astype("int64")) >= 0).all()


def test_references_resolve(db):
    assert one(db, "SELECT count(*) FROM calls WHERE location_id NOT IN (SELECT location_id FROM locations)") == 0
    assert one(db, "SELECT count(*) FROM crimes WHERE location_id NOT IN (SELECT location_id FROM locations)") == 0
    assert one(db, """SELECT count(*) FROM missing_episodes
                      WHERE from_location_id NOT IN (SELECT location_id FROM locations)""") == 0
    for sql in ("SELECT caller_id FROM calls WHERE caller_id IS NOT NULL", "SELECT person_id FROM crime_people",
                "SELECT person_id FROM missing_episodes"):
        assert one(db, f"SELECT count(*) FROM ({sql}) x(p) WHERE p NOT IN (SELECT person_id FROM persons)") == 0
    assert one(db, "SELECT count(*) FROM crime_people WHERE crime_id NOT IN (SELECT crime_id FROM crimes)") == 0
    for table in ("locations", "calls", "crimes", "missing_episodes"):
        assert one(db, f"""SELECT count(*) FROM {table}
                           WHERE ward_code IS NOT NULL AND ward_code NOT IN (SELECT ward_code FROM wards)""") == 0


def test_wards_are_the_real_small_area(db):
    rows = q(db, "SELECT district_code, count(*) FROM wards GROUP BY 1 ORDER BY 1")
    assert rows == [("E06000016", 21), ("E07000135", 10)]


def test_events_lie_within_the_generated_range(db, manifest):
    start, stop = date.fromisoformat(manifest["start"]), stop_of(manifest)
    for table, column in (("calls", "received_at"), ("crimes", "recorded_at"), ("missing_episodes", "reported_at")):
        lo, hi = db.execute(f"SELECT min({column}), max({column}) FROM {table}").fetchone()
        assert lo.date() >= start and hi.date() < stop
    assert (stop - start).days in (1095, 1096)  # 3 years


# --- determinism -------------------------------------------------------------------------


def _differs(a, b, name) -> int:
    con = duckdb.connect()
    x, y = a / f"{name}.parquet", b / f"{name}.parquet"
    n = con.execute(f"""SELECT (SELECT count(*) FROM (SELECT * FROM '{x}' EXCEPT ALL SELECT * FROM '{y}'))
                             + (SELECT count(*) FROM (SELECT * FROM '{y}' EXCEPT ALL SELECT * FROM '{x}'))""").fetchone()[0]
    con.close()
    return n


def test_same_seed_same_tables_other_seed_different(small_force, tmp_path):
    again = tmp_path / "again"
    other = tmp_path / "other"
    synth.generate(again, scale="small", seed=1)
    synth.generate(other, scale="small", seed=2)
    for name in TABLES:
        assert _differs(small_force, again, name) == 0, name
    assert json.loads((again / "synth_manifest.json").read_text()) == \
        json.loads((small_force / "synth_manifest.json").read_text())
    for name in ("calls", "crimes", "persons", "locations"):
        assert _differs(small_force, other, name) > 0, name


# --- geography ---------------------------------------------------------------------------


def test_locations_fall_inside_their_ward(db):
    sample = q(db, """SELECT ward_code, lon, lat FROM locations USING SAMPLE reservoir(400 ROWS) REPEATABLE (7)""")
    geoms = {f["properties"]["ward_code"]: f["geometry"]
             for f in geography.load_ward_boundaries(["E06000016", "E07000135"])["features"]}
    for ward, lon, lat in sample:
        assert geography.contains(geoms[ward], [lon], [lat])[0], (ward, lon, lat)


def test_street_defaulted_locations_share_the_street_point(db):
    rows = q(db, """SELECT bool_and(address = street), count(DISTINCT (lat, lon)), count(*) FROM locations
                    WHERE precision = 'street' GROUP BY ward_code, street""")
    assert all(same_text and points == 1 for same_text, points, _ in rows)
    assert sum(n for *_, n in rows) > len(rows)  # several records defaulted to the same street


# --- defects and coverage ----------------------------------------------------------------


def test_coverage_gap_month_holds_no_crimes(db, manifest):
    gaps = q(db, "SELECT table_name, month FROM coverage WHERE NOT covered")
    assert gaps == [("crimes", date.fromisoformat(manifest["defects"]["coverage_gap"]["month"]))]
    month = gaps[0][1]
    assert one(db, "SELECT count(*) FROM crimes WHERE date_trunc('month', recorded_at) = ?", [month]) == 0
    # Every other covered month has crimes, and the gap month still has calls.
    empty = q(db, """SELECT g.month FROM coverage g WHERE g.table_name = 'crimes' AND g.covered
                     AND NOT EXISTS (SELECT 1 FROM crimes c WHERE date_trunc('month', c.recorded_at) = g.month)""")
    assert empty == []
    assert one(db, "SELECT count(*) FROM calls WHERE date_trunc('month', received_at) = ?", [month]) > 1000


def test_no_recorded_asb_and_consistent_call_flags(db):
    assert one(db, "SELECT count(*) FROM crimes WHERE category = 'Anti-social behaviour'") == 0
    assert one(db, "SELECT count(*) FROM calls WHERE incident_type = 'Anti-social behaviour' AND NOT asb") == 0
    assert one(db, "SELECT count(*) FROM calls WHERE incident_type = 'Mental health' AND NOT mental_health") == 0
    assert one(db, "SELECT count(*) FROM calls WHERE incident_type = 'Domestic incident' AND NOT domestic") == 0


def test_recent_crimes_mostly_await_an_outcome(db, manifest):
    stop = stop_of(manifest)
    recent = one(db, "SELECT avg((outcome IS NULL)::INT) FROM crimes WHERE recorded_at >= ?", [stop - timedelta(days=14)])
    old = one(db, "SELECT avg((outcome IS NULL)::INT) FROM crimes WHERE recorded_at < ?", [stop - timedelta(days=365)])
    assert recent > 0.6 and old < 0.01


# --- stories, found with plain SQL ---------------------------------------------------------


def test_emerging_hotspots(db, manifest):
    stop = stop_of(manifest)
    last90, prev90 = stop - timedelta(days=90), stop - timedelta(days=180)
    hotspots = manifest["stories"]["emerging_hotspots"]
    assert 2 <= len(hotspots) <= 3
    for h in hotspots:
        top = q(db, """SELECT location_id, count(*) AS n FROM crimes WHERE ward_code = ? AND recorded_at >= ?
                       GROUP BY 1 ORDER BY n DESC LIMIT 2""", [h["ward_code"], last90])
        assert top[0][0] == h["location_id"] and top[0][1] >= 2 * top[1][1]
        prev = one(db, "SELECT count(*) FROM crimes WHERE location_id = ? AND recorded_at >= ? AND recorded_at < ?",
                   [h["location_id"], prev90, last90])
        assert prev <= 3 and 2 * (math.sqrt(top[0][1]) - math.sqrt(prev)) >= 3


def test_rising_category(db, manifest):
    stop = stop_of(manifest)
    last90, prev90 = stop - timedelta(days=90), stop - timedelta(days=180)
    story = manifest["stories"]["rising_category"]
    assert story["category"] in TABLES["crimes"].column("category").allowed
    for ward in story["ward_codes"]:
        cur, prev = db.execute("""SELECT count(*) FILTER (WHERE recorded_at >= ?),
                                         count(*) FILTER (WHERE recorded_at < ?)
                                  FROM crimes WHERE ward_code = ? AND category = ? AND recorded_at >= ?""",
                               [last90, last90, ward, story["category"], prev90]).fetchone()
        assert 2 * (math.sqrt(cur) - math.sqrt(prev)) >= 3, (ward, prev, cur)


def test_cohort_calls_fall_after_the_intervention(db, manifest):
    cohort = manifest["stories"]["cohort"]
    iv = date.fromisoformat(cohort["intervention_date"])
    assert 14 <= (stop_of(manifest) - iv).days / 30.4 <= 16
    assert 15 <= len(cohort["person_ids"]) <= 25
    before, after = db.execute("""
        SELECT count(*) FILTER (WHERE received_at < ?), count(*) FILTER (WHERE received_at >= ?) FROM calls
        WHERE caller_id IN (SELECT unnest(?)) AND received_at >= ? AND received_at < ?""",
                               [iv, iv, cohort["person_ids"], date(iv.year - 1, iv.month, iv.day),
                                date(iv.year + 1, iv.month, iv.day)]).fetchone()
    assert before > 200
    assert 0.60 <= 1 - after / before <= 0.80


def test_care_home_is_the_top_missing_from_place(db, manifest):
    care = manifest["stories"]["care_home"]
    stop = stop_of(manifest)
    assert one(db, "SELECT location_type FROM locations WHERE location_id = ?", [care["location_id"]]) == "care home"
    top = q(db, """SELECT from_location_id, count(*) AS n FROM missing_episodes WHERE reported_at >= ?
                   GROUP BY 1 ORDER BY n DESC LIMIT 2""", [stop - timedelta(days=365)])
    assert top[0][0] == care["location_id"] and top[0][1] >= 40 and top[0][1] >= 3 * top[1][1]


def test_frequent_callers_are_a_handful(db, manifest):
    stop = stop_of(manifest)
    heavy = [r[0] for r in q(db, """SELECT caller_id FROM calls WHERE caller_id IS NOT NULL AND received_at >= ?
                                     GROUP BY 1 HAVING count(*) >= 100""", [stop - timedelta(days=365)])]
    assert 3 <= len(heavy) <= 6
    assert set(heavy) <= set(manifest["stories"]["frequent_callers"]["person_ids"])


def test_knife_carriers(db, manifest):
    stop = stop_of(manifest)
    for person in manifest["stories"]["knife_carriers"]["person_ids"]:
        n = one(db, """SELECT count(DISTINCT c.crime_id) FROM crimes c JOIN crime_people p USING (crime_id)
                       WHERE p.person_id = ? AND c.weapon AND p.role IN ('offender', 'suspect')
                       AND c.recorded_at >= ?""", [person, date(stop.year - 2, stop.month, 1)])
        assert n >= 3, person


def test_missing_people_are_mostly_children_found_within_days(db):
    child = one(db, """SELECT avg((p.birth_year BETWEEN 2008 AND 2014)::INT) FROM missing_episodes m
                       JOIN persons p USING (person_id)""")
    assert child > 0.6
    median_hours, open_ = db.execute("""SELECT median(epoch(found_at - reported_at) / 3600),
                                               count(*) FILTER (WHERE found_at IS NULL) FROM missing_episodes""").fetchone()
    assert 2 < median_hours < 48 and open_ >= 1
    assert one(db, "SELECT count(*) FROM missing_episodes WHERE found_at < reported_at") == 0


def test_scales_are_declared():
    assert set(synth.SCALES) == {"small", "force"}
    assert len(synth.SCALES["force"].districts) == 9
    assert synth.DEFAULT_END == date(2026, 10, 31)
