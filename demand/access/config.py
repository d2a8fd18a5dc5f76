"""Settings of sign-in and access, each read in one place (the README's Settings table).

| setting | environment | default |
|---|---|---|
| users file (email or group → role and area) | DEMAND_USERS | ``users.toml`` in the project |
| the deployment is live: refuse demonstration mode | DEMAND_LIVE (1/true/yes) | not live |
| idle time before sign-out, minutes | DEMAND_IDLE_MINUTES | 30 |
| longest session from sign-in, hours | DEMAND_SESSION_HOURS | 10 |
| command-line user when ``--user`` is not given | DEMAND_USER | the local demonstration user (refused when live) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from demand.config import PROJECT_DIR

USERS_ENV = "DEMAND_USERS"
LIVE_ENV = "DEMAND_LIVE"
IDLE_ENV = "DEMAND_IDLE_MINUTES"
SESSION_ENV = "DEMAND_SESSION_HOURS"
CLI_USER_ENV = "DEMAND_USER"


class SettingError(ValueError):
    """A setting with a value that cannot be used; the message names it."""


@dataclass(frozen=True)
class AccessSettings:
    users_file: Path
    live: bool
    idle_seconds: int
    session_seconds: int


def _number(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingError(f"{name}={text!r} is not a number") from None
    if value <= 0:
        raise SettingError(f"{name}={text!r} must be more than 0")
    return value


def is_live() -> bool:
    return os.environ.get(LIVE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def settings() -> AccessSettings:
    users = os.environ.get(USERS_ENV, "").strip()
    return AccessSettings(
        users_file=Path(users).expanduser().resolve() if users else PROJECT_DIR / "users.toml",
        live=is_live(),
        idle_seconds=int(_number(IDLE_ENV, 30) * 60),
        session_seconds=int(_number(SESSION_ENV, 10) * 3600),
    )
