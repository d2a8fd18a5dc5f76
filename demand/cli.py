"""``python -m demand``: the product's command line.

Every command reads the extracts named by ``--data DIR`` or DEMAND_DATA, as a user: ``--user
EMAIL`` (or DEMAND_USER) resolved through the users file, so the command sees what that user's
role and wards allow and its views of personal data are audited like the app's. Without a
user, and only when the deployment is not live, it acts as the local command-line user (an
analyst, recorded as such). Errors in what the user asked for, or in the data, print one
clear message and exit 2; they never print a stack trace.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from demand import access, analytics, areas, config, windows
from demand.access import User
from demand.access.config import CLI_USER_ENV
from demand.areas import AreaError
from demand.errors import UsageError
from demand.reader import Reader
from demand.state import AuditWriteError, StateSettingError, open_state
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


def command_user(args: argparse.Namespace, store: Store) -> User:
    """--user, else DEMAND_USER, resolved through the users file; else (not live) the local
    command-line user."""
    email = (args.user or os.environ.get(CLI_USER_ENV, "")).strip()
    if not email:
        if access.is_live():
            raise UsageError("this deployment is live (DEMAND_LIVE): say who you are with --user EMAIL")
        if sys.stderr.isatty():  # a person at a terminal is told; scripts' output stays clean
            print("note: no --user given; acting as the local command-line user (analyst, whole force), "
                  "recorded as such in the audit log", file=sys.stderr)
        return access.command_line_user()
    directory = access.Directory.load(access.settings().users_file)
    found = directory.identify(email, {"name": email}, areas.wards(store))
    if found is None:
        raise UsageError(f"{email} has no role or ward in the users file {directory.path}; ask {directory.contact}")
    return User(found.email, found.name, found.role, found.wards, found.district, "command line")


_opened: list = []  # state databases to close when the command ends


def open_reader(args: argparse.Namespace) -> Reader:
    store = open_store(args)
    user = command_user(args, store)
    try:
        state = open_state(data_dir=store.data_dir)
        _opened.append(state)
    except StateSettingError:
        raise
    except Exception as error:  # noqa: BLE001 - no audit log: aggregates still work, personal data not
        print(f"note: the audit log cannot be opened ({type(error).__name__}); person-level output is refused",
              file=sys.stderr)
        return Reader(store, user, None, page=f"cli {args.command}")
    return Reader(store, user, state.audit, page=f"cli {args.command}")


# --- commands ---------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace) -> int:
    reader = open_reader(args)
    print(f"data: {reader.store.data_dir}")
    info = reader.call("table_info", "force")
    for column in ("first_at", "last_at"):
        info[column] = info[column].dt.strftime("%Y-%m-%d %H:%M").fillna("")
    emit(info, args.format)
    return 0


def cmd_wards(args: argparse.Namespace) -> int:
    emit(open_reader(args).wards(), args.format)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """audit verify: check the chain, name the first broken record (exit 1). audit list:
    the newest records (analysts only)."""
    state = open_state(data_dir=config.data_dir(args.data))
    _opened.append(state)
    if args.action == "verify":
        result = state.audit.verify()
        print(result, file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1
    reader = open_reader(args)
    if not access.may(reader.user, "audit"):
        raise UsageError(f"the audit log is for analysts; {reader.user.email} is a {reader.user.role}")
    emit(pd.DataFrame(state.audit.records(user=args.who, since=args.since, limit=args.limit)), args.format)
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
    parser.add_argument("--user", help="your email, as in the users file (default: $DEMAND_USER; without one, "
                        "and only when not live, the local command-line user)")
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

    audit = commands.add_parser("audit", help="check or list the audit log of views of personal data")
    audit.add_argument("action", choices=("verify", "list"), help="verify the hash chain, or list records")
    audit.add_argument("--who", help="list: only this user's records")
    audit.add_argument("--since", help="list: records from this date (YYYY-MM-DD, UTC)")
    audit.add_argument("--limit", type=int, default=100, help="list: at most this many (newest first)")
    audit.add_argument("--format", choices=FORMATS, default="table")
    audit.set_defaults(run=cmd_audit)

    add_analysis_commands(commands)
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ExtractError, AreaError, UsageError, AuditWriteError, StateSettingError,
            access.UsersFileError, access.SettingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        while _opened:
            _opened.pop().close()
