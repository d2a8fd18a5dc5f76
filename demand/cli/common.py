"""What every command shares: the output formats, the store, the user a command acts as,
and the read gate it reads through."""

from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

from demand import access, areas
from demand.access import User
from demand.access.config import CLI_USER_ENV
from demand.errors import UsageError
from demand.reader import Reader
from demand.state import StateSettingError, open_state
from demand.store import Store

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


opened: list = []  # state databases to close when the command ends


def open_reader(args: argparse.Namespace) -> Reader:
    store = open_store(args).pin()  # one command reads one snapshot, whatever a refresh does meanwhile
    user = command_user(args, store)
    try:
        state = open_state(data_dir=store.data_dir)
        opened.append(state)
    except StateSettingError:
        raise
    except Exception as error:  # noqa: BLE001 - no audit log: aggregates still work, personal data not
        print(f"note: the audit log cannot be opened ({type(error).__name__}); person-level output is refused",
              file=sys.stderr)
        return Reader(store, user, None, page=f"cli {args.command}")
    return Reader(store, user, state.audit, page=f"cli {args.command}")


def parse_date(text: str):
    """An argparse type: a date given as YYYY-MM-DD."""
    try:
        return pd.Timestamp(text).date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None
