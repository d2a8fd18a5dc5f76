"""One benchmark run: the data, the snapshot build, the analyses three ways (interleaved), the
first call of a fresh process, the pages, concurrent sessions and processes, memory.

``measure(...)`` returns a plain dict of everything measured; ``demand.bench.report`` writes
it as Markdown. ``python -m demand bench`` (demand/cli/bench.py) runs both.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from demand import config, serving
from demand.bench import cases as bench_cases
from demand.bench.timing import LoadWatch, QueryClock, Samples, interleaved, timed_ms
from demand.bench.worker import ANALYST, Apart
from demand.reader import Reader
from demand.state import open_state
from demand.store import TABLES, Store, build_snapshot, fingerprint, snapshot_file

CACHE_ENV = "DEMAND_BENCH_CACHE"
SCALES = ("small", "force")
PARTS = ("analyses", "first", "pages", "sessions")


def cache_root() -> Path:
    """Where generated extracts and their snapshots are kept between runs (outside git)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "repeat-demand" / "bench")


def extracts(scale: str, seed: int = 1, say=print) -> Path:
    """The synthetic force at ``scale``, generated once and reused."""
    folder = cache_root() / f"{scale}-seed{seed}"
    if not (folder / "synth_manifest.json").exists():
        from demand import synth

        say(f"writing the {scale} synthetic force (seed {seed}) to {folder} ...")
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        synth.generate(folder, scale=scale, seed=seed)
        say(f"  written in {time.perf_counter() - started:.0f} s")
    return folder


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal"))
    except (OSError, StopIteration, ValueError):
        memory_kb = 0
    import duckdb

    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "system": f"{platform.system()} {platform.release()}", "duckdb_limits": config.duckdb_limits()}


def row_counts(snapshot) -> dict[str, int]:
    cursor = snapshot.cursor()
    try:
        return {t: cursor.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES
                if cursor.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [t]).fetchone()[0]}
    finally:
        cursor.close()


def build(data: Path, cache: Path, say=print) -> float:
    """Seconds to build the snapshot from the extracts (check, load, sort, derived tables),
    into a fresh folder; the result is kept in ``cache`` for the rest of the run."""
    with tempfile.TemporaryDirectory(dir=cache.parent if cache.parent.exists() else None) as work:
        target = Path(work) / f"snapshot-{fingerprint(data)}.duckdb"
        started = time.perf_counter()
        build_snapshot(data, target)
        seconds = time.perf_counter() - started
        kept = snapshot_file(data, cache)
        if not kept.exists():
            cache.mkdir(parents=True, exist_ok=True)
            shutil.move(target, kept)
    say(f"snapshot built in {seconds:.1f} s")
    return seconds


