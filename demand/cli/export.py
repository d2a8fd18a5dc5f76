"""export: a public-friendly crime summary with disclosure control, written to a file and
recorded in the export log (analysts only)."""

from __future__ import annotations

import argparse
import sys

from demand import config
from demand.cli.common import open_reader, opened
from demand.disclosure import formats
from demand.disclosure.export import Request, export_file, prepare_target
from demand.state import open_state


def register(commands) -> None:
    export = commands.add_parser(
        "export", help="a public-friendly crime summary (disclosure control on), recorded in the export log",
        description="Crimes by type, month, street and ward for an area, with small counts suppressed and "
                    "checked so that none can be worked out; recorded in the export log.")
    export.add_argument("--area", default="force", help="a ward code, a district (name or code) or 'force'")
    export.add_argument("--window", default="90d", help="90d (the last 3 whole months) or 12m (12 months)")
    export.add_argument("--as-of", help="count the whole months up to this date, YYYY-MM-DD (default: the data's "
                                        "last day)")
    export.add_argument("--baseline", default="previous", help="previous (default) or last_year")
    export.add_argument("--format", required=True, help=", ".join(formats.FORMATS))
    export.add_argument("--out", required=True, help="the file to write (written whole, or not at all)")
    export.add_argument("--threshold", type=int, default=5, help="counts below this are hidden (default 5)")
    export.add_argument("--round", action="store_true", help="round the other counts to the nearest 5 (ONS)")
    export.set_defaults(run=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    request = Request(area=args.area, window=args.window, as_of=args.as_of, baseline=args.baseline,
                      format=args.format, threshold=args.threshold, rounding=args.round)
    request.check()  # the window, baseline, format and threshold before any data is read
    prepare_target(args.out)
    reader = open_reader(args)
    state = open_state(data_dir=config.data_dir(args.data))
    opened.append(state)
    summary, output = export_file(reader, state, request, args.out)
    print(f"wrote {args.out}: {summary.title}, {summary.current_label} ({output.rows:,} rows; "
          f"{summary.hidden_small} figures shown as {summary.rule.small_mark}, {summary.hidden_secondary} withheld "
          f"as [c]); recorded in the export log", file=sys.stderr)
    return 0
