"""Mailing briefings: the delivery file (who gets which ward's briefing), the message, and the
SMTP conversation (STARTTLS, SSL or plain; a login when a user is set).

Each recipient's copy is produced for that recipient: resolved through the users file, read
through the gate under their own role and wards, and audited as theirs, with one more audit
record for the document leaving by mail. An address that is not a known user gets nothing.
A failure for one recipient or ward is reported and the others go on; ``deliver`` returns one
Outcome per (document, recipient) so the caller can say whether all were delivered.
"""

from __future__ import annotations

import smtplib
import ssl
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from demand import access, areas
from demand.briefings import compose, render
from demand.briefings.settings import MailSettings, valid_address
from demand.errors import UsageError
from demand.present import document
from demand.reader import Reader, Refused
from demand.state import AuditLog, PlanRegister
from demand.store import Store


class DeliveryFileError(UsageError):
    """The delivery file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Delivery:
    """Who gets what: a ward code -> addresses for its briefing; a district (name or code) ->
    addresses for its breakdown."""

    wards: dict[str, tuple[str, ...]]
    districts: dict[str, tuple[str, ...]]
    path: Path

    @classmethod
    def load(cls, path: Path) -> Delivery:
        if not path.is_file():
            raise DeliveryFileError(f"no delivery file {path}: write one (README, Briefings) or give --delivery FILE")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise DeliveryFileError(f"{path}: not a TOML file ({error})") from None
        unknown = set(data) - {"wards", "districts"}
        if unknown:
            raise DeliveryFileError(f"{path}: unknown section [{min(unknown)}]; sections: [wards], [districts]")
        return cls(_addresses(path, "wards", data.get("wards", {})),
                   _addresses(path, "districts", data.get("districts", {})), path)


def _addresses(path: Path, section: str, entries: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(entries, dict):
        raise DeliveryFileError(f"{path}: [{section}] must map a {section[:-1]} to a list of addresses")
    found = {}
    for key, value in entries.items():
        listed = [value] if isinstance(value, str) else value
        if not isinstance(listed, list) or not listed:
            raise DeliveryFileError(f"{path}: [{section}] {key}: give a list of addresses")
        for address in listed:
            if not valid_address(address):
                raise DeliveryFileError(f"{path}: [{section}] {key}: {str(address)[:60]!r} is not one email address")
        found[str(key)] = tuple(dict.fromkeys(a.strip() for a in listed))
    return found


@dataclass(frozen=True)
class Outcome:
    target: str  # the ward code or district
    recipient: str
    delivered: bool
    detail: str  # the file name sent, or why nothing was

    def __str__(self) -> str:
        return (f"sent {self.detail} to {self.recipient}" if self.delivered
                else f"NOT SENT ({self.target}) to {self.recipient}: {self.detail}")


# --- the message ----------------------------------------------------------------------------------


def summary(doc: compose.WardBriefing | compose.DistrictBreakdown) -> str:
    """The plain-text body: the headline figures and what changed, never a name."""
    reading = doc.reading
    lines = []
    if isinstance(doc, compose.WardBriefing):
        lines.append(f"{doc.ward_name} ward briefing for the 7 and 90 days to {render.long_day(reading.as_of)}.")
        lines.append(f"{reading.recent_label}: {doc.recent_crimes:,} crimes and {doc.recent_calls:,} calls"
                     + (f"; {doc.wanted_count} wanted ({doc.wanted_new} new)" if doc.wanted_held else "") + ".")
        lines.append("90 days against the 90 before:")
        lines += [f"- {f.sentence}" for f in doc.headline]
        if doc.changes:
            lines.append("What changed: " + "; ".join(c.sentence for c in doc.changes) + ".")
    else:
        rising = [r.ward_name for r in doc.rows if r.attention == 0]
        lines.append(f"{doc.district}: every ward, 90 days to {render.long_day(reading.as_of)} against the 90 before.")
        lines.append(f"{len(rising)} of {len(doc.rows)} wards with a real rise"
                     + (f": {', '.join(rising)}." if rising else "."))
    lines += ["", "The document is attached (open the PDF to print it).",
              render.marking(reading),
              f"Produced for {reading.reader_name} by Repeat demand; every copy is recorded in its audit log."]
    return "\n".join(lines) + "\n"


def subject(doc: compose.WardBriefing | compose.DistrictBreakdown) -> str:
    day = render.day(doc.reading.as_of)
    if isinstance(doc, compose.WardBriefing):
        return f"{doc.ward_name} ward briefing, {day}"
    return f"{doc.district} ward breakdown, {day}"


def message(settings: MailSettings, recipient: str, doc, attachments: Iterable[tuple[str, bytes]]) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = recipient
    mail["Subject"] = subject(doc)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=settings.sender.split("@")[-1])
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    mail.set_content(summary(doc))
    for name, content in attachments:
        maintype, subtype = render.mime_type(name.rsplit(".", 1)[-1])
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return mail


def send(settings: MailSettings, mail: EmailMessage) -> None:
    """One message over one SMTP connection (raises smtplib.SMTPException or OSError)."""
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    if settings.security == "ssl":
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.security == "starttls":
            server.starttls(context=context)
        if settings.username:
            server.login(settings.username, settings.password or "")
        server.send_message(mail)


# --- delivery ---------------------------------------------------------------------------------------


def files(doc, formats: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """The document in each format, named for its reader to find (render.file_name)."""
    return [(render.file_name(doc, fmt), render.render(doc, fmt)) for fmt in formats]


def _one(store: Store, audit: AuditLog | None, directory: access.Directory, target: str, recipient: str,
         make: Callable[[Reader], object], formats: tuple[str, ...], settings: MailSettings, wards) -> Outcome:
    """Produce ``recipient``'s own copy (``make`` composes it for a reader), audit it leaving,
    and mail it; any failure becomes the Outcome's reason."""
    user = directory.identify(recipient, {"name": recipient}, wards)
    if user is None:
        return Outcome(target, recipient, False, f"not a known user in the users file {directory.path}: nothing sent")
    reader = Reader(store, user, audit, page="brief send")
    try:
        doc = make(reader)
        attached = files(doc, formats)
        if reader.user.sees_persons and doc.ids:
            reader.record_disclosure("mail", target, list(doc.ids), file_name=attached[0][0], rows=len(doc.ids),
                                     recipient=recipient)
        send(settings, message(settings, recipient, doc, attached))
    except Refused as error:  # not their ward, or no audit log: nothing made, nothing sent
        return Outcome(target, recipient, False, str(error))
    except UsageError as error:
        return Outcome(target, recipient, False, str(error))
    except document.RenderError as error:
        return Outcome(target, recipient, False, str(error))
    except (smtplib.SMTPException, OSError) as error:
        return Outcome(target, recipient, False, f"the mail server refused or failed ({type(error).__name__}: {error})")
    return Outcome(target, recipient, True, " and ".join(name for name, _ in attached))


