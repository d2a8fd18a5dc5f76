"""Areas a user can ask for: a ward code, a district (name or code), or the whole force.

An area becomes a Scope, the set of wards a query may read. ``allowed`` narrows every area
to the wards a user may see, so one place decides what data leaves the store.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from demand.store import Scope, Store

FORCE = "force"


class AreaError(ValueError):
    """An area that is not a ward, district or 'force'; the message lists the choices."""


def wards(store: Store) -> pd.DataFrame:
    return store.query("ward_list")


def districts(store: Store) -> list[str]:
    return sorted(wards(store)["district"].unique())


def resolve(store: Store, area: str, allowed: Iterable[str] | None = None) -> Scope:
    table = wards(store)
    wanted = (area or "").strip()
    allowed_set = set(allowed) if allowed is not None else None

    if wanted.lower() == FORCE:
        codes = table["ward_code"]
        label = "Force"
    elif wanted in set(table["ward_code"]):
        codes = table.loc[table["ward_code"] == wanted, "ward_code"]
        label = table.loc[table["ward_code"] == wanted, "ward_name"].iloc[0]
    else:
        by_district = table[
            (table["district"].str.lower() == wanted.lower())
            | (table["district_code"].fillna("").str.lower() == wanted.lower())
        ]
        if by_district.empty:
            examples = ", ".join(table["ward_code"].head(3))
            raise AreaError(
                f"unknown area '{area}': give 'force', a district "
                f"({'; '.join(sorted(table['district'].unique()))}) "
                f"or a ward code ({examples}, ... {len(table)} wards; "
                f"`python -m demand wards` lists them)"
            )
        codes = by_district["ward_code"]
        label = by_district["district"].iloc[0]

    selected = tuple(sorted(codes))
    if allowed_set is not None:
        selected = tuple(c for c in selected if c in allowed_set)
        if not selected:
            raise AreaError(f"area '{area}' holds no ward you are allowed to see")
    # Events with no ward belong to the force as a whole, and only to a user who may see it all.
    whole_force = wanted.lower() == FORCE and (allowed_set is None or set(table["ward_code"]) <= allowed_set)
    return Scope(selected, include_unwarded=whole_force, label=label)
