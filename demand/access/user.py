"""Who is reading: a signed-in person (or the command line) with a role and an area."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """What a role may do. ``area``: 'wards' (named wards), 'district' (one district's wards)
    or 'force' (every ward, and the events with no ward)."""

    name: str
    title: str
    area: str
    persons: bool  # may see person-level data (names, addresses, records, timelines)
    exports: bool  # may export (issue 12's Export page and `demand export`)
    audit: bool  # may read the audit log


ROLES: dict[str, Role] = {
    "officer": Role("officer", "Neighbourhood officer", "wards", persons=True, exports=False, audit=False),
    "inspector": Role("inspector", "District inspector", "district", persons=True, exports=False, audit=False),
    "analyst": Role("analyst", "Analyst", "force", persons=True, exports=True, audit=True),
    "viewer": Role("viewer", "Viewer (public-friendly pages)", "force", persons=False, exports=False, audit=False),
}


@dataclass(frozen=True)
class User:
    """A reader of the data. ``wards`` is None for a force-wide role (analyst, viewer): the
    whole force, including events with no ward. ``source`` says how the role was found
    ('users file', 'group <name>', 'demonstration', 'command line')."""

    email: str
    name: str
    role: str
    wards: frozenset[str] | None = None
    district: str | None = None
    source: str = "users file"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: one of {', '.join(ROLES)}")
        if ROLES[self.role].area != "force" and not self.wards:
            raise ValueError(f"a {self.role} needs at least one ward")

    @property
    def permissions(self) -> Role:
        return ROLES[self.role]

    @property
    def force_wide(self) -> bool:
        return self.wards is None

    @property
    def sees_persons(self) -> bool:
        return self.permissions.persons

    def describe(self) -> str:
        """'Jo Bloggs, neighbourhood officer (2 wards)' for the sidebar and the audit page."""
        title = self.permissions.title
        if self.district:
            where = self.district
        elif self.wards is not None:
            where = f"{len(self.wards)} ward{'s' if len(self.wards) != 1 else ''}"
        else:
            where = "whole force"
        return f"{self.name or self.email}, {title.lower()} ({where})"
