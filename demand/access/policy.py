"""What each role may open: pages, person-level data, exports, the audit log.

The page list is built from these rules (``st.navigation`` in app.py), and the read gate
(demand.reader) checks the same rules again on every read, so hiding a page is never the only
protection.
"""

from __future__ import annotations

from demand.access.user import User

# page key -> the permission it needs: None (everyone), 'persons', 'exports' or 'audit'
PAGE_NEEDS: dict[str, str | None] = {
    "home": None,
    "ward": "persons",
    "briefing": None,  # a viewer's copy holds counts only
    "compare": None,
    "repeats": "persons",
    "profile": "persons",
    "streets": "persons",
    "find": "persons",
    "concentration": None,
    "data": None,
    "problems": "persons",
    "export": "exports",
    "audit": "audit",
}


def may(user: User, need: str | None) -> bool:
    if need is None:
        return True
    role = user.permissions
    return {"persons": role.persons, "exports": role.exports, "audit": role.audit}[need]


def pages_for(user: User) -> list[str]:
    """The page keys this user's navigation lists, in PAGE_NEEDS order."""
    return [page for page, need in PAGE_NEEDS.items() if may(user, need)]
