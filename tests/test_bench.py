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

    text = out.read_text()
    for heading in ("## Targets", "## Analyses", "## Pages", "## Concurrent sessions and processes",
                    "## Memory and build"):
        assert heading in text
    assert "| public export, district, 12 months: the counts read |" in text


def _analysis(name: str, product: float, floor: float, pandas: float) -> dict:
    return {"name": name, "group": "ranking", "product": {"p50": product, "p95": product}, "floor": {"p50": floor},
            "pandas": {"p50": pandas}, "target_ms": None, "ratio_target": 1.5, "pandas_target": 10, "agree": True}


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
