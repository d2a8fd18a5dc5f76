"""rank, compare, concentration and timeline: the analyses of demand.analytics, read through
the gate as the command's user."""

from __future__ import annotations

import argparse

import pandas as pd

from demand import analytics, windows
from demand.cli.common import FORMATS, emit, open_reader
from demand.errors import UsageError


def register(commands) -> None:
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
    timeline.add_argument("--purpose", help="why you are looking (recorded in the audit log)")
    timeline.add_argument("--format", choices=FORMATS, default="table")
    timeline.set_defaults(run=cmd_timeline)


def _analysis_inputs(args: argparse.Namespace, kind: str | None = None):
    """Check what needs no data first, then the area and as-of date against the data."""
    if kind is not None and kind not in analytics.KINDS:
        raise UsageError(f"unknown kind '{kind}': choose one of {', '.join(analytics.KINDS)}")
    window = args.days if getattr(args, "days", None) is not None else windows.parse_window(args.window)
    as_of = windows.parse_date(args.as_of)
    reader = open_reader(args)
    scope = reader.scope(args.area)
    return reader, scope, window, analytics.resolve_as_of(reader.store, as_of)


def cmd_rank(args: argparse.Namespace) -> int:
    reader, _, window, as_of = _analysis_inputs(args, args.kind)
    frame = reader.call("rank", args.area, kind=args.kind, window=window, as_of=as_of, min_count=args.min_count,
                        category=args.category, weapon_only=args.weapon_only,
                        domestic_only=args.domestic_only, limit=args.limit)
    emit(frame, args.format)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    if args.by not in analytics.COMPARE_BY:
        raise UsageError(f"unknown grouping '{args.by}': choose one of {', '.join(analytics.COMPARE_BY)}")
    reader, _, window, as_of = _analysis_inputs(args)
    frame = reader.call("compare", args.area, window=window, by=args.by, as_of=as_of, baseline=args.baseline,
                        source=args.source)
    emit(frame, args.format)
    return 0


def cmd_concentration(args: argparse.Namespace) -> int:
    reader, scope, window, as_of = _analysis_inputs(args, args.kind)
    result = reader.call("concentration", args.area, kind=args.kind, window=window, as_of=as_of)
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
    reader = open_reader(args)
    emit(reader.call("timeline", args.area, purpose=args.purpose, person=args.person, location=args.location),
         args.format)
    return 0
