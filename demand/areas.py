"""Areas a user can ask for: a ward code, a district (name or code), or the whole force.

An area becomes a Scope, the set of wards a query may read. ``resolve_in`` narrows every area
to the wards a user may see; the read gate (demand.reader) is its one caller for users, so one
place decides what data leaves the store.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from demand.store import Scope, Store

FORCE = "force"
LONGEST_AREA = 64  # longer than any ward code or district name: refused unread


class AreaError(ValueError):
    """An area that is not a ward, district or 'force', or holds none of the user's wards;
    the message lists the choices without naming anything outside the user's wards."""


def wards(store: Store) -> pd.DataFrame:
    """Every ward, by district then name (read once per snapshot)."""
    return store.reference("ward_list")


def districts(store: Store) -> list[str]:
    return sorted(wards(store)["district"].unique())


def shown(value: object) -> str:
    """A value as a message may echo it: at most 40 printable characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) <= 40 else text[:40] + "…"


def resolve(store: Store, area: str, allowed: Iterable[str] | None = None) -> Scope:
    return resolve_in(wards(store), area, allowed)


def resolve_in(table: pd.DataFrame, area: str | None, allowed: Iterable[str] | None = None) -> Scope:
    """The Scope of ``area`` within ``table`` (demand.areas.wards), narrowed to ``allowed``
    ward codes when given (None: the whole force may be read)."""
    wanted = (area or FORCE).strip() if isinstance(area, str) or area is None else None
    if wanted is None or len(wanted) > LONGEST_AREA or not wanted.isprintable():
        raise AreaError(f"'{shown(area)}' is not a ward code, a district or 'force'")
    allowed_set = set(allowed) if allowed is not None else None
    visible = table if allowed_set is None else table[table["ward_code"].isin(allowed_set)]

    if wanted.lower() == FORCE:
        codes = table["ward_code"]
        label = "the whole force" if allowed_set is None else "your wards"
    elif wanted in set(table["ward_code"]):
        codes = table.loc[table["ward_code"] == wanted, "ward_code"]
        label = table.loc[table["ward_code"] == wanted, "ward_name"].iloc[0]
    else:
        by_district = table[
            (table["district"].str.lower() == wanted.lower())
            | (table["district_code"].fillna("").str.lower() == wanted.lower())
        ]
        if by_district.empty:
            examples = ", ".join(visible["ward_code"].head(3))
            raise AreaError(
                f"unknown area '{shown(area)}': give 'force', a district "
                f"({'; '.join(sorted(visible['district'].unique()))}) "
                f"or a ward code ({examples}, ... {len(visible)} wards; "
                f"`python -m demand wards` lists them)"
            )
        codes = by_district["ward_code"]
        label = by_district["district"].iloc[0]

    selected = tuple(sorted(codes))
    if allowed_set is not None:
        selected = tuple(c for c in selected if c in allowed_set)
        if not selected:
            raise AreaError(f"area '{shown(area)}' holds no ward you may see")
    # Events with no ward belong to the force as a whole, and only to a user who may see it all.
    whole_force = wanted.lower() == FORCE and (allowed_set is None or set(table["ward_code"]) <= allowed_set)
    return Scope(selected, include_unwarded=whole_force, label=label)