def deliver(store: Store, audit: AuditLog | None, delivery: Delivery, plan: compose.Plan, as_of, cadence_days: int,
            formats: tuple[str, ...], settings: MailSettings, plans: PlanRegister | None = None,
            report: Callable[[Outcome], None] = print) -> list[Outcome]:
    """Mail each ward briefing and district breakdown of ``plan`` that the delivery file lists,
    one copy per address, each produced for its recipient. Returns every outcome (also passed
    to ``report`` as it happens)."""
    directory = access.Directory.load(access.settings().users_file)
    wards = areas.wards(store)
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        report(outcome)

    for code in sorted(set(delivery.wards) - set(wards["ward_code"])):
        done(Outcome(code, ", ".join(delivery.wards[code]), False, "no such ward in the data"))
    jobs = [(code, delivery.wards[code], _ward_maker(code, as_of, cadence_days, plans))
            for code, _, _ in plan.wards if code in delivery.wards]
    for key, recipients in delivery.districts.items():
        name = _district_named(wards, key)
        if name is None:
            done(Outcome(key, ", ".join(recipients), False, "no such district in the data"))
        elif name in plan.districts:
            jobs.append((key, recipients, _district_maker(name, as_of, cadence_days, plans)))
    for target, recipients, make in jobs:
        for recipient in recipients:
            done(_one(store, audit, directory, target, recipient, make, formats, settings, wards))
    return outcomes


def _ward_maker(code: str, as_of, cadence_days: int, plans: PlanRegister | None):
    return lambda reader: compose.ward_briefing(reader, code, as_of, cadence_days, plans=plans)


def _district_maker(name: str, as_of, cadence_days: int, plans: PlanRegister | None):
    return lambda reader: compose.district_breakdown(reader, name, as_of, cadence_days, plans=plans)


def _district_named(wards, key: str) -> str | None:
    """The district a delivery file's key names (its name or code, any case), or None."""
    for name, code in zip(wards["district"], wards["district_code"].fillna("")):
        if key.lower() in (str(name).lower(), str(code).lower()):
            return str(name)
    return None
