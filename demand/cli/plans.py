"""plan list | show | create | update | close | reopen | review, assess, and wdd: the register
of problem-solving plans, their assessment, and the analyst's WDD calculator."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from demand import stats
from demand.cli.common import FORMATS, command_user, emit, open_store, opened
from demand.errors import UsageError
from demand.plans import document
from demand.plans.assess import assess
from demand.plans.service import PlanDesk
from demand.present import wording
from demand.reader import Reader
from demand.state import open_state
from demand.state.plans import KINDS, SARA, STATUSES

LIST_COLUMNS = ["id", "title", "kind", "ward_code", "district", "owner", "status", "response_date", "targets",
                "updated_at", "updated_by"]
ASSESS_FORMATS = ("json", "html", "pdf")


def register(commands) -> None:
    """plan (the register), assess (a plan's assessment) and wdd (the calculator)."""
    plan = commands.add_parser("plan", help="problem-solving plans: list, show, create, update, close, review")
    actions = plan.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="the plans you may see, newest first")
    listing.add_argument("--status", help=f"only this status ({', '.join(STATUSES)})")
    listing.add_argument("--ward", help="only this ward's plans (a ward code)")
    listing.add_argument("--format", choices=FORMATS, default="table")
    listing.set_defaults(run=cmd_list)

    show = actions.add_parser("show", help="one plan, with every change made to it")
    show.add_argument("plan_id", metavar="PLAN_ID")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(run=cmd_show)

    create = actions.add_parser("create", help="a new plan (its targets are checked against the data)")
    _fields(create, required=True)
    create.set_defaults(run=cmd_create)

    update = actions.add_parser("update", help="change some fields of a plan")
    update.add_argument("plan_id", metavar="PLAN_ID")
    _fields(update, required=False)
    update.add_argument("--version", type=int, help="the version you are changing (refused if someone changed it since)")
    update.set_defaults(run=cmd_update)

    close = actions.add_parser("close", help="close a plan (never deleted), with its final assessment")
    close.add_argument("plan_id", metavar="PLAN_ID")
    close.add_argument("--assessment", help="the final assessment, in words")
    close.add_argument("--version", type=int, help="the version you are closing")
    close.set_defaults(run=cmd_close)

    reopen = actions.add_parser("reopen", help="reopen a closed plan")
    reopen.add_argument("plan_id", metavar="PLAN_ID")
    reopen.set_defaults(run=cmd_reopen)

    review = actions.add_parser("review", help="the monthly audit: stale, undated, lost targets, open too long")
    review.add_argument("--open-days", type=int, help="flag plans open longer than this (default "
                        "$DEMAND_PLAN_OPEN_DAYS or 180)")
    review.add_argument("--format", choices=FORMATS, default="table")
    review.set_defaults(run=cmd_review)

    assessment = commands.add_parser("assess", help="a plan's assessment: did demand fall, did it move, what did "
                                     "it save")
    assessment.add_argument("plan_id", metavar="PLAN_ID")
    assessment.add_argument("--as-of", help="assess as on this date, YYYY-MM-DD (default: the data's last day)")
    assessment.add_argument("--window", default="12m", help="90d, 12m or a number of days either side of the "
                            "response date (default 12m)")
    assessment.add_argument("--control-area", help="the control: a ward code, district or 'force' "
                            "(default: the plan's, else its district)")
    assessment.add_argument("--buffer-m", type=float, help="a location plan's buffer in metres (default: the plan's)")
    assessment.add_argument("--format", choices=ASSESS_FORMATS, default="json")
    assessment.add_argument("--out", help="write to this file (a PDF is always written to a file; default "
                            "plan-N-...-assessment-DATE.pdf)")
    assessment.set_defaults(run=cmd_assess)

    wdd = commands.add_parser("wdd", help="the Weighted Displacement Difference and Quotient of before/after counts")
    for name, text in (("treated", "the treated area"), ("control", "its control area"),
                       ("displacement", "the displacement buffer"),
                       ("displacement-control", "the buffer's control area")):
        wdd.add_argument(f"--{name}", nargs=2, type=float, metavar=("BEFORE", "AFTER"), required=name in
                         ("treated", "control"), help=f"counts before and after in {text}")
    wdd.add_argument("--format", choices=("table", "json"), default="table")
    wdd.set_defaults(run=cmd_wdd)


