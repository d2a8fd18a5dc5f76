"""Times the analyses the pages call, on any extracts directory:

    .venv/bin/python -m benchmarks.analytics DATA_DIR [--repeat 5]

Prints the snapshot build time and the median wall time of each call. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from demand import analytics, areas, asb, impact, records, search, streets
from demand.access import User
from demand.reader import Reader
from demand.state import open_state
from demand.store import Store


def median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        store = Store(args.data_dir, cache=Path(cache))
        print(f"snapshot build: {time.perf_counter() - started:.1f} s")
        force = areas.resolve(store, "force")
        district = areas.resolve(store, areas.districts(store)[0])
        busiest = store.cursor().execute(
            "SELECT ward_code FROM crimes WHERE ward_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        ward = areas.resolve(store, busiest)
        person = analytics.rank(store, force, "victims", "12m", limit=1)["id"].iloc[0]
        place = analytics.rank(store, force, "locations", "12m", limit=1)["id"].iloc[0]
        last = analytics.data_range(store)[1]
        calls = {
            "rank victims, ward, 90d": lambda: analytics.rank(store, ward, "victims", "90d"),
            "rank locations, ward, 90d": lambda: analytics.rank(store, ward, "locations", "90d"),
            "rank offenders, force, 12m": lambda: analytics.rank(store, force, "offenders", "12m"),
            "rank callers, force, 12m": lambda: analytics.rank(store, force, "callers", "12m"),
            "headline, ward, 28d": lambda: analytics.headline(store, ward, "28d"),
            "weekly trend, ward, 52 weeks": lambda: analytics.weekly_trend(store, ward),
            "compare by category, district, 12m": lambda: analytics.compare(store, district, "12m"),
            "compare matrix, district, 90d": lambda: analytics.compare_matrix(store, district, "90d", None, "previous"),
            "concentration victims, force, 12m": lambda: analytics.concentration(store, force, "victims", "12m"),
            "timeline of the top victim": lambda: analytics.timeline(store, force, person=person),
            "timeline of the top location": lambda: analytics.timeline(store, force, location=place),
            # Hampshire's reports (issue 14)
            "crimes by district, force, 90d": lambda: streets.by_area(store, force, "district", "90d"),
            "crimes by street, ward, 90d": lambda: streets.by_street(store, ward, "90d"),
            "crimes by street, district, 90d": lambda: streets.by_street(store, district, "90d"),
            "harm by category, force, 12m": lambda: impact.harm_by(store, force, "category", "12m"),
            "harm by ward, district, 90d": lambda: impact.harm_by(store, district, "ward", "90d"),
            "ASB reporters, ward, 90d": lambda: asb.reporters(store, ward, "90d"),
            "ASB locations, force, 12m": lambda: asb.locations(store, force, "12m"),
            "find people 'lee', force": lambda: search.people(store, force, "lee"),
            "find places 'high', force": lambda: search.places(store, force, "high"),
            "find streets 'high', force": lambda: search.streets(store, force, "high"),
            "profile of the top location (linked)": lambda: records.profile(store, force, location=place),
            "records page 3, ward, 90d": lambda: records.window_records(store, ward, "crimes", "90d", last,
                                                                         limit=25, offset=50),
        }
        # The same reads through the gate as an officer of the ward, audited in a SQLite state
        # database: the gate's own cost is resolving the wards and writing the audit record.
        state = open_state(f"sqlite:///{cache}/state.db")
        officer = User("bench@localhost", "Benchmark officer", "officer", frozenset(ward.wards))
        gate = Reader(store, officer, state.audit, page="benchmark")
        calls.update({
            "gate: rank victims, ward, 90d (audited)": lambda: gate.call("rank", busiest, kind="victims", window="90d"),
            "gate: headline, ward, 28d": lambda: gate.call("headline", busiest, window="28d"),
        })
        for name, call in calls.items():
            print(f"{name:40} {median_ms(call, args.repeat):>8.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
