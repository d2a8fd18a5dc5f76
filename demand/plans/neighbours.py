"""Which wards neighbour a ward, from the vendored ward boundaries (``demand.geography``).

Two wards are neighbours when their boundaries touch: some corner of one lies within
TOUCH_M metres of a corner of the other (the boundaries are generalised, so a shared edge's
corners may not coincide exactly; a ward meeting another only at a corner counts too). An area
plan's displacement buffer is its target wards' neighbours. Wards the boundaries do not hold
(another force's data, or crafted test wards) have no known neighbours: the plan then names its
buffer wards itself.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.spatial.distance import cdist

from demand import geography

TOUCH_M = 30.0
METRES_PER_DEGREE = 111_320.0


@lru_cache(maxsize=1)
def _corners() -> dict[str, np.ndarray]:
    """Each ward's boundary corners in metres (an equirectangular projection about the force's
    latitude: distances of a few tens of metres are all that is compared)."""
    features = geography.load_ward_boundaries()["features"]
    every = np.concatenate([np.concatenate(geography.geometry_rings(f["geometry"])) for f in features])
    cos_lat = np.cos(np.radians(every[:, 1].mean()))
    corners = {}
    for feature in features:
        points = np.concatenate(geography.geometry_rings(feature["geometry"]))
        corners[feature["properties"]["ward_code"]] = np.column_stack(
            [points[:, 0] * METRES_PER_DEGREE * cos_lat, points[:, 1] * METRES_PER_DEGREE])
    return corners


def known(ward_code: str) -> bool:
    return ward_code in _corners()


def neighbours(ward_codes) -> list[str]:
    """The wards touching any of ``ward_codes`` (leaving those out), sorted; [] when the
    boundaries hold none of them."""
    corners = _corners()
    wanted = [w for w in ward_codes if w in corners]
    found: set[str] = set()
    for code in wanted:
        mine = corners[code]
        low, high = mine.min(axis=0) - TOUCH_M, mine.max(axis=0) + TOUCH_M
        for other, points in corners.items():
            if other in ward_codes or other in found:
                continue
            if (points.max(axis=0) < low).any() or (points.min(axis=0) > high).any():
                continue  # boxes apart: cannot touch
            near = points[((points >= low) & (points <= high)).all(axis=1)]  # its corners by ours
            if len(near) and cdist(mine, near).min() <= TOUCH_M:
                found.add(other)
    return sorted(found)
