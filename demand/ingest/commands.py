"""``python -m demand ingest | refresh | rollback``: the importers on the command line.

    python -m demand ingest police-uk PATH... [--out DIR] [--allow-partial] [--districts CODES]
    python -m demand ingest extracts SRC [--mapping FILE] [--out DIR] [--allow-partial]
    python -m demand refresh [--settings FILE]
    python -m demand rollback [--out DIR]

Each prints what it did with every file; a failure prints one line naming the file (or
setting) and exits 2, with nothing published.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from demand import config
from demand.errors import ImportFailure
from demand.ingest import publish, run


def register(commands) -> None:
    ingest = commands.add_parser("ingest", help="import data.police.uk files or a force's extracts, and publish them")
    sources = ingest.add_subparsers(dest="ingest_source", required=True, metavar="SOURCE")

    police = sources.add_parser("police-uk", help="data.police.uk street files: folders, CSVs or the archive zip")
    police.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    police.add_argument("--districts", help="the force's districts, comma-separated ONS codes "
                                            "(default: found from where its rows are)")
    _publish_options(police)
    police.set_defaults(run=cmd_police_uk)

    extracts = sources.add_parser("extracts", help="a force's own CSV, parquet or XLSX exports, with a mapping")
    extracts.add_argument("src", type=Path, metavar="SRC", help="the folder holding the exports")
    extracts.add_argument("--mapping", type=Path, help="TOML or YAML mapping (default: mapping.toml in SRC; "
                                                       "none needed for contract-shaped parquet)")
    _publish_options(extracts)
    extracts.set_defaults(run=cmd_extracts)

    refresh = commands.add_parser("refresh", help="run the import the settings file configures, then publish it")
    refresh.add_argument("--settings", type=Path, help=f"settings file (default: ${config.SETTINGS_ENV} or "
                                                      f"{config.DEFAULT_SETTINGS_FILE})")
    refresh.set_defaults(run=cmd_refresh)

    rollback = commands.add_parser("rollback", help="serve the release before the current one again")
    rollback.add_argument("--out", type=Path, help="the data directory (default: --data or the configured one)")
    rollback.set_defaults(run=cmd_rollback)


def _publish_options(command) -> None:
    command.add_argument("--out", type=Path, help="data directory to publish to (default: --data, "
                                                  f"${config.DATA_ENV} or the settings file)")
    command.add_argument("--allow-partial", action="store_true",
                         help="publish the files that can be read; a refused file's months are recorded missing")


def _out(args) -> Path:
    return Path(args.out).absolute() if args.out else config.data_dir(args.data)


def _publish(out: Path, write) -> int:
    try:
        report = run.publish_import(out, write)
    except ImportFailure as error:
        print(f"error: {error}", file=sys.stderr)
        print(f"Nothing was published: {out} still serves {run.serving(out)}.", file=sys.stderr)
        return 2
    print(report.text())
    print(f"Published release {report.release} at {out} (a running app picks it up without a restart).")
    for refused in report.refused:
        print(f"warning: {refused.file} was refused and left out ({refused.note})", file=sys.stderr)
    return 0


def cmd_police_uk(args) -> int:
    from demand.ingest import police_uk

    districts = [d.strip() for d in args.districts.split(",") if d.strip()] if args.districts else None
    return _publish(_out(args), lambda directory: police_uk.import_files(
        args.paths, directory, allow_partial=args.allow_partial, districts=districts, progress_stream=sys.stderr))


def cmd_extracts(args) -> int:
    from demand.ingest import extracts

    return _publish(_out(args), lambda directory: extracts.import_folder(
        args.src, directory, mapping=args.mapping, allow_partial=args.allow_partial, progress_stream=sys.stderr))


def cmd_refresh(args) -> int:
    if args.settings:
        # One process, one job: every setting read from here on comes from this file.
        os.environ[config.SETTINGS_ENV] = str(Path(args.settings).absolute())
    try:
        settings = config.settings()
    except ImportFailure as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    job = settings.refresh
    if job is None:
        where = settings.file or config.settings_file()
        print(f"error: {where}: no [refresh] section says what to import (see the README, Daily refresh)",
              file=sys.stderr)
        return 2
    if job.source == "police-uk":
        from demand.ingest import police_uk

        def write(directory):
            return police_uk.import_files(list(job.paths), directory, allow_partial=job.allow_partial,
                                          districts=list(job.districts) or None, progress_stream=sys.stderr)
    else:
        from demand.ingest import extracts

        def write(directory):
            return extracts.import_folder(job.paths[0], directory, mapping=job.mapping,
                                          allow_partial=job.allow_partial, progress_stream=sys.stderr)
    return _publish(settings.data_dir, write)


def cmd_rollback(args) -> int:
    out = Path(args.out).absolute() if args.out else config.data_dir(args.data)
    try:
        with publish.lock(out):
            release = publish.rollback(out)
    except ImportFailure as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{out} now serves release {release.name} again.")
    return 0
