"""Which ward each row falls in, and the wards table of the force.

A row is placed by the first route that works (``ROUTES``, in this order):

1. ``boundary``: its point lies inside a ward boundary the project holds (2025 codes, the
   Leicestershire force area and the City of London). Where boundaries are held the point
   decides, so the counts agree with the map that draws the same points over the same
   boundaries (and the City's 25 wards are not collapsed onto the 5 its 6 LSOAs best fit).
2. ``lsoa``: its LSOA code is in the 2021 LSOA -> 2024 ward lookup. police.uk files before
   2022 carry 2011 codes, later ones 2021 codes; most 2011 codes survived unchanged into 2021,
   so they are found here too.
3. ``lsoa11_ward19``: a 2011 code that was split or merged in 2021, placed by its 2019 ward
   when that ward code is still current (it appears in the 2024 lookup).

Anything else stays unplaced, with its reason; unplaced rows keep a NULL ward and count for
the whole force only. So do rows placed in a district that is not the force's own (police.uk
files hold a few crimes snapped just across the force boundary, or recorded far away).

Ward codes are the newest the project holds: 2025 codes where boundaries are held (the map
uses them), 2024 codes from the lookup elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from demand import geography

ROUTES = {
    "given": "ward (or area) code given in the extract",
    "boundary": "point inside a ward boundary held by the project",
    "lsoa": "LSOA code in the 2021 lookup (a 2021 code, or a 2011 code unchanged in 2021)",
    "lsoa11_ward19": "2011 LSOA code changed in 2021: placed by its 2019 ward, still current",
}
UNPLACED = {
    "no_location": "no coordinates and no LSOA code",
    "unknown_ward": "ward (or area) code not in the wards table",
    "unknown_lsoa": "LSOA code in neither lookup, and no boundary held at its point",
    "ward_gone": "2011 LSOA code changed in 2021 whose 2019 ward no longer exists",
    "ward_recoded": "ward code not among the current wards of its district",
    "outside": "placed in a district that is not the force's",
}
# A force's own districts hold many rows per LSOA: Rutland, its quietest, about 4.5 a month
# in Leicestershire's files; the neighbours a force's files stray into, under 0.1.
HOME_ROWS_PER_LSOA_MONTH = 0.5


# --- point in polygon ---------------------------------------------------------------------


def point_wards(lon, lat) -> pd.DataFrame:
    """ward_code and district_code of the held ward boundary each point lies in (None when
    outside them all). Points are tested only against wards whose bounding box holds them."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    ward = np.full(len(lon), None, dtype=object)
    district = np.full(len(lon), None, dtype=object)
    known = ~(np.isnan(lon) | np.isnan(lat))
    for feature in geography.load_ward_boundaries(geography.held_districts())["features"]:
        rings = geography.geometry_rings(feature["geometry"])
        points = np.concatenate(rings)
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        candidates = np.flatnonzero(known & pd.isna(ward) & (lon >= x0) & (lon <= x1)
                                    & (lat >= y0) & (lat <= y1))
        if len(candidates) == 0:
            continue
        inside = candidates[geography.contains(feature["geometry"], lon[candidates], lat[candidates])]
        ward[inside] = feature["properties"]["ward_code"]
        district[inside] = feature["properties"]["district_code"]
    return pd.DataFrame({"ward_code": ward, "district_code": district})


# --- placing rows --------------------------------------------------------------------------


def _current_wards() -> pd.DataFrame:
    """2024 ward code -> its district, from the 2021 lookup."""
    new = geography.lookup_2021()
    return new.drop_duplicates("WD24CD").set_index("WD24CD")["LAD24CD"]


