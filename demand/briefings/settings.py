"""Settings of the briefings and their delivery by mail, each read here: the environment,
then the settings file (``[briefings]`` and ``[mail]``, see ``demand.config``), then the
default. The README's Settings table lists them; a test keeps the two in step.

| setting | settings file | environment | default |
|---|---|---|---|
| days between briefings (the previous briefing is as-of minus this) | ``[briefings] cadence_days`` | DEMAND_BRIEFING_CADENCE_DAYS | 7 |
| delivery file (ward code or district -> addresses) | ``[briefings] delivery`` | DEMAND_BRIEFING_DELIVERY (or ``--delivery``) | ``delivery.toml`` in the project |
| SMTP server | ``[mail] host`` | DEMAND_SMTP_HOST | none: ``--send`` refuses to run |
| SMTP port | ``[mail] port`` | DEMAND_SMTP_PORT | 587 (starttls), 465 (ssl), 25 (none) |
| SMTP security | ``[mail] security`` | DEMAND_SMTP_SECURITY (``starttls``, ``ssl`` or ``none``) | ``starttls`` |
| SMTP user name | ``[mail] user`` | DEMAND_SMTP_USER | none: no login |
| SMTP password | ``[mail] password_file`` (never the password itself) | DEMAND_SMTP_PASSWORD, or DEMAND_SMTP_PASSWORD_FILE | none |
| certificate authorities to trust (an internal relay) | ``[mail] ca_file`` | DEMAND_SMTP_CA_FILE | the system's |
| sender address | ``[mail] from`` | DEMAND_MAIL_FROM | ``repeat-demand@localhost`` |
| SMTP timeout, seconds | ``[mail] timeout`` | DEMAND_SMTP_TIMEOUT | 30 |
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from demand import config
from demand.access import SettingError
from demand.config import PROJECT_DIR

CADENCE_ENV = "DEMAND_BRIEFING_CADENCE_DAYS"
DELIVERY_ENV = "DEMAND_BRIEFING_DELIVERY"
HOST_ENV = "DEMAND_SMTP_HOST"
PORT_ENV = "DEMAND_SMTP_PORT"
SECURITY_ENV = "DEMAND_SMTP_SECURITY"
USER_ENV = "DEMAND_SMTP_USER"
PASSWORD_ENV = "DEMAND_SMTP_PASSWORD"
PASSWORD_FILE_ENV = "DEMAND_SMTP_PASSWORD_FILE"
CA_FILE_ENV = "DEMAND_SMTP_CA_FILE"
FROM_ENV = "DEMAND_MAIL_FROM"
TIMEOUT_ENV = "DEMAND_SMTP_TIMEOUT"
ENVIRONMENT = (CADENCE_ENV, DELIVERY_ENV, HOST_ENV, PORT_ENV, SECURITY_ENV, USER_ENV, PASSWORD_ENV,
               PASSWORD_FILE_ENV, CA_FILE_ENV, FROM_ENV, TIMEOUT_ENV)

# Where the settings file holds each (the password has no key: a file of settings is no place
# for a secret; password_file names one that is).
FILE_KEYS = {
    CADENCE_ENV: ("briefings", "cadence_days"),
    DELIVERY_ENV: ("briefings", "delivery"),
    HOST_ENV: ("mail", "host"),
    PORT_ENV: ("mail", "port"),
    SECURITY_ENV: ("mail", "security"),
    USER_ENV: ("mail", "user"),
    PASSWORD_FILE_ENV: ("mail", "password_file"),
    CA_FILE_ENV: ("mail", "ca_file"),
    FROM_ENV: ("mail", "from"),
    TIMEOUT_ENV: ("mail", "timeout"),
}
PATHS = (DELIVERY_ENV, PASSWORD_FILE_ENV, CA_FILE_ENV)  # relative to the settings file's folder

SECURITIES = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_CADENCE_DAYS = 7
DEFAULT_SENDER = "repeat-demand@localhost"
# An address as a delivery file or setting may give it: one mailbox, no spaces, no line breaks
# (which would let a value add mail headers).
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.?[^@\s<>,;\"]*$")


def _given() -> dict[str, tuple[str, str]]:
    """Every setting given, as text, with how a message names it: the environment's value, else
    the settings file's (the file read once for them all). A setting not given is absent."""
    path, sections = config.file_sections("briefings", "mail")
    given = {}
    for name in ENVIRONMENT:
        value = os.environ.get(name, "").strip()
        if value:
            given[name] = (value, name)
        elif name in FILE_KEYS and FILE_KEYS[name][1] in sections[FILE_KEYS[name][0]]:
            section, key = FILE_KEYS[name]
            written = sections[section][key]
            if isinstance(written, bool) or not isinstance(written, (str, int)):
                raise SettingError(f"{path}: [{section}] {key} must be text or a whole number, not {written!r}")
            text = str(written).strip()
            if name in PATHS:
                text = str((path.parent / Path(text).expanduser()).absolute())
            given[name] = (text, f"{path} [{section}] {key}")
    return given


