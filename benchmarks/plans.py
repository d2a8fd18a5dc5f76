"""Times the assessment of problem-solving plans, on any extracts directory:

    .venv/bin/python -m benchmarks.plans DATA_DIR [--repeat 3]

Assesses, through the read gate as an analyst, a caller plan on the synthetic force's planted
cohort (or, on other data, the ten busiest callers), a location plan on the busiest place and an
area plan on the busiest ward, each over 12 months either side of a response date a year before
the data's end. Prints the snapshot build time and the median wall time of each. A measurement,
not a test.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.analytics import median_ms
from demand import analytics, areas
from demand.access import User
from demand.plans import document
from demand.plans.assess import assess
from demand.reader import Reader
from demand.state import Editor, open_state
from demand.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        store = Store(args.data_dir, cache=Path(work) / "snap")
        print(f"snapshot build: {time.perf_counter() - started:.1f} s")
        state = open_state(f"sqlite:///{Path(work) / 'state.db'}")
        gate = Reader(store, User("bench@localhost", "Benchmark", "analyst"), state.audit, page="benchmark")
        force = areas.resolve(store, "force")
        last = analytics.default_as_of(store)
        response = last - timedelta(days=365)
        manifest = args.data_dir / "synth_manifest.json"
        if manifest.exists():
            cohort = json.loads(manifest.read_text())["stories"]["cohort"]
            callers, response = cohort["person_ids"], date.fromisoformat(cohort["intervention_date"])
        else:
            callers = analytics.rank(store, force, "callers", "12m", limit=10)["id"].tolist()
        place = analytics.rank(store, force, "locations", "12m", limit=1).iloc[0]
        ward = place["ward_code"]
        editor = Editor("bench@localhost", "analyst")

        def plan(kind, targets):
            return state.plans.create({"title": kind, "kind": kind, "targets": targets, "ward_code": ward,
                                       "district": "", "owner": "bench@localhost", "response_date": response},
                                      editor, date.today())

        plans = {"caller plan (cohort), 12m, force control": (plan("caller", callers), "force"),
                 "location plan (busiest place), 12m": (plan("location", [place["id"]]), None),
                 "area plan (its ward), 12m": (plan("area", [ward]), None)}
        for name, (one, control) in plans.items():
            assess(gate, one, control_area=control)  # warm: geometry, imports
            ms = median_ms(lambda one=one, control=control: assess(gate, one, control_area=control), args.repeat)
            print(f"{name}: {ms:,.0f} ms")
        result = assess(gate, plans["location plan (busiest place), 12m"][0])
        print(f"assessment page as HTML: {median_ms(lambda: document.html(result), args.repeat):,.0f} ms")
        print(f"assessment page as PDF: {median_ms(lambda: document.pdf(result), args.repeat):,.0f} ms")
        state.close()
        store.close()


if __name__ == "__main__":
    main()
