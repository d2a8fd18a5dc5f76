"""Find a person or a place by name: people by name or reference, places by address, street or
reference, only among those with an event in the reader's wards (or lying in them), so a search
never names anyone or anywhere outside what the user may see.

Person search is person-level (the gate refuses it to roles that see no persons and audits every
result it shows); place search shows addresses, so it is audited too. Text is matched as typed
(any case, anywhere in the name), bound as a parameter, never read as a pattern.
"""

from __future__ import annotations

import pandas as pd

from demand.errors import UsageError
from demand.store import Scope, Store

SHORTEST = 2  # characters: fewer match half the force
LIMIT = 25


def _text(text: str) -> str:
    wanted = " ".join(str(text).split())
    if len(wanted) < SHORTEST:
        raise UsageError(f"type at least {SHORTEST} letters of a name, an address or a street")
    return wanted


def people(store: Store, scope: Scope, text: str, limit: int = LIMIT) -> pd.DataFrame:
    """People whose name holds ``text`` (or whose reference is ``text``) with an event in the
    area, best match first: person_id, name, birth_year, events (in the area), last_at."""
    return store._query("find_people", scope, text=_text(text), limit=int(limit))


def places(store: Store, scope: Scope, text: str, limit: int = LIMIT) -> pd.DataFrame:
    """Places whose address or street holds ``text`` (or whose reference is ``text``) in the
    area, best match first: location_id, address, street, location_type, ward_code, ward_name,
    events (in the area), last_at."""
    return store._query("find_places", scope, text=_text(text), limit=int(limit))


def streets(store: Store, scope: Scope, text: str, limit: int = LIMIT) -> pd.DataFrame:
    """Streets whose name holds ``text`` in the area's wards (a street is named within its
    ward), best match first: ward_code, ward_name, street, places, events (in the area), last_at."""
    return store._query("find_streets", scope, text=_text(text), limit=int(limit))
