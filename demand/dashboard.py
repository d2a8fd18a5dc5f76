"""What the dashboard pages need beyond demand.analytics: the records behind a headline
number, a person's or location's details, snapshot facts, and the figures and maps.

Pure logic: no Streamlit here, so every piece can be tested on its own. Figures are plotly,
maps pydeck with no basemap (no tile service is needed to render them).
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from demand import analytics, geography
from demand.store import Scope, Store
from demand.windows import WINDOWS, previous
from demand.windows import window as make_window

# Okabe-Ito: distinguishable with the common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
SOURCE_LABELS = {"crime": "Crimes", "call": "Calls", "missing": "Missing episodes"}
SOURCE_NAMES = {"crime": "Crime", "call": "Call", "missing": "Missing"}  # one event's type
# weekly_trend names sources by table; events and timelines by the singular.
SOURCE_OF_TABLE = {"crimes": "crime", "calls": "call", "missing_episodes": "missing"}
SOURCE_COLOURS = {"crime": OKABE_ITO["vermillion"], "call": OKABE_ITO["blue"], "missing": OKABE_ITO["green"]}
MEASURE_LABELS = {
    "crimes": "Crimes",
    "calls": "Calls for service",
    "asb_calls": "ASB calls",
    "missing_episodes": "Missing episodes",
}
SIGNIFICANCE = {
    # significance -> (arrow, words, colour)
    "rise": ("▲", "significant rise", OKABE_ITO["vermillion"]),
    "fall": ("▼", "significant fall", OKABE_ITO["blue"]),
    "no_change": ("", "no significant change", OKABE_ITO["grey"]),
    "missing_data": ("", "months missing: not compared", OKABE_ITO["orange"]),
}


def show_names(user: object | None = None) -> bool:
    """Whether personal names may be shown to this user. The one place that decides; today
    every user of the dashboard is an officer or analyst who may see them."""
    return True


# --- words for numbers ---------------------------------------------------------------------


def significance_text(significance: str | None, z: float | None) -> str:
    """'▲ significant rise (z = 2.4)'; a missing comparison says so rather than showing 0."""
    arrow, words, _ = SIGNIFICANCE.get(significance or "missing_data", SIGNIFICANCE["missing_data"])
    text = f"{arrow} {words}".strip()
    if z is not None and not pd.isna(z) and significance != "missing_data":
        text += f" (z = {z:+.1f})"
    return text


def significance_colour(significance: str | None) -> str:
    return SIGNIFICANCE.get(significance or "missing_data", SIGNIFICANCE["missing_data"])[2]


def not_held(months_missing) -> bool:
    """Whether an analysis's source is absent from the data altogether (see analytics)."""
    return bool(months_missing) and str(months_missing).endswith(analytics.NOT_HELD)


def missing_caption(months_missing: str) -> str:
    """Under a number that was not compared: why."""
    if not_held(months_missing):
        return "Not held in this data (public data has no such records)."
    return f"Not compared: no data for {months_missing}."


def headline_text(measure: str, row) -> str:
    """'**Crimes: 120** against 98 before, ▲ significant rise (z = +2.1)' for one headline row."""
    label = MEASURE_LABELS[measure]
    if not_held(row["months_missing"]):
        return f"**{label}: not held** in this data"
    return (f"**{label}: {fmt_count(row['count'])}** against {fmt_count(row['previous_count'])} before, "
            f"{significance_text(row['significance'], row['z'])}")


def change_text(count, previous) -> str:
    """'+12 on previous 90 (+13%)' style delta; 'no previous figure' when it is missing."""
    if previous is None or pd.isna(previous):
        return "no previous figure (months missing)"
    change = int(count) - int(previous)
    pct = f" ({change / previous:+.0%})" if previous else ""
    return f"{change:+,} on {int(previous):,} before{pct}"


def fmt_count(value, months_missing: str = "") -> str:
    """A count, or 'missing' for a period the source does not cover (never 0), or 'not held'
    for a source the data does not hold at all (``months_missing`` of analytics)."""
    if not_held(months_missing):
        return "not held"
    if value is None or pd.isna(value):
        return "missing"
    return f"{int(value):,}"


