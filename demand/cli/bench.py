"""bench: the side-by-side benchmark of the product, the floor and pandas (demand.bench)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from demand.bench import report, run
from demand.errors import UsageError


def register(commands) -> None:
    bench = commands.add_parser(
        "bench", help="measure the analyses, pages, sessions and memory against the floor and pandas",
        description="Generates (or reuses, in $DEMAND_BENCH_CACHE or ~/.cache/repeat-demand/bench) the synthetic "
        "force at the scale asked for, builds its snapshot and measures, interleaved, every analysis the pages "
        "call three ways (the product through the read gate, a minimal DuckDB query, pandas), each page through "
        "Streamlit's AppTest, concurrent sessions and processes, and memory; writes a Markdown report.")
    bench.add_argument("--scale", choices=run.SCALES, default="small")
    bench.add_argument("--out", type=Path, help="the report to write (default: print it)")
    bench.add_argument("--extracts", type=Path,
                       help="measure these extracts instead of the synthetic force (a directory of parquet)")
    bench.add_argument("--repeat", type=int, default=9, help="interleaved rounds of every analysis (default 9)")
    bench.add_argument("--page-repeat", type=int, default=5, help="uncached reruns of every page (default 5)")
    bench.add_argument("--rounds", type=int, default=2,
                       help="rounds of every analysis per concurrent session (default 2)")
    bench.add_argument("--parts", default=",".join(run.PARTS),
                       help=f"what to measure, of {','.join(run.PARTS)} (default: all)")
    bench.add_argument("--json", type=Path, help="also keep every figure measured as JSON")
    bench.set_defaults(run=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    unknown = set(parts) - set(run.PARTS)
    if unknown:
        raise UsageError(f"unknown part {', '.join(sorted(unknown))}: choose from {', '.join(run.PARTS)}")
    result = run.measure(args.scale, data=args.extracts, repeat=args.repeat, rounds=args.rounds,
                         page_repeat=args.page_repeat, parts=parts, say=say)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    if args.out:
        report.write(result, args.out)
        say(f"report written to {args.out}")
    else:
        print(report.render(result))
    return 0 if all(row["agree"] for row in result["analyses"]) else 1
