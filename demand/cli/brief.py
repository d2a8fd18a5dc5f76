"""brief: the ward briefings (one per ward) and the commander's breakdowns (one per district),
written to a folder and/or mailed (demand.briefings).

    python -m demand brief --area Leicester --as-of 2026-10-31 --out briefings/ --format html,pdf
    python -m demand brief --area force --send            # mail each ward's copy (delivery file)

The area and the date are checked before anything is written: an unknown ward or a date
outside the data is one line on stderr, exit 2, and no file. A document that cannot be made
(no Chromium for the PDF) or delivered is reported and the others go on; the exit status is 1
when any was not written or not delivered, 0 when all were.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from demand import windows
from demand.briefings import compose, render, send
from demand.briefings import settings as briefing_settings
from demand.cli.common import open_reader, opened
from demand.errors import UsageError
from demand.present import document
from demand.reader import Refused


def register(commands) -> None:
    brief = commands.add_parser(
        "brief", help="ward briefings and the commander's breakdown, as files or by mail",
        description="One briefing per ward of the area (and one breakdown per district when the area is a "
                    "district or the force), as the command's user may see them; with --send, each "
                    "recipient's own copy by mail.")
    brief.add_argument("--area", default="force", help="a ward code, a district (name or code) or 'force'")
    brief.add_argument("--as-of", help="the briefing's date, YYYY-MM-DD (default: the data's last day)")
    brief.add_argument("--out", help="folder to write the files to (created if missing)")
    brief.add_argument("--format", default="html,pdf", help="html, pdf or both: html,pdf (default)")
    brief.add_argument("--cadence", type=int, help="days since the previous briefing, which says who is new "
                       f"(default: ${briefing_settings.CADENCE_ENV} or 7; 8 for a 4-on-4-off shift pattern)")
    brief.add_argument("--send", action="store_true", help="mail each document to the addresses the delivery file "
                       "lists for it, produced for each recipient")
    brief.add_argument("--delivery", help=f"the delivery file (default: ${briefing_settings.DELIVERY_ENV} or "
                       "delivery.toml in the project)")
    brief.set_defaults(run=cmd_brief)


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    wrong = [f for f in chosen if f not in render.FORMATS]
    if not chosen or wrong:
        raise UsageError(f"unknown format '{(wrong or [text])[0]}': give html, pdf or html,pdf")
    return chosen


def _as_of(reader, text: str | None):
    """The date asked for, checked against the data before anything is made."""
    first, last = reader.call("data_range")
    day = windows.parse_date(text) if text else last
    if not first <= day <= last:
        raise UsageError(f"as-of date {day} is outside the data, which runs from {first} to {last}")
    return day


def cmd_brief(args: argparse.Namespace) -> int:
    if not args.out and not args.send:
        raise UsageError("say where the briefings go: --out DIR, --send, or both")
    formats = _formats(args.format)
    cadence = compose.check_cadence(args.cadence if args.cadence is not None else briefing_settings.cadence_days())
    mail = briefing_settings.mail_settings() if args.send else None
    delivery = send.Delivery.load(briefing_settings.delivery_file(args.delivery)) if args.send else None
    reader = open_reader(args)
    register = opened[-1].plans if opened else None  # the state database open_reader opened
    plan = compose.plan(reader, args.area)  # Refused: an unknown area, or none of the user's wards
    as_of = _as_of(reader, args.as_of)
    failures = 0
    if args.out:
        failures += _write_all(reader, plan, as_of, cadence, formats, Path(args.out), register)
    if args.send:
        outcomes = send.deliver(reader.store, reader.audit, delivery, plan, as_of, cadence, formats, mail, register,
                                report=lambda outcome: print(outcome, file=sys.stdout if outcome.delivered
                                                             else sys.stderr))
        sent = sum(o.delivered for o in outcomes)
        print(f"{sent} of {len(outcomes)} deliveries sent", file=sys.stderr)
        failures += len(outcomes) - sent
    return 1 if failures else 0


def _write_all(reader, plan: compose.Plan, as_of, cadence: int, formats, folder: Path, register) -> int:
    """Write every document of the plan; returns how many could not be written."""
    folder.mkdir(parents=True, exist_ok=True)
    makers = [(code, lambda c=code: compose.ward_briefing(reader, c, as_of, cadence, plans=register))
              for code, _, _ in plan.wards]
    makers += [(name, lambda n=name: compose.district_breakdown(reader, n, as_of, cadence, plans=register))
               for name in plan.districts]
    failed = 0
    for area, make in makers:
        try:
            doc = make()
        except (Refused, UsageError) as error:
            failed += 1
            print(f"error: {area}: {error}", file=sys.stderr)
            continue
        for fmt in formats:  # an HTML file is still written when Chromium cannot print the PDF
            name = render.file_name(doc, fmt)
            try:
                content = render.render(doc, fmt)
                if reader.user.sees_persons and doc.ids:
                    reader.record_disclosure("briefing file", area, list(doc.ids), file_name=name, rows=len(doc.ids))
            except (Refused, document.RenderError) as error:
                failed += 1
                print(f"error: {name}: {error}", file=sys.stderr)
                continue
            (folder / name).write_bytes(content)
            print(folder / name)
    return failed