# --- records and details ---------------------------------------------------------------------


def window_records(
    store: Store,
    scope: Scope,
    measure: str,
    window: str,
    as_of: date,
    what: str | None = None,
    limit: int = 50,
    risk: str | None = None,
    location_type: str | None = None,
) -> pd.DataFrame:
    """The events behind a headline count (newest first, at most ``limit``). ``what`` keeps
    one incident type or crime category, ``risk`` missing episodes of one risk grade and
    ``location_type`` records whose location is of that type (each None for all)."""
    if measure not in MEASURE_LABELS:
        raise ValueError(f"unknown measure {measure!r}: one of {', '.join(MEASURE_LABELS)}")
    span = make_window(window, as_of)
    return store.query(
        "dash_window_records",
        scope,
        start=span.start_ts,
        end=span.end_ts,
        measure=measure,
        what=what,
        risk=risk,
        location_type=location_type,
        limit=int(limit),
    )


# The groups of analytics.compare(by="missing") (queries/compare_missing.sql) as the filters
# of window_records(measure="missing_episodes") that list their records. 'people' counts
# distinct persons, so its records are all the episodes, as for 'episodes'.
MISSING_GROUP_RECORDS = {
    "episodes": {},
    "people": {},
    "high-risk episodes": {"risk": "high"},
    "from care homes": {"location_type": "care home"},
}


def map_points(store: Store, scope: Scope, window: str, as_of: date, limit: int) -> tuple[pd.DataFrame, int]:
    """At most ``limit`` of the window's events with coordinates (a fixed random sample, so
    the map does not change between reruns), and how many there are in all."""
    points = analytics.event_points(store, scope, window, as_of)
    total = len(points)
    if total > limit:
        points = points.sample(limit, random_state=0)
    return points[["lat", "lon", "source", "what"]].reset_index(drop=True), total


