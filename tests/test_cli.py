"""The analysis commands: csv output and one-line errors with exit status 2."""

import io

import pandas as pd
import pytest

from demand.cli import main
from demand.fixtures import ABBEY, write_extracts
from demand.stats import e_test

CRIMES = [
    {"crime_id": "R1", "recorded_at": "2026-06-30 23:59", "location_id": "L1"},
    {"crime_id": "R2", "recorded_at": "2026-06-01 10:00", "location_id": "L1"},
    {"crime_id": "R3", "recorded_at": "2026-01-10 10:00", "location_id": "L2"},
]
LINKS = [{"crime_id": "R1", "person_id": "P1"}, {"crime_id": "R2", "person_id": "P1"},
         {"crime_id": "R3", "person_id": "P2"}]


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    data = write_extracts(tmp_path / "x", crimes=CRIMES, crime_people=LINKS)
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "cache"))

    def _run(*args):
        code = main(["--data", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def csv(text):
    return pd.read_csv(io.StringIO(text))


def test_rank_csv(run):
    code, out, _ = run("rank", "--kind", "victims", "--area", ABBEY, "--window", "90d", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("rank,id,name,count,previous_count")
    frame = csv(out)
    assert frame[["rank", "id", "count"]].values.tolist() == [[1, "P1", 2]]


def test_rank_min_count_and_as_of(run):
    code, out, _ = run("rank", "--kind", "victims", "--as-of", "2026-06-29", "--min-count", "1", "--format", "csv")
    assert code == 0 and csv(out)["count"].tolist() == [1]


def test_rank_days_for_rules(run):
    code, out, _ = run("rank", "--kind", "victims", "--days", "365", "--min-count", "1", "--format", "csv")
    assert code == 0 and csv(out)["id"].tolist() == ["P1", "P2"]


def test_compare_csv(run):
    code, out, _ = run("compare", "--area", "Northtown", "--window", "12m", "--by", "category", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == (
        "group,count,previous_count,change,pct_change,p,p_adjusted,rate_ratio,ci_low,ci_high,significance,"
        "exposure_days,previous_exposure_days,months_missing,coverage,previous_coverage")
    row = csv(out).iloc[0]
    assert row["group"] == "Shoplifting" and row["count"] == 3
    # The data begins in January 2026 (coverage derived from the first to the last event): the
    # 12 months to 2026-06-30 hold 181 covered days, the 12 before them none, so no number.
    assert (row["exposure_days"], row["previous_exposure_days"]) == (181, 0)
    assert pd.isna(row["previous_count"]) and row["significance"] == "no_data"
    assert row["coverage"] == "6 of 12 months; no crime data for July to December 2025"


def test_compare_90d_tests_by_exposure(run):
    _code, out, _ = run("compare", "--area", ABBEY, "--window", "90d", "--format", "csv")
    row = csv(out).iloc[0]  # 2 crimes in the 90 days to 2026-06-30 (R1, R2), 1 before (R3)
    assert (row["count"], row["previous_count"], row["change"]) == (2, 1, 1)
    assert row["p"] == pytest.approx(e_test(2, 1)) and row["significance"] == "no_change"
    assert row["rate_ratio"] == 2 and row["ci_low"] < 1 < row["ci_high"]


def test_compare_by_ward_json(run):
    code, out, _ = run("compare", "--area", "Northtown", "--by", "ward", "--format", "json")
    assert code == 0 and '"group":"E05000001"' in out.replace(" ", "")


def test_concentration_csv(run):
    code, out, _ = run("concentration", "--kind", "victims", "--window", "12m", "--format", "csv")
    assert code == 0
    row = csv(out).iloc[0]
    assert (row["entities"], row["events"], row["top_10pct_share"]) == (2, 3, pytest.approx(2 / 3))


def test_timeline_csv(run):
    code, out, _ = run("timeline", "--person", "P1", "--format", "csv")
    assert code == 0 and csv(out)["event_id"].tolist() == ["R2", "R1"]


@pytest.mark.parametrize("args, message", [
    (("rank", "--kind", "victims", "--area", "E05999999"), "unknown area 'E05999999'"),
    (("rank", "--kind", "victims", "--area", "Nowhere"), "Northtown; Southvale"),
    (("rank", "--kind", "witnesses"), "choose one of victims, offenders, callers, missing, locations"),
    (("concentration", "--kind", "streets"), "choose one of victims, offenders"),
    (("rank", "--kind", "victims", "--window", "30d"), "choose one of 7d, 28d, 90d, 12m"),
    (("compare", "--window", "1y"), "choose one of 7d, 28d, 90d, 12m"),
    (("compare", "--by", "street"), "choose one of category, call_type, missing, ward"),
    (("rank", "--kind", "victims", "--as-of", "30/06/2026"), "is not a date: give YYYY-MM-DD"),
    (("compare", "--as-of", "2026-02-30"), "is not a date"),
    (("rank", "--kind", "victims", "--as-of", "2026-07-01"), "runs from 2026-01-10 to 2026-06-30"),
    (("compare", "--as-of", "2025-12-31"), "runs from 2026-01-10 to 2026-06-30"),
    (("timeline", "--person", "P404"), "no person with reference 'P404' has an event in the whole force"),
    (("timeline", "--location", "L404"), "no location with reference 'L404' has an event in the whole force"),
])
def test_bad_input_is_one_line_and_exit_2(run, args, message):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and err.startswith("error: ")
