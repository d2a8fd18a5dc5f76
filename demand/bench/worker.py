"""The benchmark's helper processes, each started by ``demand.bench.run`` with one JSON
argument and answering with one JSON line on stdout:

    python -m demand.bench.worker fresh  '{"data": ..., "cache": ..., "places": {...}}'
    python -m demand.bench.worker serve  '{... "sessions": 2, "rounds": 3}'   (waits for "go")
    python -m demand.bench.worker pages  '{... "repeat": 5}'
    python -m demand.bench.worker apart  '{... "variant": "floor", "socket": 5}'

* ``fresh``: the first call of each analysis in a fresh process. The helper imports the
  product and forks one child per analysis; each child opens the snapshot and times its one
  call, so DuckDB's buffers and every per-process cache start cold (the operating system's
  file cache is warm, as on a server that has just restarted).
* ``serve``: ``sessions`` threads in one process, each reading through its own gate (as
  Streamlit's sessions are threads), every analysis in turn for ``rounds`` rounds; several
  of these started at once are several app processes over the same read-only snapshot.
* ``pages``: every page through Streamlit's AppTest, its first run and its reruns with the
  data cache cleared.
* ``apart``: one of the other two ways of an analysis (the floor, pandas) for the whole run
  (``Apart``), answering each case asked of it over a socket, timed there.

Each reports its peak memory (resident set), the serving process's footprint.
"""

from __future__ import annotations

import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Self

from demand import config, serving
from demand.access import User
from demand.bench import cases as bench_cases
from demand.bench.timing import Measured, Samples, timed_ms
from demand.reader import Reader
from demand.state import open_state
from demand.store import Store

ANALYST = User("benchmark@localhost", "Benchmark analyst", "analyst")