def _text(given: dict, name: str) -> str:
    return given.get(name, ("", name))[0]


def _named(given: dict, name: str) -> str:
    """How a message names a setting: the variable, or the settings file's key it came from."""
    return given.get(name, ("", name))[1]


def _whole(given: dict, name: str, default: int, low: int, high: int) -> int:
    text = _text(given, name)
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise SettingError(f"{_named(given, name)}={text!r} is not a whole number from {low} to {high}")
    return int(text)


def cadence_days() -> int:
    """Days between briefings: the previous briefing, whose list tells who is new, is the same
    briefing as at as-of minus this (7 for weekly; 8 for a 4-on-4-off shift pattern)."""
    return _whole(_given(), CADENCE_ENV, DEFAULT_CADENCE_DAYS, 1, 90)


def delivery_file(override: str | os.PathLike | None = None) -> Path:
    chosen = override or _text(_given(), DELIVERY_ENV)
    return Path(chosen).expanduser().resolve() if chosen else PROJECT_DIR / "delivery.toml"


def valid_address(address: str) -> bool:
    return isinstance(address, str) and bool(ADDRESS.match(address)) and address.isprintable()


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    username: str | None
    password: str | None
    ca_file: Path | None
    sender: str
    timeout: float

    def describe(self) -> str:
        login = f" as {self.username}" if self.username else ""
        return f"{self.host}:{self.port} ({self.security}){login}"


def mail_settings() -> MailSettings:
    """The SMTP server to send through; SettingError names a missing or unusable setting."""
    given = _given()
    host = _text(given, HOST_ENV)
    if not host:
        raise SettingError(f"cannot send: set {HOST_ENV} or the settings file's [mail] host (and, as needed, "
                           f"the port, security, user and password) to the SMTP server (README, Briefings)")
    security = (_text(given, SECURITY_ENV) or "starttls").lower()
    if security not in SECURITIES:
        raise SettingError(f"{_named(given, SECURITY_ENV)}={security!r} is not one of {', '.join(SECURITIES)}")
    port = _whole(given, PORT_ENV, SECURITIES[security], 1, 65535)
    password = os.environ.get(PASSWORD_ENV) or None
    password_file = _text(given, PASSWORD_FILE_ENV)
    if password_file:
        try:
            password = Path(password_file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SettingError(f"{_named(given, PASSWORD_FILE_ENV)}: cannot read {password_file} ({error.strerror})") from None
    ca_file = Path(_text(given, CA_FILE_ENV)).expanduser() if _text(given, CA_FILE_ENV) else None
    if ca_file is not None and not ca_file.is_file():
        raise SettingError(f"{_named(given, CA_FILE_ENV)}: no file {ca_file}")
    sender = _text(given, FROM_ENV) or DEFAULT_SENDER
    if not valid_address(sender):
        raise SettingError(f"{_named(given, FROM_ENV)}={sender!r} is not one email address")
    return MailSettings(host, port, security, _text(given, USER_ENV) or None, password, ca_file, sender,
                        float(_whole(given, TIMEOUT_ENV, 30, 1, 600)))
