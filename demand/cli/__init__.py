"""``python -m demand``: the product's command line.

Every command reads the extracts named by ``--data DIR`` or DEMAND_DATA, as a user: ``--user
EMAIL`` (or DEMAND_USER) resolved through the users file, so the command sees what that user's
role and wards allow and its views of personal data are audited like the app's. Without a
user, and only when the deployment is not live, it acts as the local command-line user (an
analyst, recorded as such). Errors in what the user asked for, or in the data, print one
clear message and exit 2; they never print a stack trace.

Each group of commands is a module of this package with a ``register(commands)`` function
that adds its sub-commands; COMMAND_MODULES lists them in the order ``--help`` shows them.
"""

from __future__ import annotations

import argparse
import sys

from demand import access, config
from demand.areas import AreaError
from demand.cli import analysis, audit, bench, brief, data, export, plans
from demand.cli.common import command_user, emit, open_reader, open_store, opened
from demand.errors import ImportFailure, UsageError
from demand.ingest import commands as ingest
from demand.plans.costs import CostsFileError
from demand.state import AuditWriteError, StateSettingError
from demand.store import ExtractError

__all__ = ["build_parser", "command_user", "emit", "main", "open_reader", "open_store"]

COMMAND_MODULES = (data, analysis, brief, ingest, audit, plans, export, bench)
# Errors in what was asked for, or in the data: one line and exit 2, never a stack trace.
USER_ERRORS = (ExtractError, AreaError, UsageError, AuditWriteError, StateSettingError,
               access.UsersFileError, access.SettingError, ImportFailure, CostsFileError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demand", description="The repeat-demand dashboard's command line.")
    parser.add_argument("--data", help=f"extracts directory (default: ${config.DATA_ENV} or {config.DEFAULT_DATA_DIR})")
    parser.add_argument("--user", help="your email, as in the users file (default: $DEMAND_USER; without one, "
                        "and only when not live, the local command-line user)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except USER_ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        while opened:
            opened.pop().close()