def peak_memory_mb() -> float:
    """This process's peak resident memory. From /proc (VmHWM), not getrusage: Linux carries
    ru_maxrss over an exec, so a worker started from the benchmark would report the
    benchmark's own memory (its pandas frames) as its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _places(job: dict) -> bench_cases.Places:
    fields = dict(job["places"])
    fields["as_of"] = bench_cases.date.fromisoformat(fields["as_of"])
    fields["district_wards"] = tuple(fields["district_wards"])
    fields["all_wards"] = tuple(fields["all_wards"])
    return bench_cases.Places(**fields)


def _call(reader: Reader, case: bench_cases.Case):
    return case.run(reader)


# --- the first call of a fresh process ---------------------------------------------------------------


def fresh(job: dict) -> dict:
    chosen = bench_cases.cases(_places(job))
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for case in chosen:
            read, write = os.pipe()
            child = os.fork()
            if child == 0:  # the child: open, call once, report, leave without cleanup handlers
                os.close(read)
                try:
                    started = time.perf_counter()
                    store = Store(job["data"], cache=Path(job["cache"]))
                    state = open_state(f"sqlite:///{work}/state-{case.name.replace('/', '_')}.db")
                    opened = time.perf_counter()
                    _call(Reader(store.pin(), ANALYST, state.audit, page="benchmark"), case)
                    done = time.perf_counter()
                    answer = {"open_ms": (opened - started) * 1000, "call_ms": (done - opened) * 1000}
                except Exception as error:  # noqa: BLE001 - reported, not raised, from a child
                    answer = {"error": f"{type(error).__name__}: {error}"}
                os.write(write, json.dumps(answer).encode())
                os._exit(0)
            os.close(write)
            with os.fdopen(read) as pipe:
                text = pipe.read()
            os.waitpid(child, 0)
            results[case.name] = json.loads(text or '{"error": "no answer"}')
    return {"first_calls": results, "peak_mb": peak_memory_mb()}


# --- sessions in one process ------------------------------------------------------------------------------


def serve(job: dict) -> dict:
    chosen = [c for c in bench_cases.cases(_places(job)) if c.name in set(job.get("cases") or [c.name])] \
        if job.get("cases") else bench_cases.cases(_places(job))
    sessions, rounds = int(job["sessions"]), int(job["rounds"])
    store = Store(job["data"], cache=Path(job["cache"]))
    snapshot = store.pin()
    with tempfile.TemporaryDirectory() as work:
        state = open_state(f"sqlite:///{work}/state.db")
        readers = [Reader(snapshot, ANALYST, state.audit, page="benchmark") for _ in range(sessions)]
        for case in chosen:  # warm, as a serving process is
            _call(readers[0], case)
        serving.settle_memory()
        latencies = Samples()
        lock = threading.Lock()
        start = threading.Barrier(sessions + 1)

        def session(number: int) -> None:
            order = random.Random(number)
            start.wait()
            for _ in range(rounds):
                mine = list(chosen)
                order.shuffle(mine)
                for case in mine:
                    begun = time.perf_counter()
                    _call(readers[number], case)
                    with lock:
                        latencies.add((time.perf_counter() - begun) * 1000)

        threads = [threading.Thread(target=session, args=(n,)) for n in range(sessions)]
        for thread in threads:
            thread.start()
        print("ready", flush=True)
        sys.stdin.readline()  # "go": every process of a run starts together
        began = time.perf_counter()
        cpu_began = time.process_time()
        start.wait()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        cpu = time.process_time() - cpu_began
        state.close()
    store.close()
    return {"calls": len(latencies), "wall_s": wall, "cpu_s": cpu, "p50_ms": latencies.median,
            "p95_ms": latencies.p95, "peak_mb": peak_memory_mb()}


# --- the floor or pandas in a process of its own -------------------------------------------------------


def _variant_server(variant: str, job: dict, connection) -> None:
    """Answer each case name received with its ``variant`` ('floor' | 'pandas') as Measured,
    until None: the floor with a DuckDB of its own over the same snapshot file, pandas over
    the extracts read into frames here."""
    chosen = {case.name: case for case in bench_cases.cases(_places(job))}
    started = time.perf_counter()
    if variant == "floor":
        cursor = Store(job["data"], cache=Path(job["cache"])).pin().cursor()

        def run(case: bench_cases.Case):
            return case.floor(cursor, case.params)
    else:
        frames = bench_cases.Frames(Path(job["data"]))

        def run(case: bench_cases.Case):
            return case.pandas(frames, case.params)
    connection.send(("ready", time.perf_counter() - started))
    while (name := connection.recv()) is not None:
        try:
            ms, answer = timed_ms(lambda: run(chosen[name]))
            connection.send(Measured(ms, answer))
        except Exception as error:  # noqa: BLE001 - sent back and raised in the benchmark
            connection.send(error)


def apart(job: dict) -> dict:
    """The helper process of an Apart: serve its variant over the socket it was given. Its
    answers go over the socket, so it reports nothing on stdout."""
    _variant_server(job["variant"], job, Connection(job["socket"]))
    return {}


class Apart:
    """The floor or pandas, for every case, in a process of its own: its memory and DuckDB
    buffers are its own, as they would be in use (with all three in one process, the floor's
    scans of the extracts' tables shared the product's buffer pool, and pandas its heap).
    Calling it with a case's name runs that case there and returns a Measured; leaving its
    ``with`` block ends the process.

    The helper is ``python -m demand.bench.worker apart``, answering over a socket pair, rather
    than a multiprocessing child: a spawned child runs the parent's main module again, and
    after AppTest that is the app."""

    def __init__(self, variant: str, job: dict):
        ours, theirs = socket.socketpair()
        payload = json.dumps({**job, "variant": variant, "socket": theirs.fileno()}, default=str)
        self._process = subprocess.Popen([sys.executable, "-m", "demand.bench.worker", "apart", payload],
                                         pass_fds=(theirs.fileno(),), stdout=subprocess.DEVNULL,
                                         cwd=config.PROJECT_DIR)
        theirs.close()
        self._connection = Connection(ours.detach())
        try:
            ready, self.setup_s = self._connection.recv()  # the seconds it took to open or read the data
        except EOFError:
            raise RuntimeError(f"the benchmark's {variant} process did not start (its error is above)") from None
        if ready != "ready":
            raise RuntimeError(f"the benchmark's {variant} process did not start")

    def __call__(self, name: str) -> Measured:
        self._connection.send(name)
        answer = self._connection.recv()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        try:
            self._connection.send(None)
        except OSError:
            pass  # it has already gone
        self._connection.close()
        self._process.wait(timeout=60)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- pages through AppTest -----------------------------------------------------------------------------


def page_list(places: bench_cases.Places) -> list[dict]:
    """The pages as the analyst opens them: (name, page file, URL parameters, session state)."""
    as_of = places.as_of.isoformat()
    return [
        {"name": "Overview, force", "page": "views/home.py", "params": {"as_of": as_of}},
        {"name": "Ward, busiest ward, 90 days", "page": "views/ward.py",
         "params": {"ward": places.ward, "window": "90d", "as_of": as_of}},
        {"name": "Compare periods, district, 90 days", "page": "views/compare.py",
         "params": {"district": places.district, "window": "90d", "as_of": as_of}},
        {"name": "Repeat lists, ward, 90 days (Victims tab)", "page": "views/repeats.py",
         "params": {"ward": places.ward, "window": "90d", "as_of": as_of}},
        {"name": "Repeat lists, force, 12 months, Callers tab", "page": "views/repeats.py",
         "params": {"window": "12m", "as_of": as_of}, "state": {"rep_kind": "callers"}},
        {"name": "Briefing, busiest ward", "page": "views/briefing.py",
         "params": {"ward": places.ward, "as_of": as_of}},
        {"name": "Crimes by street, busiest ward, 90 days", "page": "views/streets.py",
         "params": {"ward": places.ward, "window": "90d", "as_of": as_of}},
        {"name": "Find, 'road', force", "page": "views/find.py", "params": {"as_of": as_of},
         "state": {"find_text": "road"}},
        {"name": "Export, district, 12 months", "page": "views/export.py",
         "params": {"district": places.district, "window": "12m", "as_of": as_of}},
        {"name": "Profile of the busiest person", "page": "views/profile.py",
         "params": {"person": places.person, "as_of": as_of},
         "state": {f"profile_reason_person_{places.person}": "Data quality check"}},
        {"name": "Profile of the busiest location", "page": "views/profile.py",
         "params": {"location": places.location, "as_of": as_of},
         "state": {f"profile_reason_location_{places.location}": "Data quality check"}},
        {"name": "Concentration, force, 12 months", "page": "views/concentration.py",
         "params": {"window": "12m", "as_of": as_of}},
        {"name": "Data, force", "page": "views/data.py", "params": {"as_of": as_of}},
    ]


def pages(job: dict) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from demand.config import PROJECT_DIR

    os.environ["DEMAND_DATA"] = str(job["data"])
    os.environ["DEMAND_CACHE"] = str(job["cache"])
    app = str(PROJECT_DIR / "app.py")
    repeat = int(job["repeat"])
    results = {}
    with tempfile.TemporaryDirectory() as work:
        os.environ["DEMAND_STATE_DIR"] = work
        os.environ["DEMAND_USERS"] = str(Path(work) / "users.toml")
        os.environ.pop("DEMAND_STATE_URL", None)
        # open the store and the state database once, as a running server has them
        warm = AppTest.from_file(app, default_timeout=600)
        warm.session_state["demo_role"] = "analyst"
        warm.run()
        for spec in page_list(_places(job)):
            test = AppTest.from_file(app, default_timeout=600)
            test.query_params.update(spec["params"])
            test.session_state["demo_role"] = "analyst"
            for key, value in spec.get("state", {}).items():
                test.session_state[key] = value
            test.switch_page(spec["page"])
            st.cache_data.clear()
            began = time.perf_counter()
            test.run()
            first = (time.perf_counter() - began) * 1000
            problems = [e.message for e in test.exception] + [str(e.value)[:200] for e in test.error]
            reruns = Samples()
            for _ in range(repeat):
                st.cache_data.clear()
                began = time.perf_counter()
                test.run()
                reruns.add((time.perf_counter() - began) * 1000)
            cached = Samples()
            for _ in range(max(1, repeat // 2)):
                began = time.perf_counter()
                test.run()
                cached.add((time.perf_counter() - began) * 1000)
            results[spec["name"]] = {"first_ms": first, "rerun": reruns.values, "cached": cached.values,
                                     "problems": problems}
    return {"pages": results, "peak_mb": peak_memory_mb()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    action, job = argv[0], json.loads(argv[1])
    result = {"fresh": fresh, "serve": serve, "pages": pages, "apart": apart}[action](job)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
