"""Identity and access: who is reading, what their role lets them open, and where.

Public surface (everything else in the package is detail):

- ``User``, ``ROLES``: a reader with a role (officer, inspector, analyst, viewer) and wards.
- ``Directory``: the users file and group claims; ``Directory.identify(email, claims, wards)``.
- ``demonstration_users(wards)``, ``command_line_user()``: identities when nobody signs in.
- ``pages_for(user)``, ``may(user, need)``: the page list and permissions of a role.
- ``settings()``: the users file, live flag and session times (``DEMAND_*``).
- ``session_expired(...)``: the idle and absolute session limits.
"""

from demand.access.config import AccessSettings, SettingError, is_live, settings
from demand.access.directory import (
    Directory,
    UsersFileError,
    command_line_user,
    demonstration_users,
)
from demand.access.policy import PAGE_NEEDS, may, pages_for
from demand.access.session import session_expired
from demand.access.user import ROLES, Role, User

__all__ = [
    "PAGE_NEEDS",
    "ROLES",
    "AccessSettings",
    "Directory",
    "Role",
    "SettingError",
    "User",
    "UsersFileError",
    "command_line_user",
    "demonstration_users",
    "is_live",
    "may",
    "pages_for",
    "session_expired",
    "settings",
]
