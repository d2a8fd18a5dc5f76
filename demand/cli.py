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

from demand import analytics, areas, config, windows
from demand.areas import AreaError
from demand.errors import ImportFailure, UsageError
from demand.ingest import commands as ingest_commands
from demand.store import ExtractError, Store

FORMATS = ("table", "csv", "json")


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
    snapshot = store.pin()  # one command, one snapshot
    info = snapshot.table_info()
    for column in ("first_at", "last_at"):
        info[column] = info[column].dt.strftime("%Y-%m-%d %H:%M").fillna("")
    if args.format != "table":
        emit(info, args.format)
        return 0
    print(f"data: {store.data_dir}" + (f" (release {snapshot.source.name})" if snapshot.source != store.data_dir else ""))
    emit(info, args.format)
    print("missing months (shown as missing, never as zero):")
    for source, months in analytics.missing_months(snapshot).items():
        print(f"  {source}: " + ("not held in this data" if months is None else ", ".join(months) or "none"))
    print("person-level data: " + ("loaded" if snapshot.person_level else
                                   "not loaded (public data: places and crime types, no people)"))
    print(f"refreshed: {snapshot.refreshed_at:%Y-%m-%d %H:%M}")
    report = snapshot.import_report
    if report:
        totals = report.get("totals", {})
        print(f"last import: {report['source']}, published {report.get('published_at')}, "
              f"{len(report.get('files', []))} files, {totals.get('read', 0):,} rows read, "
              f"{totals.get('loaded', 0):,} loaded, {totals.get('rejected', 0):,} rejected, "
              f"{totals.get('duplicates', 0):,} duplicates (quarantine.csv)")
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
    ingest_commands.add_commands(commands)
    return parser


def add_analysis_commands(commands) -> None:
    """rank, compare, concentration and timeline (demand.analytics)."""
    # Choices are checked by the commands themselves, so a wrong value gets the same one-line
    # error (listing what would do) from the command line and from the Python API.
    def common(command, window_default: str) -> None:
        command.add_argument("--area", default="force", help="a ward code, a district (name or code) or 'force'")
        command.add_argument("--window", default=window_default, help="7d, 28d, 90d or 12m")
        command.add_argument("--as-of", help="last day of the window, YYYY-MM-DD (default: the data's last day)")
        command.add_argument("--format", choices=FORMATS, default="table")

    rank = commands.add_parser("rank", help="repeat victims, offenders, callers, missing persons or locations")
    rank.add_argument("--kind", required=True, help="victims, offenders, callers, missing or locations")
    common(rank, "90d")
    rank.add_argument("--days", type=int, help="a window of this many days instead of --window (e.g. 730)")
    rank.add_argument("--min-count", type=int, default=2, help="fewest events to be listed (default 2)")
    rank.add_argument("--category", help="only this crime category or incident type")
    rank.add_argument("--weapon-only", action="store_true", help="only crimes involving a weapon")
    rank.add_argument("--domestic-only", action="store_true", help="only domestic crimes and calls")
    rank.add_argument("--limit", type=int, help="at most this many rows")
    rank.set_defaults(run=cmd_rank)

    compare = commands.add_parser("compare", help="this window against the previous one (or last year's)")
    common(compare, "90d")
    compare.add_argument("--by", default="category", help="category, call_type, missing or ward")
    compare.add_argument("--baseline", default="previous", help="previous (default) or last_year")
    compare.add_argument("--source", default="crimes",
                         help="with --by ward: crimes (default), calls or missing_episodes")
    compare.set_defaults(run=cmd_compare)

    concentration = commands.add_parser("concentration", help="share of events from the top 1/5/10%% of entities")
    concentration.add_argument("--kind", required=True, help="victims, offenders, callers, missing or locations")
    common(concentration, "12m")
    concentration.add_argument("--lorenz", action="store_true", help="print the Lorenz curve points instead")
    concentration.set_defaults(run=cmd_concentration)

    timeline = commands.add_parser("timeline", help="every event of one person or one location, in time order")
    which = timeline.add_mutually_exclusive_group(required=True)
    which.add_argument("--person", help="a person id")
    which.add_argument("--location", help="a location id")
    timeline.add_argument("--area", default="force", help="only events in this area (default: force)")
    timeline.add_argument("--format", choices=FORMATS, default="table")
    timeline.set_defaults(run=cmd_timeline)


def _analysis_inputs(args: argparse.Namespace, kind: str | None = None):
    """Check what needs no data first, then the area and as-of date against the data."""
    if kind is not None and kind not in analytics.KINDS:
        raise UsageError(f"unknown kind '{kind}': choose one of {', '.join(analytics.KINDS)}")
    window = args.days if getattr(args, "days", None) is not None else windows.parse_window(args.window)
    as_of = windows.parse_date(args.as_of)
    store = open_store(args)
    scope = areas.resolve(store, args.area)
    return store, scope, window, analytics.resolve_as_of(store, as_of)


def cmd_rank(args: argparse.Namespace) -> int:
    store, scope, window, as_of = _analysis_inputs(args, args.kind)
    frame = analytics.rank(store, scope, args.kind, window=window, as_of=as_of, min_count=args.min_count,
                           category=args.category, weapon_only=args.weapon_only,
                           domestic_only=args.domestic_only, limit=args.limit)
    emit(frame, args.format)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    if args.by not in analytics.COMPARE_BY:
        raise UsageError(f"unknown grouping '{args.by}': choose one of {', '.join(analytics.COMPARE_BY)}")
    store, scope, window, as_of = _analysis_inputs(args)
    frame = analytics.compare(store, scope, window=window, by=args.by, as_of=as_of, baseline=args.baseline,
                              source=args.source)
    emit(frame, args.format)
    return 0


def cmd_concentration(args: argparse.Namespace) -> int:
    store, scope, window, as_of = _analysis_inputs(args, args.kind)
    result = analytics.concentration(store, scope, args.kind, window=window, as_of=as_of)
    if args.lorenz:
        emit(result["lorenz"], args.format)
        return 0
    emit(pd.DataFrame([{
        "kind": args.kind, "area": scope.label, "window": window, "as_of": as_of.isoformat(),
        "entities": result["entities"], "events": result["events"],
        "top_1pct_share": result["top_share"][1], "top_5pct_share": result["top_share"][5],
        "top_10pct_share": result["top_share"][10], "gini": result["gini"],
    }]), args.format)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    store = open_store(args)
    scope = areas.resolve(store, args.area)
    emit(analytics.timeline(store, person=args.person, location=args.location, scope=scope), args.format)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ExtractError, AreaError, UsageError, ImportFailure) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