def person(store: Store, person_id: str) -> dict | None:
    rows = store.query("dash_person", person_id=person_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def location(store: Store, location_id: str) -> dict | None:
    rows = store.query("dash_location", location_id=location_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def snapshot_meta(store: Store) -> dict:
    return store.query("dash_snapshot_meta").iloc[0].to_dict()


def coverage_gaps(store: Store, first: date, last: date) -> pd.DataFrame:
    """Months between ``first`` and ``last`` that a source lacks: table_name, month. Sources
    the data does not hold at all are not listed (``store.held_sources``)."""
    gaps = store.query("coverage_gaps", start=first, end=last)
    return gaps[gaps["table_name"].isin(store.held_sources)].reset_index(drop=True)


def import_files(report: dict) -> pd.DataFrame:
    """The per-file table of an import report: file, kind, read, loaded, rejected,
    duplicates, note (refused and unused files say why)."""
    columns = ["file", "kind", "read", "loaded", "rejected", "duplicates", "note"]
    return pd.DataFrame([{c: f.get(c) for c in columns} for f in report.get("files", [])], columns=columns)


def import_routes(report: dict) -> pd.DataFrame:
    """How the rows of an import were placed in wards: route, rows, placed (bool)."""
    from demand.ingest.wards import ROUTES, UNPLACED

    rows = [{"route": {**ROUTES, **UNPLACED}.get(k, k), "rows": v, "placed": k in ROUTES}
            for k, v in report.get("routes", {}).items() if v]
    return pd.DataFrame(rows, columns=["route", "rows", "placed"])


def counts_by_window(timeline: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Events of a timeline in each window ending at ``as_of`` and in the window before it:
    window, count, previous_count."""
    at = pd.to_datetime(timeline["at"]) if not timeline.empty else pd.Series([], dtype="datetime64[ns]")
    rows = []
    for name in WINDOWS:
        now = make_window(name, as_of)
        before = previous(now)
        rows.append(
            {
                "window": name,
                "count": int(((at >= now.start_ts) & (at < now.end_ts)).sum()),
                "previous_count": int(((at >= before.start_ts) & (at < before.end_ts)).sum()),
            }
        )
    return pd.DataFrame(rows)


def counts_by_month(timeline: pd.DataFrame) -> pd.DataFrame:
    """A timeline as month x source counts: month, source, count."""
    if timeline.empty:
        return pd.DataFrame(columns=["month", "source", "count"])
    months = pd.to_datetime(timeline["at"]).dt.to_period("M").dt.to_timestamp()
    return timeline.assign(month=months).groupby(["month", "source"]).size().rename("count").reset_index()


# --- figures -------------------------------------------------------------------------------------


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x,
        yaxis_title=y,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0, "title": None},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        height=360,
    )
    return fig


def weekly_trend_figure(trend: pd.DataFrame, title: str, period: str = "week") -> go.Figure:
    """Lines of events per week (or per ``period`` 'month', the frame's column of that name)
    by source; a week or month the source does not cover is a gap."""
    fig = go.Figure()
    trend = trend.assign(source=trend["source"].replace(SOURCE_OF_TABLE), count=trend["count"].astype("float64"))
    when = "Week of %{x|%d %b %Y}" if period == "week" else "%{x|%b %Y}"
    for source, label in SOURCE_LABELS.items():
        part = trend[trend["source"] == source].sort_values(period)
        if part.empty:
            continue
        fig.add_scatter(
            x=part[period],
            y=part["count"],
            name=label,
            mode="lines" if period == "week" else "lines+markers",
            line={"color": SOURCE_COLOURS[source], "width": 2},
            connectgaps=False,
            hovertemplate=when + ": %{y:,} " + label.lower() + "<extra></extra>",
        )
    fig = _layout(fig, title, "Week starting" if period == "week" else "Month", f"Events per {period}")
    fig.update_yaxes(rangemode="tozero")
    return fig


def monthly_figure(monthly: pd.DataFrame, title: str, gaps: pd.DataFrame | None = None) -> go.Figure:
    """Stacked bars of events per month by source. ``gaps`` (table_name, month) shades the
    months a source lacks, so an empty month is not read as a quiet one."""
    fig = go.Figure()
    for source, label in SOURCE_LABELS.items():
        part = monthly[monthly["source"] == source]
        if not part.empty:
            fig.add_bar(
                x=part["month"],
                y=part["count"],
                name=label,
                marker_color=SOURCE_COLOURS[source],
                hovertemplate="%{x|%b %Y}: %{y} " + label.lower() + "<extra></extra>",
            )
    fig = _layout(fig, title, "Month", "Events per month")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick="M1", tickformat="%b\n%Y")
    if gaps is not None and not monthly.empty:
        shown = gaps[
            (pd.to_datetime(gaps["month"]) >= monthly["month"].min())
            & (pd.to_datetime(gaps["month"]) <= monthly["month"].max())
        ]
        for table, month in zip(shown["table_name"], pd.to_datetime(shown["month"])):
            fig.add_vrect(
                x0=month - pd.Timedelta(days=15),
                x1=month + pd.Timedelta(days=15),
                fillcolor=OKABE_ITO["grey"],
                opacity=0.25,
                line_width=0,
                annotation_text=f"no {table.replace('_', ' ')} data",
                annotation_position="top left",
                annotation_font_size=11,
            )
    return fig


def lorenz_figure(curves: dict[str, pd.DataFrame], title: str) -> go.Figure:
    """Concentration curves, one per kind: the share of events held by the busiest x% of
    entities (a Lorenz curve read from the busiest end). The diagonal is equal shares."""
    colours = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 100],
        y=[0, 100],
        mode="lines",
        name="Equal shares",
        line={"color": OKABE_ITO["grey"], "dash": "dot"},
        hoverinfo="skip",
    )
    for (label, curve), colour in zip(curves.items(), colours):
        busiest_first = curve.iloc[::-1]
        fig.add_scatter(
            x=(1 - busiest_first["entity_share"]) * 100,
            y=(1 - busiest_first["event_share"]) * 100,
            mode="lines",
            name=label,
            line={"color": colour, "width": 2},
            hovertemplate="Top %{x:.1f}% of " + label.lower() + " hold %{y:.1f}% of events<extra></extra>",
        )
    fig = _layout(fig, title, "Share of entities, most active first (%)", "Share of events (%)")
    fig.update_xaxes(range=[0, 100])
    fig.update_yaxes(range=[0, 100])
    return fig


def change_bar_figure(compared: pd.DataFrame, title: str, group_label: str) -> go.Figure:
    """Horizontal bars of change per group, coloured by significance."""
    data = compared.dropna(subset=["change"]).sort_values("change")
    fig = go.Figure(
        go.Bar(
            x=data["change"],
            y=data["group"],
            orientation="h",
            marker_color=[significance_colour(s) for s in data["significance"]],
            customdata=list(
                zip(
                    data["count"],
                    data["previous_count"],
                    [significance_text(s, z) for s, z in zip(data["significance"], data["z"])],
                )
            ),
            hovertemplate="%{y}: %{customdata[1]:,} → %{customdata[0]:,} (%{x:+,})<br>%{customdata[2]}"
            "<extra></extra>",
        )
    )
    fig = _layout(fig, title, "Change in count (events)", group_label)
    fig.update_layout(height=max(300, 28 * len(data) + 120), showlegend=False)
    return fig


def z_heatmap_figure(matrix: pd.DataFrame, title: str) -> go.Figure:
    """Wards x categories coloured by z (blue = fall, orange-red = rise), count in the hover."""
    z = matrix.pivot_table(index="ward_name", columns="category", values="z", aggfunc="first")
    counts = matrix.pivot_table(index="ward_name", columns="category", values="count", aggfunc="first")
    previous = matrix.pivot_table(
        index="ward_name", columns="category", values="previous_count", aggfunc="first"
    )
    text = counts.map(lambda v: "" if pd.isna(v) else f"{int(v)}")
    fig = go.Figure(
        go.Heatmap(
            z=z.values.clip(-4, 4),
            x=list(z.columns),
            y=list(z.index),
            zmid=0,
            zmin=-4,
            zmax=4,
            colorscale=[[0, OKABE_ITO["blue"]], [0.5, "#F7F7F7"], [1, OKABE_ITO["vermillion"]]],
            text=text.values,
            texttemplate="%{text}",
            customdata=previous.reindex_like(z).values,
            colorbar={"title": {"text": "z"}},
            hovertemplate="%{y}, %{x}<br>%{customdata} before → %{text} now<br>z = %{z:+.1f}<extra></extra>",
        )
    )
    fig = _layout(fig, title, "Crime category", "Ward")
    fig.update_layout(height=max(360, 26 * len(z.index) + 160))
    fig.update_xaxes(tickangle=-35)
    fig.update_yaxes(autorange="reversed")  # A at the top, as in the tables
    return fig


# --- maps (pydeck, no basemap) --------------------------------------------------------------------


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def ward_boundaries(ward_codes) -> dict:
    """The boundaries of these wards that exist (the project holds the Leicestershire force
    area's and the City of London's)."""
    wanted = set(ward_codes)
    collection = geography.load_ward_boundaries(geography.held_districts())
    collection["features"] = [f for f in collection["features"] if f["properties"]["ward_code"] in wanted]
    return collection


def _bounds(boundaries: dict, lats, lons) -> tuple[float, float, float, float] | None:
    lons, lats = pd.Series(lons, dtype="float64").dropna(), pd.Series(lats, dtype="float64").dropna()
    xs = [lons.min(), lons.max()] if len(lons) else []
    ys = [lats.min(), lats.max()] if len(lats) else []
    for feature in boundaries["features"]:
        for ring in geography.geometry_rings(feature["geometry"]):
            xs += [float(ring[:, 0].min()), float(ring[:, 0].max())]
            ys += [float(ring[:, 1].min()), float(ring[:, 1].max())]
    if not xs or not ys:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _view(bounds, width_px: int = 640, height_px: int = 440) -> pdk.ViewState:
    """Centre on the bounds and zoom so they fill a map of about this size (deck.gl's world
    is 512 px wide at zoom 0; a degree of latitude is 1/cos(lat) times a degree of longitude)."""
    if bounds is None:
        return pdk.ViewState(latitude=52.64, longitude=-1.13, zoom=9)
    west, south, east, north = bounds
    lat = (south + north) / 2
    lon_span = max(east - west, 0.002)
    lat_span = max(north - south, 0.002) / math.cos(math.radians(lat))
    fit = min(0.9 * width_px / lon_span, 0.9 * height_px / lat_span)  # pixels per degree
    zoom = max(5.0, min(17.0, math.log2(fit * 360 / 512)))
    return pdk.ViewState(latitude=lat, longitude=(west + east) / 2, zoom=zoom)


def _boundary_layer(boundaries: dict, fill: bool) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        boundaries,
        stroked=True,
        filled=True,
        pickable=True,
        get_fill_color="properties.fill" if fill else [240, 240, 240, 120],
        get_line_color=[60, 60, 60, 220],
        line_width_min_pixels=1,
    )


def area_map(boundaries: dict, points: pd.DataFrame, repeats: pd.DataFrame) -> pdk.Deck:
    """Ward boundaries, events as small dots coloured by source, and repeat locations as
    circles sized by their count. ``repeats`` has lat, lon, count, address."""
    for feature in boundaries["features"]:
        feature["properties"]["tip"] = feature["properties"]["ward_name"]
    layers = [_boundary_layer(boundaries, fill=False)]
    dots = points.dropna(subset=["lat", "lon"])
    for source in SOURCE_LABELS:  # one layer per source: a colour, not a colour per row
        part = dots[dots["source"] == source]
        if not part.empty:
            part = part.assign(tip=SOURCE_NAMES[source] + ": " + part["what"].fillna(""))[
                ["lat", "lon", "tip"]
            ]
            layers.append(
                pdk.Layer(
                    "ScatterplotLayer",
                    part,
                    get_position=["lon", "lat"],
                    get_fill_color=_rgb(SOURCE_COLOURS[source], 170),
                    get_radius=20,
                    radius_min_pixels=2,
                    radius_max_pixels=5,
                    pickable=True,
                )
            )
    view = _view(_bounds(boundaries, dots.get("lat", []), dots.get("lon", [])))
    spots = repeats.dropna(subset=["lat", "lon"]).copy()
    if not spots.empty:
        # Sized in pixels at the opening zoom (pydeck cannot pass radiusUnits as a plain string).
        metres_per_pixel = 40_075_016 * math.cos(math.radians(view.latitude)) / (512 * 2**view.zoom)
        spots["radius"] = (
            spots["count"].astype(float).map(lambda c: (3 + 2 * math.sqrt(c)) * metres_per_pixel)
        )
        spots["tip"] = (
            spots["address"].fillna("unknown address")
            + ": "
            + spots["count"].astype(int).astype(str)
            + " events"
        )
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                spots[["lat", "lon", "radius", "tip"]],
                get_position=["lon", "lat"],
                get_radius="radius",
                get_fill_color=_rgb(OKABE_ITO["orange"], 140),
                get_line_color=_rgb(OKABE_ITO["black"], 230),
                stroked=True,
                line_width_min_pixels=1.5,
                radius_min_pixels=4,
                pickable=True,
            )
        )
    return pdk.Deck(
        layers=layers, initial_view_state=view, map_provider=None, map_style=None, tooltip={"text": "{tip}"}
    )


def change_map(boundaries: dict, by_ward: pd.DataFrame) -> pdk.Deck:
    """Wards filled by the significance of their change; ``by_ward`` is compare(by='ward')
    output with group = ward code."""
    rows = by_ward.set_index("group")
    for feature in boundaries["features"]:
        props = feature["properties"]
        if props["ward_code"] in rows.index:
            row = rows.loc[props["ward_code"]]
            props["fill"] = _rgb(significance_colour(row["significance"]), 170)
            props["tip"] = (
                f"{props['ward_name']}: {fmt_count(row['previous_count'])} → "
                f"{fmt_count(row['count'])}, {significance_text(row['significance'], row['z'])}"
            )
        else:
            props["fill"] = [230, 230, 230, 120]
            props["tip"] = f"{props['ward_name']}: no figures"
    view = _view(_bounds(boundaries, [], []))
    return pdk.Deck(
        layers=[_boundary_layer(boundaries, fill=True)],
        initial_view_state=view,
        map_provider=None,
        map_style=None,
        tooltip={"text": "{tip}"},
    )
