"""Times the briefings on any extracts directory: composing a ward briefing (the busiest ward)
and a district breakdown (the first district) through the read gate as an analyst, their HTML,
and Chromium's PDF of it.

    .venv/bin/python -m benchmarks.briefings DATA_DIR [--repeat 3]

Prints the median wall time of each step. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.analytics import median_ms
from demand import areas
from demand.access import User
from demand.briefings import compose, render
from demand.reader import Reader
from demand.state import open_state
from demand.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        store = Store(args.data_dir, cache=Path(work) / "snap")
        state = open_state(f"sqlite:///{Path(work) / 'state.db'}")
        gate = Reader(store, User("benchmark@localhost", "Benchmark", "analyst"), state.audit, page="benchmark")
        busiest = store.cursor().execute(
            "SELECT ward_code FROM crimes WHERE ward_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        district = areas.districts(store)[0]
        ward_doc = compose.ward_briefing(gate, busiest)
        district_doc = compose.district_breakdown(gate, district)
        steps = {
            f"compose the ward briefing ({ward_doc.ward_name})": lambda: compose.ward_briefing(gate, busiest),
            f"compose the district breakdown ({district}, {len(district_doc.rows)} wards)":
                lambda: compose.district_breakdown(gate, district),
            "HTML of the ward briefing": lambda: render.html(ward_doc),
            "PDF of the ward briefing (Chromium)": lambda: render.pdf(render.html(ward_doc)),
            "PDF of the district breakdown (Chromium)": lambda: render.pdf(render.html(district_doc)),
        }
        for name, step in steps.items():
            print(f"{name:<60} {median_ms(step, args.repeat):8.0f} ms")
        state.close()
        store.close()


if __name__ == "__main__":
    main()
