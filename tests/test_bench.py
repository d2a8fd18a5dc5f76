"""The benchmark runs at small scale and writes its report; product, floor and pandas agree.

A measurement, never a timed test: nothing here asserts a duration.
"""

import json

from demand.cli import main


def test_bench_runs_on_the_small_force_and_writes_its_report(small_force, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEMAND_BENCH_CACHE", str(tmp_path / "bench-cache"))
    out, figures = tmp_path / "REPORT.md", tmp_path / "figures.json"
    code = main(["bench", "--extracts", str(small_force), "--parts", "analyses", "--repeat", "1",
                 "--out", str(out), "--json", str(figures)])
    assert code == 0, capsys.readouterr().err  # 0 only when every analysis agrees three ways

    result = json.loads(figures.read_text())
    analyses = {row["name"]: row for row in result["analyses"]}
    assert all(row["agree"] for row in analyses.values())
    # every kind of ranking for a ward, a district and the force, the Callers tab's page, the
    # district's comparisons, timelines and a public export through its real path
    for area in ("ward", "district", "force"):
        for kind in ("victims", "offenders", "callers", "missing", "locations"):
            assert any(name.startswith(f"rank {kind}, {area},") for name in analyses), (kind, area)
    for name in ("Callers tab, force, 12m: page 1 of the full list", "compare by ward, district, 12m",
                 "ward × category matrix, district, 90d", "timeline of the busiest person",
                 "timeline of the busiest location",
                 "public export, district, 12 months: counts, disclosure control, CSV file"):
        assert name in analyses
        assert set(analyses[name]["compared"]) == {"product", "floor", "pandas"}, name

    # the product's time in its queries is part of its time, and every analysis reads the data
    for name, row in analyses.items():
        assert 0 < row["queries"]["p50"] <= row["product"]["p50"], name

    text = out.read_text()
    for heading in ("## Targets", "## Analyses", "## Pages", "## Concurrent sessions and processes",
                    "## Memory and build"):
        assert heading in text
    assert "| public export, district, 12 months: the counts read |" in text
    assert "| its queries p50 |" in text and "| queries ÷ floor |" in text
    # each query a ranking of places runs, timed apart: the counting and the rows' details
    assert set(analyses["rank locations, ward, 90d, top 50"]["by_query"]) == {"rank_locations",
                                                                              "rank_location_details"}


def _analysis(name: str, product: float, floor: float, pandas: float, queries: float | None = None) -> dict:
    row = {"name": name, "group": "ranking", "product": {"p50": product, "p95": product}, "floor": {"p50": floor},
           "pandas": {"p50": pandas}, "target_ms": None, "ratio_target": 1.5, "pandas_target": 10, "agree": True}
    if queries is not None:
        row["queries"] = {"p50": queries, "p95": queries}
    return row


def test_the_report_says_where_even_the_floor_misses_the_pandas_target():
    from demand.bench import report

    # A: pandas 120 ÷ product 10 = 12 (met), ÷ floor 8 = 15; B: 50 ÷ 20 = 2.5 (missed), ÷ floor 10 = 5
    result = {"analyses": [_analysis("A", 10, 8, 120), _analysis("B", 20, 10, 50)], "pages": [],
              "serving_peak_mb": 0, "build_s": 1.0, "concurrency": []}
    rows = {target: (measured, met) for target, measured, met in report.summary(result)}
    measured, met = rows["pandas ÷ product ≥ 10 for rankings and comparisons"]
    assert measured == "least 2.5 (B); met by 1 of 2, by the floor itself for 1"
    assert met is False
    assert report.pandas_over_floor(result["analyses"][1]) == 5


_RUN = {"scale": "small", "started": "2026-11-30 01:00", "finished": "2026-11-30 01:05", "repeat": 9,
        "machine": {"cpu": "cpu", "cores": 2, "memory_gb": 24, "system": "Linux", "python": "3.11",
                    "duckdb": "2.0.0", "duckdb_limits": ("768MB", 2)},
        "load": "1.0", "load_analyses": "1.0", "load_pages": "n/a", "load_concurrency": "n/a", "rows": {"calls": 10},
        "places": {"ward": "E1", "ward_name": "Abbey", "district": "D", "district_wards": 2, "as_of": "2026-10-31"},
        "pandas_load_s": 1.0, "pages_peak_mb": 0}


def test_the_report_tells_the_products_queries_from_the_rest_of_its_time():
    from demand.bench import report

    # A: product 30 ÷ floor 10 = 3.0, its queries 12 ÷ 10 = 1.2; B: 16 ÷ 8 = 2.0, queries 12 ÷ 8 = 1.5
    result = {"analyses": [_analysis("A", 30, 10, 300, queries=12), _analysis("B", 16, 8, 200, queries=12)],
              "pages": [], "serving_peak_mb": 0, "build_s": 1.0, "concurrency": []}
    rows = {target: (measured, met) for target, measured, met in report.summary(result)}
    measured, met = rows["product ÷ floor ≤ 1.5 for every analysis"]
    assert measured == "worst 3.00 (A); its queries alone ÷ floor: worst 1.50 (B)"
    assert met is False
    assert report.queries_over_floor(result["analyses"][0]) == 1.2
    assert report.queries_over_floor(_analysis("C", 16, 8, 200)) is None  # not measured: no ratio

    # where the time goes, for A and B (both miss product ÷ floor), each query apart
    result["analyses"][0]["by_query"] = {"rank_missing": 5.0, "rank_person_details": 7.0}
    result["analyses"][1]["by_query"] = {"headline": 12.0}
    text = report.render({**result, **_RUN})
    assert "| A | 30 | 10 | rank_missing 5.0, rank_person_details 7.0 | 18 |" in text
    assert "| B | 16 | 8.0 | headline 12 | 4.0 |" in text


class _Store:
    """A store whose queries take 5 ticks of a fake clock, and which knows one other thing."""

    def __init__(self, now: list[float]):
        self.now = now
        self.name = "the store's own"

    def _query(self, name, scope=None, **params):
        self.now[0] += 5
        if name == "broken":
            raise ValueError(name)
        return name, params


def test_the_query_clock_counts_the_time_in_queries_only():
    import pytest

    from demand.bench.timing import QueryClock

    now = [0.0]
    clock = QueryClock(_Store(now), clock=lambda: now[0] / 1000)  # a tick is a millisecond

    def call():
        now[0] += 7  # the gate, statistics, frames: not a query
        first = clock._query("one", limit=3)
        clock._query("two")
        now[0] += 11
        return first

    answer, ms = clock.timed(call)
    assert answer == ("one", {"limit": 3})
    assert ms == pytest.approx(10)  # two queries of 5, not the 18 outside them
    assert clock.timed(lambda: clock._query("three"))[1] == pytest.approx(5)  # each call counted afresh
    assert clock.name == "the store's own"  # everything else is the store's
    with pytest.raises(ValueError):
        clock.timed(lambda: clock._query("broken"))
    assert clock.ms == pytest.approx(5)  # a query that fails is counted too


def test_a_time_measured_in_another_process_is_taken_as_measured():
    from demand.bench.timing import Measured, timed_ms

    assert timed_ms(lambda: Measured(5.0, ["P1"])) == (5.0, ["P1"])  # not the trip between processes
    ms, answer = timed_ms(lambda: ["P1"])
    assert answer == ["P1"] and ms >= 0
