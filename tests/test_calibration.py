"""The calibration report over the small synthetic force, and that it can fail."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from demand import calibration


@pytest.fixture(scope="module")
def measures(small_force):
    return calibration.measure(small_force)


def value(measures, prefix):
    found = [m for m in measures if m.name.startswith(prefix)]
    assert len(found) == 1, (prefix, [m.name for m in found])
    return found[0].value


def test_every_measure_within_target(measures):
    failed = [(m.name, m.value, m.target_text) for m in measures if not m.ok]
    assert failed == []
    assert len(measures) >= 40


@pytest.mark.parametrize("prefix, lo, hi", [
    ("victims: share held by top 10%", 0.30, 0.55),
    ("crime locations: share held by top 5%", 0.35, 0.65),
    ("offenders/suspects: share held by top 10%", 0.40, 0.65),
    ("missing: episodes per missing person", 1.3, 2.0),
    ("callers with >= 100 calls", 3, 6),
    ("crimes: violence and sexual offences share", 0.30, 0.40),
    ("crimes with a reporting person but no victim", 0.05, 0.11),
    ("crimes with no person linked", 0.025, 0.055),
    ("locations defaulted to a street", 0.08, 0.12),
    ("calls: caller not recorded", 0.22, 0.28),
    ("cohort of", 0.60, 0.80),
])
def test_calibration_bands(measures, prefix, lo, hi):
    assert lo <= value(measures, prefix) <= hi


def test_calls_more_concentrated_than_crimes(measures):
    calls = value(measures, "call locations: share held by top 5%")
    crimes = value(measures, "crime locations: share held by top 5%")
    assert calls > crimes


def test_repeats_cluster_in_time(measures):
    for m in measures:
        if "share of repeat gaps" in m.name:
            assert m.ok, m


def test_stories_are_measured(measures):
    names = [m.name for m in measures]
    assert sum(n.startswith("hotspot ") for n in names) in (2, 3)
    assert sum(n.startswith("rising ") for n in names) >= 2
    assert any(n.startswith("care home ") for n in names)


def test_report_is_an_aligned_table(measures):
    report = calibration.format_report(measures)
    lines = report.splitlines()
    assert len(lines) == len(measures) + 3
    body = lines[2:-1]
    assert len({line.index(" ok ") if " ok " in line else line.index(" NO ") for line in body}) == 1
    assert lines[-1] == f"{len(measures)} of {len(measures)} measures within target"


def test_a_broken_extract_fails_the_report(small_force, tmp_path):
    """Crimes put into the outage month must show up as a failed measure."""
    broken = tmp_path / "broken"
    shutil.copytree(small_force, broken)
    con = duckdb.connect()
    gap = con.execute(f"SELECT month FROM '{broken / 'coverage.parquet'}' WHERE NOT covered").fetchone()[0]
    con.execute(f"""COPY (SELECT * REPLACE (CASE WHEN crime_id <= 'R00000100' THEN ?::TIMESTAMP + INTERVAL 1 HOUR
                                                  ELSE recorded_at END AS recorded_at)
                          FROM '{small_force / 'crimes.parquet'}')
                    TO '{broken / 'crimes.parquet'}' (FORMAT parquet)""", [gap])
    con.close()
    bad = {m.name for m in calibration.measure(broken) if not m.ok}
    assert "coverage: crimes inside uncovered months" in bad
