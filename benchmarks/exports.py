"""Times public exports on any extracts directory: reading the counts through the gate, the
disclosure control of the summary, each format, and the data.police.uk street files:

    .venv/bin/python -m benchmarks.exports DATA_DIR [--repeat 3]

Areas: the first ward, the first district, the force; windows 90d and 12m. Prints median wall
times in milliseconds and the figures hidden. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from demand.access import command_line_user
from demand.disclosure import formats
from demand.disclosure.export import Request, read_inputs
from demand.disclosure.summary import build
from demand.reader import Reader
from demand.store import Store


def timed(call, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def measure(reader: Reader, kind: str, request: Request, repeat: int) -> None:
    read_ms, inputs = timed(lambda: read_inputs(reader, request), repeat)
    rule = request.rule()
    protect_ms, summary = timed(lambda: build(inputs, rule), repeat)
    ms = {fmt: timed(lambda fmt=fmt: formats.render(summary, fmt), 1)[0] for fmt in ("csv", "xlsx", "html", "pdf")}
    street_ms, with_rows = timed(lambda: build(inputs, rule, street_rows=True), 1)
    print(f"{kind:9} {request.window:6} {read_ms:5.0f} {protect_ms:8.0f} {ms['csv']:4.0f} {ms['xlsx']:5.0f} "
          f"{ms['html']:5.0f} {ms['pdf']:5.0f} {street_ms:13.0f}  {summary.hidden_small}, "
          f"{summary.hidden_secondary} ({with_rows.street_report['rows']:,} street rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        store = Store(args.data_dir, cache=Path(cache))
        reader = Reader(store, command_line_user(), None)
        wards = reader.wards()
        areas = {"ward": wards.iloc[0]["ward_code"], "district": wards.iloc[0]["district"], "force": "force"}
        print("area      window  read   protect  csv  xlsx  html   pdf  street-files  hidden (<5, [c])")
        for kind, area in areas.items():
            for window in ("90d", "12m"):
                measure(reader, kind, Request(area, window=window), args.repeat)
        store.close()


if __name__ == "__main__":
    main()