def place(lsoa, lon, lat) -> pd.DataFrame:
    """For each row: ward_code, district_code and route (a key of ROUTES or UNPLACED).

    Works on the distinct (LSOA, point) pairs, which are far fewer than the rows."""
    rows = pd.DataFrame({"lsoa": pd.Series(lsoa, dtype=object).fillna(""),
                         "lon": pd.to_numeric(pd.Series(lon), errors="coerce"),
                         "lat": pd.to_numeric(pd.Series(lat), errors="coerce")})
    keys = rows.drop_duplicates().reset_index(drop=True)
    by_point = point_wards(keys["lon"], keys["lat"])
    new = geography.lookup_2021().set_index("LSOA21CD")
    old = geography.lookup_2011().set_index("LSOA11CD")
    current = _current_wards()

    ward = by_point["ward_code"].to_numpy(dtype=object, copy=True)
    district = by_point["district_code"].to_numpy(dtype=object, copy=True)
    route = np.where(pd.notna(ward), "boundary", None).astype(object)

    todo = pd.isna(route)
    in_new = todo & keys["lsoa"].isin(new.index).to_numpy()
    hit = new.loc[keys.loc[in_new, "lsoa"]]
    ward[in_new], district[in_new], route[in_new] = hit["WD24CD"].to_numpy(), hit["LAD24CD"].to_numpy(), "lsoa"

    todo = pd.isna(route)
    in_old = todo & keys["lsoa"].isin(old.index).to_numpy()
    ward19 = old.loc[keys.loc[in_old, "lsoa"], "WD19CD"].to_numpy()
    still = np.isin(ward19, current.index)
    placed = np.flatnonzero(in_old)[still]
    ward[placed] = ward19[still]
    district[placed] = current.loc[ward19[still]].to_numpy()
    route[placed] = "lsoa11_ward19"
    route[np.flatnonzero(in_old)[~still]] = "ward_gone"

    todo = pd.isna(route)
    no_place = (keys["lsoa"] == "").to_numpy() & keys["lon"].isna().to_numpy()
    route[todo & no_place] = "no_location"
    route[todo & ~no_place] = "unknown_lsoa"

    keys["ward_code"], keys["district_code"], keys["route"] = ward, district, route
    return rows.merge(keys, on=["lsoa", "lon", "lat"], how="left")[["ward_code", "district_code", "route"]]


# --- the force's districts and wards --------------------------------------------------------


def force_districts(district_code: pd.Series, months: int) -> list[str]:
    """The districts a force polices, found from where its rows are: those holding at least
    HOME_ROWS_PER_LSOA_MONTH rows per LSOA per month loaded."""
    lsoas = geography.lookup_2021()["LAD24CD"].value_counts()
    rows = district_code.dropna().value_counts()
    rate = rows / lsoas.reindex(rows.index).fillna(math.inf) / max(months, 1)
    return sorted(rate[rate >= HOME_ROWS_PER_LSOA_MONTH].index)


def wards_table(districts: list[str]) -> pd.DataFrame:
    """The wards of these districts, in the contract's columns. Held boundaries give the
    2025 wards; elsewhere the 2024 wards of the lookup. Population is left NULL: no real
    figure is held (the synthetic force estimates it, an importer must not)."""
    held = set(geography.held_districts())
    rows = [
        {**f["properties"], "population": None}
        for f in geography.load_ward_boundaries([d for d in districts if d in held])["features"]
    ]
    new = geography.lookup_2021()
    others = new[new["LAD24CD"].isin([d for d in districts if d not in held])].drop_duplicates("WD24CD")
    rows += [
        {"ward_code": r.WD24CD, "ward_name": r.WD24NM, "district": r.LAD24NM, "district_code": r.LAD24CD,
         "population": None}
        for r in others.itertuples()
    ]
    table = pd.DataFrame(rows, columns=["ward_code", "ward_name", "district", "population", "district_code"])
    unknown = sorted(set(districts) - set(table["district_code"]))
    if unknown:
        raise ValueError(f"unknown district code(s) {', '.join(unknown)}: give ONS local authority codes "
                         "(E06..., E07..., E08..., E09..., W06...)")
    return table.sort_values(["district", "ward_name"]).reset_index(drop=True)


def keep_force_wards(placed: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """Rows placed outside the force's districts, or in a ward its table lacks, become
    unplaced (NULL ward, counted for the force only) with the reason as their route."""
    placed = placed.copy()
    placed_now = placed["ward_code"].notna()
    outside = placed_now & ~placed["district_code"].isin(set(wards["district_code"]))
    recoded = placed_now & ~outside & ~placed["ward_code"].isin(set(wards["ward_code"]))
    placed.loc[outside, "route"] = "outside"
    placed.loc[recoded, "route"] = "ward_recoded"
    placed.loc[outside | recoded, ["ward_code", "district_code"]] = None
    return placed


def route_counts(route: pd.Series) -> dict[str, int]:
    """Rows per route, every route and reason listed (0 where none)."""
    counts = route.value_counts()
    return {name: int(counts.get(name, 0)) for name in (*ROUTES, *UNPLACED)}
