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