def _fields(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--title", required=required, help="what the problem is, in a line")
    parser.add_argument("--kind", required=required, help=f"one of {', '.join(KINDS)}")
    parser.add_argument("--target", action="append", dest="targets", required=required,
                        help="a person id, location id or ward code (repeat for more)")
    parser.add_argument("--ward", dest="ward_code", required=required, help="the ward the plan belongs to")
    parser.add_argument("--category", action="append", dest="categories",
                        help="count only this crime category or call type (repeat for more)")
    parser.add_argument("--owner", help="who owns it (default: you)")
    parser.add_argument("--partners", help="partner agencies")
    for name in SARA:
        parser.add_argument(f"--{name}", help=f"the {name} text (SARA)")
    parser.add_argument("--response-date", help="the date the response started, YYYY-MM-DD")
    parser.add_argument("--status", help="open or 'under assessment'")
    parser.add_argument("--control-area", help="the control: a ward code, district or 'force' (default: the "
                        "rest of the plan's district)")
    parser.add_argument("--buffer-m", type=int, help="a location plan's buffer in metres (default 200)")
    parser.add_argument("--buffer-ward", action="append", dest="buffer_wards",
                        help="an area plan's buffer ward (repeat; default: the neighbouring wards)")


FIELD_NAMES = ("title", "kind", "targets", "ward_code", "categories", "owner", "partners", *SARA, "response_date",
               "status", "control_area", "buffer_m", "buffer_wards")


def _given(args: argparse.Namespace) -> dict:
    return {name: getattr(args, name) for name in FIELD_NAMES if getattr(args, name, None) is not None}


def open_desk(args: argparse.Namespace) -> PlanDesk:
    """The plans the command's user may see; the state database must open (plans live there)."""
    store = open_store(args)
    user = command_user(args, store)
    state = open_state(data_dir=store.data_dir)
    opened.append(state)
    reader = Reader(store, user, state.audit, page=f"cli {args.command}")
    return PlanDesk(reader, state.plans)


def _row(plan) -> dict:
    row = plan.to_dict()
    row["targets"] = len(plan.targets)
    return {c: row[c] for c in LIST_COLUMNS}


def cmd_list(args: argparse.Namespace) -> int:
    plans = open_desk(args).list(status=args.status, ward=args.ward)
    emit(pd.DataFrame([_row(p) for p in plans], columns=LIST_COLUMNS), args.format)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    plan = desk.get(args.plan_id)
    history = desk.history(plan.id)
    if args.format == "json":
        print(json.dumps({"plan": plan.to_dict(), "history": history}, indent=1, default=str))
        return 0
    for key, value in plan.to_dict().items():
        if isinstance(value, list):
            value = ", ".join(value)
        if value not in ("", None) or key in ("response_date",):
            text = str(value if value is not None else "(not set)")
            print(f"{key:>14}: {text if len(text) < 400 else text[:400] + '…'}")
    print("\nhistory:")
    for change in history:
        fields = ", ".join(sorted(change["changes"]))
        print(f"  v{change['version']} {change['at'][:16].replace('T', ' ')} {change['user_email']} "
              f"({change['user_role']}) {change['action']}: {fields}")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    plan = open_desk(args).create(_given(args))
    print(f"plan {plan.id} created: {plan.title} ({plan.kind}, {len(plan.targets)} targets, ward {plan.ward_code})")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    changes = _given(args)
    if not changes:
        raise UsageError("nothing to change: give at least one field, e.g. --response-date 2026-03-01")
    plan = open_desk(args).update(args.plan_id, changes, expected_version=args.version)
    print(f"plan {plan.id} is now version {plan.version}")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    plan = open_desk(args).close(args.plan_id, args.assessment, expected_version=args.version)
    print(f"plan {plan.id} closed")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    plan = open_desk(args).reopen(args.plan_id)
    print(f"plan {plan.id} reopened")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    rows = open_desk(args).review(open_days=args.open_days)
    emit(pd.DataFrame([{
        "id": r.plan.id, "title": r.plan.title, "ward_code": r.plan.ward_code, "owner": r.plan.owner,
        "status": r.plan.status, "days_open": r.days_open, "days_since_update": r.days_since_update,
        "flags": "; ".join(r.flags), "missing_targets": ", ".join(r.missing_targets),
    } for r in rows], columns=["id", "title", "ward_code", "owner", "status", "days_open", "days_since_update",
                               "flags", "missing_targets"]), args.format)
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    plan = desk.get(args.plan_id)
    window = int(args.window) if args.window.isdigit() else args.window
    result = assess(desk.reader, plan, as_of=args.as_of, window=window, control_area=args.control_area,
                    radius_m=args.buffer_m)
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=1, default=str)
        _write_or_print(args.out, text)
        return 0
    name = args.out or document.file_name(result, args.format)
    # The document leaves the screen: audit it as a download of the plan's targets first.
    desk.reader.record_disclosure("download", plan.ward_code, list(plan.targets) if plan.target_kind != "ward" else [],
                                  file_name=Path(name).name, plan=plan.id)
    if args.format == "html":
        _write_or_print(args.out, document.html(result))
        return 0
    Path(name).write_bytes(document.pdf(result))
    print(f"wrote {name}")
    return 0


def _write_or_print(out: str | None, text: str) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        print(text)


def cmd_wdd(args: argparse.Namespace) -> int:
    treated, control = tuple(args.treated), tuple(args.control)
    displacement = tuple(args.displacement) if args.displacement else (0, 0)
    displacement_control = tuple(args.displacement_control) if args.displacement_control else (0, 0)
    try:
        result = stats.wdd(treated, control, displacement, displacement_control)
        quotient = stats.wdq(treated, control, displacement) if args.displacement else None
        reason = stats.wdq_undefined_reason(treated, control, displacement) if args.displacement else \
            "give --displacement to measure it"
    except ValueError as error:
        raise UsageError(str(error)) from None
    low, high = result.interval()
    if args.format == "json":
        print(json.dumps({**result.__dict__, "wdq": quotient, "wdq_meaning": wording.wdq_text(quotient),
                          "wdq_undefined_reason": reason}, indent=1))
        return 0
    print("Weighted Displacement Difference (Wheeler & Ratcliffe 2018); below 0 means fewer events")
    print(f"  local (treated minus control change)       {result.local:10.1f}   SE {result.local_se:.1f}")
    print(f"  displacement (buffer minus its control)    {result.displacement:10.1f}   SE {result.displacement_se:.1f}")
    print(f"  WDD                                        {result.total:10.1f}   SE {result.se:.1f}")
    print(f"  z = {result.z:.2f}, two-sided p = {result.p:.4f}")
    print(f"  95% interval: {low:.1f} to {high:.1f}")
    if quotient is None:
        print(f"Weighted Displacement Quotient (Bowers & Johnson 2003): not defined: {reason}")
    else:
        print(f"Weighted Displacement Quotient (Bowers & Johnson 2003): {quotient:.3f}: {wording.wdq_text(quotient)}")
    return 0
