"""info, wards and synth: what the data holds, and a synthetic force to try the product on."""

from __future__ import annotations

import argparse
from pathlib import Path

from demand.cli.common import FORMATS, emit, open_reader, parse_date


def register(commands) -> None:
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
    synth.add_argument("--end", type=parse_date, help="last day of the data (default: fixed, see demand.synth)")
    synth.set_defaults(run=cmd_synth)


def cmd_info(args: argparse.Namespace) -> int:
    reader = open_reader(args)
    snapshot = reader.store
    info = reader.call("table_info", "force")
    for column in ("first_at", "last_at"):
        info[column] = info[column].dt.strftime("%Y-%m-%d %H:%M").fillna("")
    if args.format != "table":
        emit(info, args.format)
        return 0
    release = f" (release {snapshot.source.name})" if snapshot.source != snapshot.data_dir.resolve(strict=False) \
        or snapshot.data_dir.is_symlink() else ""
    print(f"data: {snapshot.data_dir}{release}")
    emit(info, args.format)
    print("missing months (shown as missing, never as zero):")
    for source, months in reader.call("missing_months").items():
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
              f"{totals.get('duplicates', 0):,} duplicates; {report.get('quarantined', 0):,} rows in quarantine.csv")
    return 0


def cmd_wards(args: argparse.Namespace) -> int:
    emit(open_reader(args).wards(), args.format)
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from demand import calibration, synth

    out = Path(args.out)
    synth.generate(out, scale=args.scale, seed=args.seed, **({"end": args.end} if args.end else {}))
    print(f"wrote the {args.scale} synthetic force (seed {args.seed}) to {out}")
    print(calibration.format_report(calibration.measure(out)))
    return 0
