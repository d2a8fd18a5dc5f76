"""``python -m demand``: the product's command line.

Every command reads the extracts named by ``--data DIR`` or DEMAND_DATA. Errors in what the
user asked for, or in the data, print one clear message and exit 2; they never print a
stack trace.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from demand import config
from demand.areas import AreaError
from demand.store import ExtractError, Store

FORMATS = ("table", "csv", "json")


class UsageError(ValueError):
    """A value the user gave that the command cannot use; the message says what would do."""


def emit(frame: pd.DataFrame, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "csv":
        frame.to_csv(out, index=False)
    elif fmt == "json":
        out.write(frame.to_json(orient="records", date_format="iso", indent=1) + "\n")
    elif frame.empty:
        out.write("(no rows)\n")
    else:
        out.write(frame.to_string(index=False) + "\n")


def open_store(args: argparse.Namespace) -> Store:
    return Store(args.data)


# --- commands ---------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace) -> int:
    store = open_store(args)
    print(f"data: {store.data_dir}")
    info = store.table_info()
    for column in ("first_at", "last_at"):
        info[column] = info[column].dt.strftime("%Y-%m-%d %H:%M").fillna("")
    emit(info, args.format)
    return 0


def cmd_wards(args: argparse.Namespace) -> int:
    emit(open_store(args).query("ward_list"), args.format)
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from demand import calibration, synth

    out = Path(args.out)
    synth.generate(out, scale=args.scale, seed=args.seed, **({"end": args.end} if args.end else {}))
    print(f"wrote the {args.scale} synthetic force (seed {args.seed}) to {out}")
    print(calibration.format_report(calibration.measure(out)))
    return 0


def _date(text: str):
    try:
        return pd.Timestamp(text).date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demand", description=__doc__.split("\n")[0])
    parser.add_argument("--data", help=f"extracts directory (default: ${config.DATA_ENV} or {config.DEFAULT_DATA_DIR})")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = commands.add_parser("info", help="row counts and date range of each table")
    info.add_argument("--format", choices=FORMATS, default="table")
    info.set_defaults(run=cmd_info)

    wards = commands.add_parser("wards", help="the wards and districts in the data")
    wards.add_argument("--format", choices=FORMATS, default="table")
    wards.set_defaults(run=cmd_wards)

    synth = commands.add_parser("synth", help="write a synthetic force's extracts")
    synth.add_argument("--scale", choices=("small", "force"), default="small")
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--out", required=True, help="directory to write the extracts to")
    synth.add_argument("--end", type=_date, help="last day of the data (default: fixed, see demand.synth)")
    synth.set_defaults(run=cmd_synth)

    add_analysis_commands(commands)
    return parser


def add_analysis_commands(commands) -> None:
    """rank, compare, concentration and timeline (demand.analytics)."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ExtractError, AreaError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
