"""Real ward geography (ONS, OGL v3): lookups for all of England and Wales, boundaries for
the districts the project holds.

The files live in ``data/geography`` next to the package (see ATTRIBUTION.md there):

* the LSOA 2021 -> ward 2024 -> local authority and LSOA 2011 -> ward 2019 -> local authority
  lookups for every LSOA in England and Wales, which place a police.uk row anywhere;
* generalised ward boundaries (2025 codes) for the Leicestershire force area and the City of
  London, which the synthetic force, the maps and point-in-polygon placement use.

The functions are deliberately small: the synthetic force uses them to lay out wards and place
locations, the importers to place rows (``demand.ingest.wards``), the dashboard for its maps.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).parent.parent / "data" / "geography"
LOOKUP_2021 = DATA_DIR / "lsoa21_ward24_lad24.csv.gz"  # LSOA21CD, WD24CD, WD24NM, LAD24CD, LAD24NM
LOOKUP_2011 = DATA_DIR / "lsoa11_ward19_lad19.csv.gz"  # LSOA11CD, WD19CD, WD19NM, LAD19CD, LAD19NM
BOUNDARIES_DIR = DATA_DIR / "ward25"

# The nine local authority districts policed by Leicestershire Police (the synthetic force).
DISTRICTS: dict[str, str] = {
    "E06000016": "Leicester",
    "E06000017": "Rutland",
    "E07000129": "Blaby",
    "E07000130": "Charnwood",
    "E07000131": "Harborough",
    "E07000132": "Hinckley and Bosworth",
    "E07000133": "Melton",
    "E07000134": "North West Leicestershire",
    "E07000135": "Oadby and Wigston",
}

# A 2021 LSOA holds roughly 1,500-3,000 residents; 1,700 is a round typical figure. Ward
# populations below are therefore ESTIMATES (LSOA count x 1,700), not ONS population counts.
PEOPLE_PER_LSOA = 1_700


def held_districts() -> tuple[str, ...]:
    """The local authority codes whose ward boundaries the project holds."""
    return tuple(sorted(p.stem for p in BOUNDARIES_DIR.glob("*.geojson")))


def _codes(district_codes) -> list[str]:
    codes = list(DISTRICTS) if district_codes is None else list(district_codes)
    held = set(held_districts())
    unknown = [c for c in codes if c not in held]
    if unknown:
        raise ValueError(f"no ward boundaries held for district(s) {unknown}; held: {sorted(held)}")
    return codes


@cache
def _district_features(code: str) -> tuple[dict, ...]:
    raw = json.loads((BOUNDARIES_DIR / f"{code}.geojson").read_text(encoding="utf-8"))
    out = []
    for f in raw["features"]:
        p = f["properties"]
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "ward_code": p["WD25CD"],
                    "ward_name": p["WD25NM"],
                    "district": p["LAD25NM"],
                    "district_code": code,
                },
                "geometry": f["geometry"],
            }
        )
    return tuple(sorted(out, key=lambda f: f["properties"]["ward_code"]))


def load_ward_boundaries(district_codes=None, ward_codes=None) -> dict:
    """GeoJSON FeatureCollection (WGS84 lon/lat) of the wards of the given districts (default:
    the Leicestershire force area), only those in ``ward_codes`` when given."""
    wanted = None if ward_codes is None else set(ward_codes)
    features = [
        # a copy, so callers may mutate it freely; only of the wards wanted (copying every held
        # ward's outline to keep one took 30-60 ms of each map at force scale)
        json.loads(json.dumps(f))
        for code in _codes(district_codes)
        for f in _district_features(code)
        if wanted is None or f["properties"]["ward_code"] in wanted
    ]
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=1)
def lookup_2021() -> pd.DataFrame:
    """Every 2021 LSOA in England and Wales with its (best-fit) 2024 ward and district."""
    return pd.read_csv(LOOKUP_2021, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def lookup_2011() -> pd.DataFrame:
    """Every 2011 LSOA in England and Wales with its (best-fit) 2019 ward and district."""
    return pd.read_csv(LOOKUP_2011, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _lsoas_per_ward() -> Counter:
    return Counter(lookup_2021()["WD24CD"])


def ward_table(district_codes=None) -> list[dict]:
    """One dict per ward: ward_code, ward_name, district, district_code, population.

    population is an estimate (see PEOPLE_PER_LSOA). The lookup uses 2024 ward codes and
    the boundaries 2025 codes; where a ward was recoded there is no match and the
    population is None (NULL), which the contract allows.
    """
    lsoas = _lsoas_per_ward()
    rows = []
    for code in _codes(district_codes):
        for f in _district_features(code):
            p = f["properties"]
            n = lsoas.get(p["ward_code"])
            rows.append({**p, "population": n * PEOPLE_PER_LSOA if n else None})
    return rows


# --- geometry helpers (numpy only, so the project needs no GIS dependency) -------------


def geometry_rings(geometry: dict) -> list[np.ndarray]:
    """All rings (outer and holes) of a Polygon or MultiPolygon as (n, 2) lon/lat arrays."""
    if geometry["type"] == "Polygon":
        polys = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polys = geometry["coordinates"]
    else:
        raise ValueError(f"unsupported geometry {geometry['type']}")
    return [np.asarray(ring, dtype=float)[:, :2] for poly in polys for ring in poly]


def contains(geometry: dict, lon, lat) -> np.ndarray:
    """Vectorised point-in-polygon (even-odd ray casting over every ring).

    Even-odd over all rings handles holes and multipolygons without special cases.
    """
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    inside = np.zeros(lon.shape, dtype=bool)
    for ring in geometry_rings(geometry):
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        for s in range(0, len(lon), 4096):  # chunks keep the (points x edges) matrix small
            px, py = lon[s : s + 4096, None], lat[s : s + 4096, None]
            crosses = (y1 > py) != (y2 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            hits = crosses & (px < x_at)
            inside[s : s + 4096] ^= (hits.sum(axis=1) % 2).astype(bool)
    return inside


def sample_points(geometry: dict, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n uniform random (lon, lat) points inside the geometry (rejection sampling)."""
    pts = np.concatenate(geometry_rings(geometry))
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    lon_out, lat_out = np.empty(0), np.empty(0)
    while len(lon_out) < n:
        m = max(64, 2 * (n - len(lon_out)))
        lon, lat = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
        keep = contains(geometry, lon, lat)
        lon_out = np.concatenate([lon_out, lon[keep]])
        lat_out = np.concatenate([lat_out, lat[keep]])
    return lon_out[:n], lat_out[:n]


def label_point(geometry: dict) -> tuple[float, float]:
    """Where a map writes an area's name: the centroid of its largest ring when that lies inside
    the area, else the point inside it nearest to that centroid (a crescent's centroid is not)."""
    rings = geometry_rings(geometry)
    ring = max(rings, key=lambda r: abs(ring_area(r)))
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    cx = float(((x[:-1] + x[1:]) * cross).sum() / (6 * area))
    cy = float(((y[:-1] + y[1:]) * cross).sum() / (6 * area))
    if contains(geometry, cx, cy)[0]:
        return cx, cy
    lon, lat = sample_points(geometry, 200, np.random.default_rng(0))
    nearest = int(np.argmin((lon - cx) ** 2 + (lat - cy) ** 2))
    return float(lon[nearest]), float(lat[nearest])


def ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)
