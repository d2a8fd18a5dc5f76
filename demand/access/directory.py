"""Who may read what: the users file, group claims, and the identities used when nobody signs in.

The users file (TOML, ``DEMAND_USERS``) maps an email, or a group from the identity
provider's token, to a role and an area::

    contact = "the Performance team (performance@force.police.uk)"
    groups_claim = "groups"          # the token claim holding the user's groups

    [users."pc.smith@force.police.uk"]
    role = "officer"
    wards = ["E05010457", "E05010458"]

    [users."insp.jones@force.police.uk"]
    role = "inspector"
    district = "Leicester"           # a district name or code

    [groups."repeat-demand-analysts"]   # an Entra ID group (its object id or name)
    role = "analyst"

An email entry wins over groups; of several matching groups the first in the file wins. A
person in neither is unknown and sees only whom to ask (``contact``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from demand.access.user import ROLES, User

DEFAULT_CONTACT = "your force's system administrator for Repeat demand"


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Grant:
    """One entry of the users file: a role and, for officers and inspectors, their area."""

    role: str
    wards: tuple[str, ...] = ()
    district: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Directory:
    users: dict[str, Grant]
    groups: dict[str, Grant]
    contact: str = DEFAULT_CONTACT
    groups_claim: str = "groups"
    path: Path | None = None

    @classmethod
    def load(cls, path: Path) -> Directory:
        """The users file at ``path``; an absent file is an empty directory (nobody known)."""
        if not path.is_file():
            return cls({}, {}, path=path)
        try:
            data = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise UsersFileError(f"{path}: not a TOML file ({error})") from None
        users = {
            str(email).strip().lower(): _grant(path, f'users."{email}"', entry)
            for email, entry in data.get("users", {}).items()
        }
        groups = {str(g): _grant(path, f'groups."{g}"', entry) for g, entry in data.get("groups", {}).items()}
        return cls(
            users,
            groups,
            contact=str(data.get("contact", DEFAULT_CONTACT)),
            groups_claim=str(data.get("groups_claim", "groups")),
            path=path,
        )

    def grant_for(self, email: str, claims: dict) -> tuple[Grant, str] | None:
        """The entry that applies to this person and where it came from, or None."""
        if email and email.strip().lower() in self.users:
            return self.users[email.strip().lower()], "users file"
        held = claims.get(self.groups_claim) or []
        if isinstance(held, str):
            held = [held]
        for group, grant in self.groups.items():
            if group in held:
                return grant, f"group {group}"
        return None

    def identify(self, email: str, claims: dict, wards: pd.DataFrame) -> User | None:
        """The User for a signed-in person, their area resolved against the wards in the data
        (demand.areas.wards); None when they are unknown or none of their wards is served."""
        found = self.grant_for(email, claims)
        if found is None:
            return None
        grant, source = found
        return user_from_grant(email, claims.get("name") or grant.name or email, grant, wards, source)


def user_from_grant(email: str, name: str, grant: Grant, wards: pd.DataFrame, source: str) -> User | None:
    area = ROLES[grant.role].area
    if area == "force":
        return User(email, name, grant.role, None, None, source)
    if area == "district":
        wanted = (grant.district or "").lower()
        rows = wards[(wards["district"].str.lower() == wanted) | (wards["district_code"].fillna("").str.lower() == wanted)]
        codes = frozenset(rows["ward_code"])
        district = rows["district"].iloc[0] if len(rows) else grant.district
    else:
        codes = frozenset(grant.wards) & frozenset(wards["ward_code"])
        district = None
    if not codes:
        return None
    return User(email, name, grant.role, codes, district, source)


def _grant(path: Path, where: str, entry: object) -> Grant:
    if not isinstance(entry, dict):
        raise UsersFileError(f"{path}: {where} must be a table with a role")
    role = entry.get("role")
    if role not in ROLES:
        raise UsersFileError(f"{path}: {where}: role {role!r} is not one of {', '.join(ROLES)}")
    wards = entry.get("wards", [])
    if isinstance(wards, str):
        wards = [wards]
    district = entry.get("district")
    if ROLES[role].area == "wards" and not wards:
        raise UsersFileError(f"{path}: {where}: an officer needs wards = [\"E05...\", ...]")
    if ROLES[role].area == "district" and not district:
        raise UsersFileError(f"{path}: {where}: an inspector needs district = \"<name or code>\"")
    return Grant(role, tuple(str(w) for w in wards), str(district) if district else None, entry.get("name"))


# --- identities used when nobody signs in ------------------------------------------------

DEMO_EMAIL = "demonstration@localhost"
CLI_EMAIL = "local-command-line@localhost"


def demonstration_users(wards: pd.DataFrame) -> dict[str, User]:
    """One user per role, for the demonstration mode (sign-in not configured, never live):
    the analyst, an inspector of the first district, an officer of its first ward, a viewer."""
    first = wards.sort_values(["district", "ward_name"]).iloc[0]
    users = {
        "analyst": User(DEMO_EMAIL, "Demonstration analyst", "analyst", source="demonstration"),
        "inspector": user_from_grant(DEMO_EMAIL, "Demonstration inspector", Grant("inspector", district=first["district"]),
                                     wards, "demonstration"),
        "officer": User(DEMO_EMAIL, "Demonstration officer", "officer", frozenset([first["ward_code"]]),
                        source="demonstration"),
        "viewer": User(DEMO_EMAIL, "Demonstration viewer", "viewer", source="demonstration"),
    }
    return users


def command_line_user() -> User:
    """The command line's user when neither --user nor DEMAND_USER names one: a local
    analyst, marked as such in the audit log; refused when the deployment is live."""
    return User(CLI_EMAIL, "Local command line (no --user given)", "analyst", source="command line default")