def _worker(action: str, job: dict, timeout: float = 3600) -> dict:
    done = subprocess.run([sys.executable, "-m", "demand.bench.worker", action, json.dumps(job, default=str)],
                          check=False, capture_output=True, text=True, timeout=timeout, cwd=config.PROJECT_DIR)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark worker {action} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def concurrency(job: dict, processes: int, sessions: int, rounds: int) -> dict:
    """``processes`` app processes of ``sessions`` threads each, started together over the same
    snapshot file: calls a second in all, latency p50 and p95, peak memory per process."""
    command = [sys.executable, "-m", "demand.bench.worker", "serve"]
    payload = json.dumps({**job, "sessions": sessions, "rounds": rounds}, default=str)
    running = [subprocess.Popen([*command, payload], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=config.PROJECT_DIR) for _ in range(processes)]
    for process in running:
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"a serving worker did not start: {line}{process.stderr.read()[-3000:]}")
    for process in running:  # all at once
        process.stdin.write("go\n")
        process.stdin.flush()
    reports = []
    for process in running:
        out, err = process.communicate(timeout=3600)
        if process.returncode != 0:
            raise RuntimeError(f"a serving worker failed: {err[-3000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    calls = sum(r["calls"] for r in reports)
    wall = max(r["wall_s"] for r in reports)
    return {"processes": processes, "sessions": sessions, "calls": calls, "wall_s": wall,
            "throughput": calls / wall, "p50_ms": max(r["p50_ms"] for r in reports),
            "p95_ms": max(r["p95_ms"] for r in reports), "peak_mb": max(r["peak_mb"] for r in reports),
            "cpu_share": sum(r["cpu_s"] for r in reports) / wall / (os.cpu_count() or 1)}


def measure(scale: str = "small", data: Path | None = None, repeat: int = 9, seed: int = 1,
            rounds: int = 2, page_repeat: int = 5, parts=PARTS, say=print) -> dict:
    """Everything the report holds, as plain values (``parts``: which of PARTS to measure; the
    analyses' agreement is always checked)."""
    watch = LoadWatch()
    result: dict = {"scale": scale, "started": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(),
                    "repeat": repeat}
    data = Path(data) if data else extracts(scale, seed, say)
    result["data"] = str(data)
    cache = cache_root() / "snapshots" / data.name if data.is_relative_to(cache_root()) else \
        Path(tempfile.mkdtemp(prefix="demand-bench-"))
    result["build_s"] = build(data, cache, say)
    watch.mark()

    store = Store(data, cache=cache)
    snapshot = store.pin()
    result["rows"] = row_counts(snapshot)
    places = bench_cases.choose_places(snapshot)
    result["places"] = {**asdict(places), "as_of": places.as_of.isoformat(), "district_wards": len(places.district_wards),
                        "all_wards": len(places.all_wards)}
    job = {"data": str(data), "cache": str(cache),
           "places": {**asdict(places), "as_of": places.as_of.isoformat()}}
    chosen = bench_cases.cases(places)

    rounds_of_analyses = repeat if "analyses" in parts else 1
    result["analyses"], result["pandas_load_s"] = _analyses(snapshot, chosen, job, rounds_of_analyses, watch, say)
    result["load_analyses"] = watch.text()

    if "first" in parts:
        say("first call of a fresh process, per analysis ...")
        fresh = _worker("fresh", job)
        for row in result["analyses"]:
            row["first_call"] = fresh["first_calls"].get(row["name"], {})
        watch.mark()

    result["pages"], result["pages_peak_mb"], result["load_pages"] = [], 0.0, "n/a"
    if "pages" in parts:
        say("pages through Streamlit's AppTest ...")
        page_watch = LoadWatch()
        pages = _worker("pages", {**job, "repeat": page_repeat})
        page_watch.mark()
        result["pages"] = [{"name": name, "first_ms": p["first_ms"], "rerun": _summary(p["rerun"]),
                            "cached": _summary(p["cached"]), "problems": p["problems"]}
                           for name, p in pages["pages"].items()]
        result["pages_peak_mb"] = pages["peak_mb"]
        result["load_pages"] = page_watch.text()

    result["concurrency"], result["load_concurrency"] = [], "n/a"
    if "sessions" in parts:
        say("concurrent sessions and processes ...")
        serve_watch = LoadWatch()
        for processes, sessions in ((1, 1), (1, 2), (1, 4), (2, 1)):
            result["concurrency"].append(concurrency(job, processes, sessions, rounds))
            serve_watch.mark()
            run = result["concurrency"][-1]
            say(f"  {processes} process(es) x {sessions} session(s): {run['throughput']:.1f} calls/s")
        result["load_concurrency"] = serve_watch.text()
    result["serving_peak_mb"] = max([result["pages_peak_mb"], *(r["peak_mb"] for r in result["concurrency"])])
    watch.mark()
    result["load"] = watch.text()
    result["finished"] = time.strftime("%Y-%m-%d %H:%M")
    store.close()
    if not data.is_relative_to(cache_root()):
        shutil.rmtree(cache, ignore_errors=True)
    return result


def _analyses(snapshot, chosen: list[bench_cases.Case], job: dict, repeat: int, watch: LoadWatch,
              say) -> tuple[list[dict], float]:
    """Every analysis three ways in ``repeat`` interleaved rounds, after checking that the
    three agree: the product here, through the read gate (its time in each query told apart),
    the floor and pandas each in a process of its own. Returns the analyses' rows and the
    seconds pandas took to read the extracts."""
    # the floor and pandas each in a process of its own, with memory and buffers of their own
    # (see worker.Apart); the rounds still alternate between the three. Both end with the block,
    # so pandas' frames are freed before the other parts start.
    with Apart("floor", job) as floor, Apart("pandas", job) as pandas:
        say(f"extracts read into pandas in {pandas.setup_s:.1f} s, in a process of its own")
        with tempfile.TemporaryDirectory() as work:
            state = open_state(f"sqlite:///{work}/state.db")
            clock = QueryClock(snapshot)
            reader = Reader(clock, ANALYST, state.audit, page="benchmark")
            variants = {}
            agreement = {}
            queries = {case.name: Samples() for case in chosen}  # the product's time in its queries
            by_query: dict[str, dict[str, Samples]] = {case.name: {} for case in chosen}  # and in each

            def product(case: bench_cases.Case):
                answer, ms = clock.timed(lambda: case.run(reader))
                queries[case.name].add(ms)
                for name, spent in clock.by_query.items():
                    by_query[case.name].setdefault(name, Samples()).add(spent)
                return answer

            for case in chosen:
                calls = {"product": lambda c=case: product(c)}
                if case.floor:
                    calls["floor"] = lambda c=case: floor(c.name)
                if case.pandas:
                    calls["pandas"] = lambda c=case: pandas(c.name)
                variants[case.name] = calls
                answers = {"product": case.canon(calls["product"]())}
                for name in ("floor", "pandas"):
                    if name in calls:
                        answers[name] = timed_ms(calls[name])[1]
                agreement[case.name] = _agreement(answers)
            say(f"{sum(a['agree'] for a in agreement.values())} of {len(agreement)} analyses agree three ways")
            serving.settle_memory()  # as the app does after its first page: see demand.serving
            say(f"timing {len(chosen)} analyses, {repeat} interleaved rounds ...")
            watch.mark()
            for samples in queries.values():
                samples.values.clear()  # the timed rounds only
            for each in by_query.values():
                each.clear()
            timed = interleaved(variants, repeat=repeat, warmup=0, watch=watch)
            state.close()
    rows = [_analysis_row(case, {**timed[case.name], "queries": queries[case.name]}, agreement[case.name])
            for case in chosen]
    for row in rows:
        row["by_query"] = {name: samples.median for name, samples in by_query[row["name"]].items()}
    return rows, pandas.setup_s


def _summary(values: list[float]) -> dict:
    samples = Samples(list(values))
    return {"p50": samples.median, "p95": samples.p95, "n": len(samples)}


def _agreement(answers: dict) -> dict:
    product = answers["product"]
    differing = [name for name, answer in answers.items() if answer != product]
    detail = ""
    if differing:
        other = answers[differing[0]]
        detail = f"{differing[0]} differs: product {_short(product)} against {_short(other)}"
    return {"agree": not differing, "compared": sorted(answers), "detail": detail}


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "..."


def _analysis_row(case: bench_cases.Case, timed: dict[str, Samples], agreement: dict) -> dict:
    row = {"name": case.name, "group": case.group, "target_ms": case.target_ms, "ratio_target": case.ratio_target,
           "pandas_target": case.pandas_target, **agreement}
    for variant, samples in timed.items():
        row[variant] = {"p50": samples.median, "p95": samples.p95, "n": len(samples)}
    return row
