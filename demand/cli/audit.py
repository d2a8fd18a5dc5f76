"""audit verify | list: the log of every view of personal data (DPA 2018 s62)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from demand import access, config
from demand.cli.common import FORMATS, emit, open_reader, opened
from demand.errors import UsageError
from demand.state import open_state


def register(commands) -> None:
    audit = commands.add_parser("audit", help="check or list the audit log of views of personal data")
    audit.add_argument("action", choices=("verify", "list"), help="verify the hash chain, or list records")
    audit.add_argument("--who", help="list: only this user's records")
    audit.add_argument("--since", help="list: records from this date (YYYY-MM-DD, UTC)")
    audit.add_argument("--limit", type=int, default=100, help="list: at most this many (newest first)")
    audit.add_argument("--format", choices=FORMATS, default="table")
    audit.set_defaults(run=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    """audit verify: check the chain, name the first broken record (exit 1). audit list:
    the newest records (analysts only)."""
    state = open_state(data_dir=config.data_dir(args.data))
    opened.append(state)
    if args.action == "verify":
        result = state.audit.verify()
        print(result, file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1
    reader = open_reader(args)
    if not access.may(reader.user, "audit"):
        raise UsageError(f"the audit log is for analysts; {reader.user.email} is a {reader.user.role}")
    emit(pd.DataFrame(state.audit.records(user=args.who, since=args.since, limit=args.limit)), args.format)
    return 0
