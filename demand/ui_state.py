"""The dashboard's shared view state (area, window, as-of date) and its URL form.

The URL carries the state so a link sent to a colleague opens the same view:
``?ward=E05...&window=90d`` (or ``?district=Blaby``; neither means the whole force). A link
means the latest data: ``as_of=2026-06-30`` is written only when the user chose that date, so
"the last 7 days" sent today still shows the last 7 days next month. Reading the URL never
fails: a value that is not allowed is dropped with a note saying why, and the default takes
its place. Pure functions, testable without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from demand.areas import FORCE, LONGEST_AREA, shown
from demand.windows import WINDOWS

DEFAULT_WINDOW = "90d"
WINDOW_LABELS = {"7d": "7 days", "28d": "28 days", "90d": "90 days", "12m": "12 months"}
SHARED_PARAMS = ("ward", "district", "window", "as_of")


@dataclass(frozen=True)
class View:
    """What the sidebar selects. ``district`` is a district name; ``ward`` a ward code.
    ``pinned``: the as-of date was chosen (by the user, or by a link that names one); otherwise
    it is the latest date of the data and moves on when newer data arrives."""

    district: str | None = None
    ward: str | None = None
    window: str = DEFAULT_WINDOW
    as_of: date | None = None
    pinned: bool = False

    @property
    def area(self) -> str:
        """The area as demand.areas.resolve takes it."""
        return self.ward or self.district or FORCE


def _first(value) -> str | None:
    """A query parameter's value; repeated parameters (``?a=1&a=2``) keep the last."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _usable(name: str, value: str | None, notes: list[str]) -> str | None:
    """A value short and printable enough to be a ward, district, window or date; anything
    else is dropped with a note that does not repeat it whole."""
    if value is None or (len(value) <= LONGEST_AREA and value.isprintable()):
        return value
    notes.append(f"The value given for '{name}' ('{shown(value)}') cannot be one; it was ignored.")
    return None


def from_params(
    params: Mapping[str, object],
    wards: pd.DataFrame,
    dates: tuple[date, date] | None,
) -> tuple[View, list[str]]:
    """The view a URL asks for, and a note for every value that was ignored.

    ``wards`` is the wards the user may read (ward_code, ward_name, district, district_code),
    so a ward or district outside them is dropped like one not in the data. ``dates`` bounds
    the as-of date; the default as-of is the last event date."""
    notes: list[str] = []
    view = View(as_of=dates[1] if dates else None)

    ward = _usable("ward", _first(params.get("ward")), notes)
    district = _usable("district", _first(params.get("district")), notes)
    if ward:
        match = wards[wards["ward_code"] == ward]
        if match.empty:
            notes.append(
                f"Ward '{ward}' is not one of the wards you can see; showing "
                f"{'the district' if district else 'all of your area'} instead."
            )
        else:
            view = replace(view, ward=ward, district=match["district"].iloc[0])
    if view.ward is None and district:
        if district.lower() == FORCE:
            pass
        else:
            wanted = district.lower()
            match = wards[
                (wards["district"].str.lower() == wanted)
                | (wards["district_code"].fillna("").str.lower() == wanted)
            ]
            if match.empty:
                notes.append(f"District '{district}' is not one you can see; showing all of your area instead.")
            else:
                view = replace(view, district=match["district"].iloc[0])

    window = _usable("window", _first(params.get("window")), notes)
    if window:
        if window in WINDOWS:
            view = replace(view, window=window)
        else:
            notes.append(
                f"Window '{window}' is not one of {', '.join(WINDOWS)}; "
                f"showing {WINDOW_LABELS[DEFAULT_WINDOW]}."
            )

    as_of = _usable("as_of", _first(params.get("as_of")), notes)
    if as_of and dates:
        try:
            asked = date.fromisoformat(as_of)
        except ValueError:
            notes.append(f"'{as_of}' is not a date (YYYY-MM-DD); showing the latest data.")
        else:
            if dates[0] <= asked <= dates[1]:
                view = replace(view, as_of=asked, pinned=True)
            else:
                notes.append(
                    f"{asked:%d %b %Y} is outside the data ({dates[0]:%d %b %Y} to "
                    f"{dates[1]:%d %b %Y}); showing the latest data."
                )
    return view, notes


def to_params(view: View) -> dict[str, str]:
    """The URL parameters that reproduce ``view`` (ward wins over district); the as-of date
    only when it is pinned, so an unpinned link follows the latest data."""
    params: dict[str, str] = {}
    if view.ward:
        params["ward"] = view.ward
    elif view.district:
        params["district"] = view.district
    params["window"] = view.window
    if view.as_of and view.pinned:
        params["as_of"] = view.as_of.isoformat()
    return params


def page_params(params: Mapping[str, object], own: tuple[str, ...]) -> list[str]:
    """The parameters of ``params`` that belong neither to the shared view nor to the page
    (``own``: its own parameters, such as the profile's ``person``), to be dropped from the URL
    so that, back on the Ward page, a ``person=`` from the profile is not carried along."""
    return [key for key in params if key not in SHARED_PARAMS and key not in own]


def area_label(view: View, wards: pd.DataFrame, whole_force: bool = True) -> str:
    """How the area reads in headings: 'Abbey ward (Northtown)', 'Northtown', 'the whole force'
    (or 'your wards' for a user who may not see the whole force)."""
    if view.ward:
        row = wards[wards["ward_code"] == view.ward]
        if not row.empty:
            return f"{row['ward_name'].iloc[0]} ward ({row['district'].iloc[0]})"
        return view.ward
    if view.district:
        return view.district
    return "the whole force" if whole_force else "your wards"
