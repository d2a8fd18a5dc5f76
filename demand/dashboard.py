"""How the pages present numbers: a timeline's counts, colours, figures and maps. No data
access (the records behind the numbers are in demand.records, read through demand.reader).

Pure logic: no Streamlit here, so every piece can be tested on its own. Figures are plotly,
maps pydeck with no basemap (no tile service is needed to render them).
"""

from __future__ import annotations

import html
import json
import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from pydeck.bindings import json_tools

from demand import analytics, geography, stats
from demand.present.wording import (
    MONTH_FORMAT,
    OKABE_ITO,
    SOURCE_WORDS,
    coverage_note,
    cut,
    fmt_count,
    significance_text,
    verdict,
    verdict_colour,
)
from demand.windows import WINDOWS, previous
from demand.windows import window as make_window

SOURCE_LABELS = {"crime": "Crimes", "call": "Calls", "missing": "Missing episodes"}
SOURCE_NAMES = {"crime": "Crime", "call": "Call", "missing": "Missing"}  # one event's type
# weekly_trend names sources by table; events and timelines by the singular.
SOURCE_OF_TABLE = {"crimes": "crime", "calls": "call", "missing_episodes": "missing"}
SOURCE_COLOURS = {"crime": OKABE_ITO["vermillion"], "call": OKABE_ITO["blue"], "missing": OKABE_ITO["green"]}
REPEAT_SPOT_COLOUR = OKABE_ITO["orange"]  # the circles of the top repeat locations on the area map
MEASURE_LABELS = {
    "crimes": "Crimes",
    "calls": "Calls for service",
    "asb_calls": "ASB calls",
    "missing_episodes": "Missing episodes",
}


# --- a timeline in numbers ---------------------------------------------------------------------


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


def counts_by_window(timeline: pd.DataFrame, as_of: date, gaps: pd.DataFrame | None = None,
                     month_dated: bool = False) -> pd.DataFrame:
    """Events of a timeline in each window ending at ``as_of`` and in the window before it,
    counted over the days their sources cover. ``gaps`` (table_name, month) lists the months
    the sources lack (coverage_gaps over both windows); only the sources the timeline holds
    count. Returns window, then analytics.COMPARE_COLUMNS less months_missing: a window with
    no covered day has no count (never 0), one that lacks a month says so in ``coverage``,
    and each window is compared with the one before as a rate per covered day (one test
    each, p < 0.05). Events dated in a month their source lacks are not counted. Data dated
    by month only (``month_dated``) covers each whole month whose first day is in a window."""
    gaps = gaps if gaps is not None else pd.DataFrame(columns=["table_name", "month"])
    tables = tuple(t for t, s in SOURCE_OF_TABLE.items() if s in set(timeline["source"])) or ("crimes",)
    lacking = [(t, pd.Timestamp(m).date()) for t, m in zip(gaps["table_name"], gaps["month"]) if t in tables]
    at = pd.to_datetime(timeline["at"]) if not timeline.empty else pd.Series([], dtype="datetime64[ns]")
    month = at.dt.to_period("M").dt.to_timestamp().dt.date
    table = timeline["source"].map({s: t for t, s in SOURCE_OF_TABLE.items()}) if not timeline.empty else at
    covered = ~pd.Series(list(zip(table, month)), index=at.index, dtype=object).isin(set(lacking))

    def count(w) -> int:
        return int(((at >= w.start_ts) & (at < w.end_ts) & covered).sum())

    covered_days = stats.month_dated_exposure_days if month_dated else stats.exposure_days

    def exposure(w) -> float:
        days = [covered_days(w.start, w.end, [m for t, m in lacking if t == s]) for s in tables]
        return sum(days) / len(days)

    def note(w, days) -> str:
        inside = [(t, m) for t, m in lacking if m <= w.end and m >= w.start.replace(day=1)]
        return coverage_note(tables, w.days, days, inside)

    rows = []
    for name in WINDOWS:
        now = make_window(name, as_of)
        before = previous(now)
        rows.append({"window": name, "count": count(now), "previous_count": count(before),
                     "exposure_days": exposure(now), "previous_exposure_days": exposure(before),
                     "coverage": note(now, exposure(now)), "previous_coverage": note(before, exposure(before))})
    frame = pd.DataFrame(rows)
    compared = stats.compare_table(frame, fdr=False)
    return compared[["window", *[c for c in analytics.COMPARE_COLUMNS if c != "months_missing"]]]


def counts_by_month(timeline: pd.DataFrame) -> pd.DataFrame:
    """A timeline as month x source counts: month, source, count."""
    if timeline.empty:
        return pd.DataFrame(columns=["month", "source", "count"])
    months = pd.to_datetime(timeline["at"]).dt.to_period("M").dt.to_timestamp()
    return timeline.assign(month=months).groupby(["month", "source"]).size().rename("count").reset_index()


# --- figures -------------------------------------------------------------------------------------


def chart_label(value) -> str:
    """A value from the data as a chart label: one line, cut, and with plotly's own markup
    (<a href>, <b>, <br>) escaped, so a link written into the data is shown, never followed."""
    return html.escape(cut(value, 60))


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x,
        yaxis_title=y,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0, "title": None},
        # room for the x axis title: with less, it is drawn under the chart's lower edge
        margin={"l": 10, "r": 10, "t": 70, "b": 56},
        height=360,
    )
    return fig


def weekly_trend_figure(trend: pd.DataFrame, title: str, period: str = "week") -> go.Figure:
    """Lines of events per week (or per ``period`` 'month', the frame's column of that name)
    by source; a week or month the source does not cover is a gap."""
    fig = go.Figure()
    trend = trend.assign(source=trend["source"].replace(SOURCE_OF_TABLE), count=trend["count"].astype("float64"))
    when = "Week of %{x|%d %b %Y}" if period == "week" else "%{x|" + MONTH_FORMAT + "}"
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
    fig.update_xaxes(tickformat=MONTH_FORMAT, nticks=6)  # months as everywhere else
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
                hovertemplate="%{x|" + MONTH_FORMAT + "}: %{y} " + label.lower() + "<extra></extra>",
            )
    fig = _layout(fig, title, "Month", "Events per month")
    fig.update_layout(barmode="stack")
    # Months as everywhere else ('May 2025'); plotly spaces the ticks to the chart's width, so
    # a phone shows a few legible months rather than every month on top of each other.
    fig.update_xaxes(tickformat=MONTH_FORMAT, nticks=8)
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
                annotation_text=f"no {SOURCE_WORDS.get(table, table)} data",
                annotation_position="top left",
                annotation_font_size=11,
            )
    return fig


def lorenz_outline(curve: pd.DataFrame, events: int, hover_steps: int = 200) -> pd.DataFrame:
    """The points of a Lorenz curve (``analytics.concentration_of``) that a chart needs to
    draw it exactly: its ends, every corner (where the count per entity changes: between two
    corners the entities hold the same count, so the curve is a straight line), and a point at
    every 1/``hover_steps`` of the entities so that hovering anywhere reads a value. At force
    scale a curve has a point per entity (a million callers) but a few hundred corners, and
    drawing every point cost a Concentration page a third of a second. ``events`` is the
    curve's total, so each entity's count is recovered exactly from the shares."""
    n = len(curve) - 1
    if n < 2:
        return curve
    counts = (curve["event_share"].diff().to_numpy()[1:] * events).round()
    corners = np.flatnonzero(counts[1:] != counts[:-1]) + 1  # row i: the last entity of a run
    keep = np.unique(np.concatenate([[0, n], corners, np.round(np.linspace(0, n, hover_steps + 1)).astype(int)]))
    return curve.iloc[keep]


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
    # the legend inside the plot's empty corner, below the diagonal where no curve runs: above
    # the plot, six names wrap into three rows on a phone and ran over the title
    fig.update_layout(legend={"orientation": "v", "xanchor": "right", "x": 0.99, "yanchor": "bottom", "y": 0.02,
                              "bgcolor": "rgba(255,255,255,0.8)"})
    return fig


def _verdicts(frame: pd.DataFrame) -> list[str]:
    """Each row's verdict with its (adjusted, in a table) p: '▲ significant rise (p = 0.004)';
    read from whole columns (a Series made per row cost a district's heatmap about 25 ms)."""
    column = next((c for c in ("p_adjusted", "p") if c in frame.columns), None)
    ps = frame[column] if column else [None] * len(frame)
    return [significance_text(s, p) for s, p in zip(frame["significance"], ps)]


def change_bar_figure(compared: pd.DataFrame, title: str, group_label: str) -> go.Figure:
    """Horizontal bars of change per group (at equal covered days), coloured by significance."""
    data = compared.dropna(subset=["change"]).sort_values("change")
    fig = go.Figure(
        go.Bar(
            x=data["change"],
            y=[chart_label(g) for g in data["group"]],
            orientation="h",
            marker_color=[verdict_colour(s) for s in data["significance"]],
            marker_line={"color": "#555555", "width": 0.5},
            customdata=list(zip(data["count"], data["previous_count"], _verdicts(data))),
            hovertemplate="%{y}: %{customdata[1]:,} → %{customdata[0]:,} (%{x:+,})<br>%{customdata[2]}"
            "<extra></extra>",
        )
    )
    # two lines: on a phone the plot is ~150 px wide and one line ran off the edge
    fig = _layout(fig, title, "Change in count<br>(at equal covered days)", group_label)
    fig.update_layout(height=max(300, 28 * len(data) + 136), showlegend=False, margin={"b": 76})
    return fig


def harm_figure(harm: pd.DataFrame, title: str, top: int = 12) -> go.Figure:
    """Horizontal bars of crime harm now and before for the ``top`` most harmful groups
    (demand.impact.harm_by output), most harmful at the top; the crimes' count in the hover."""
    data = harm.head(top).iloc[::-1]
    names = [chart_label(n) for n in data["name"]]
    fig = go.Figure()
    fig.add_bar(x=data["previous_harm"], y=names, orientation="h", name="Before",
                marker_color=OKABE_ITO["grey"], customdata=data["previous_count"],
                hovertemplate="%{y}: %{x:,.0f} days from %{customdata:,} crimes before<extra></extra>")
    fig.add_bar(x=data["harm"], y=names, orientation="h", name="Now", marker_color=OKABE_ITO["black"],
                customdata=data["count"], hovertemplate="%{y}: %{x:,.0f} days from %{customdata:,} crimes now"
                "<extra></extra>")
    fig = _layout(fig, title, "Harm (indicative days of imprisonment)", "")
    fig.update_layout(barmode="group", height=max(300, 34 * len(data) + 130))
    fig.update_yaxes(automargin=True)
    return fig


HEATMAP_ORDER = (stats.NO_DATA, stats.FALL, stats.NO_CHANGE, stats.RISE)


def significance_heatmap_figure(matrix: pd.DataFrame, title: str) -> go.Figure:
    """Wards x categories, each cell filled with its verdict's colour (the colours of the
    map and its legend), the number of crimes now written in it; a blank cell had no crime
    in either period. Details in the hover."""

    # One grouping of the cells and one reshape for the four grids (four pivot tables and
    # three element-wise maps were most of the figure's time for a district of 21 wards).
    cells = matrix.assign(verdict=_verdicts(matrix)).groupby(["ward_name", "category"])[
        ["significance", "count", "previous_count", "verdict"]].first()
    counts, before = cells["count"], cells["previous_count"]
    grids = pd.DataFrame({
        "code": cells["significance"].map({s: number for number, s in enumerate(HEATMAP_ORDER)}),
        "text": ["" if pd.isna(v) else f"{int(v)}" for v in counts],
        "previous": [np.nan if pd.isna(v) else fmt_count(v) for v in before],
        "words": cells["verdict"],
    }, index=cells.index).unstack("category")
    code, words = grids["code"], grids["words"]
    text, previous = grids["text"].fillna(""), grids["previous"]
    # One flat band of colour per verdict code 0..3.
    scale = []
    for number, significance in enumerate(HEATMAP_ORDER):
        colour = verdict(significance).colour
        scale += [[number / 4, colour], [(number + 1) / 4, colour]]
    fig = go.Figure(
        go.Heatmap(
            z=code.values.astype(float),
            x=[chart_label(c) for c in code.columns],
            y=[chart_label(w) for w in code.index],
            zmin=-0.5,
            zmax=3.5,
            colorscale=scale,
            showscale=False,
            xgap=1,
            ygap=1,
            text=text.values,
            texttemplate="%{text}",
            customdata=[[[p, w] for p, w in zip(prow, wrow)] for prow, wrow in zip(previous.values, words.values)],
            hovertemplate="%{y}, %{x}<br>%{customdata[0]} before → %{text} now<br>%{customdata[1]}"
            "<extra></extra>",
        )
    )
    fig = _layout(fig, title, "Crime category", "Ward")
    fig.update_layout(height=max(360, 26 * len(code.index) + 160), plot_bgcolor="#F4F4F4")
    fig.update_xaxes(tickangle=-35)
    fig.update_yaxes(autorange="reversed")  # A at the top, as in the tables
    return fig


# --- maps (pydeck, no basemap) --------------------------------------------------------------------


class _Deck(pdk.Deck):
    """A pydeck Deck whose JSON (what st.pydeck_chart sends) is written without indentation:
    pydeck indents it, which makes json use its pure-Python encoder, about 30 ms for a map of
    4,000 dots at force scale against 5 for the C encoder. The same JSON value, so the same map."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=json_tools.default_serialize)


def _records(frame: pd.DataFrame) -> list[dict]:
    """A layer's rows as pydeck would send them (DataFrame.to_dict(orient='records'): Python
    values, NaN for a missing one), made from whole columns: to_dict boxes each value of an
    Arrow-backed text column one at a time (20 ms for 4,000 dots)."""
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*(frame[name].tolist() for name in names))]


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def ward_boundaries(ward_codes) -> dict:
    """The boundaries of these wards that exist (the project holds the Leicestershire force
    area's and the City of London's)."""
    return geography.load_ward_boundaries(geography.held_districts(), ward_codes=ward_codes)


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


# The width a map is fitted to: a phone's (390 px less the page's margins). The server cannot
# know the screen's width, and a map fitted to a desk's is cut off at both sides on a phone; on
# a desk the whole area shows, smaller, in the middle.
MAP_WIDTH = 350


def _view(bounds, width_px: int = MAP_WIDTH, height_px: int = 440) -> pdk.ViewState:
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


LAYER_WARDS, LAYER_LABELS, LAYER_SPOTS = "wards", "labels", "spots"
EVENT_LAYER = "events-"  # + source: one layer of dots per source


def _boundary_layer(boundaries: dict, fill: bool, pickable: bool = True) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        boundaries,
        id=LAYER_WARDS,
        stroked=True,
        filled=True,
        pickable=pickable,
        get_fill_color="properties.fill" if fill else [240, 240, 240, 120],
        get_line_color=[60, 60, 60, 220],
        line_width_min_pixels=1,
    )


def _label_layer(boundaries: dict) -> pdk.Layer:
    """Ward names written on the map (a phone cannot hover): at each ward's label point, on a
    white ground, dropped where they would overlap a bigger ward's name at this zoom."""
    labels = []
    for feature in boundaries["features"]:
        lon, lat = geography.label_point(feature["geometry"])
        area = sum(abs(geography.ring_area(r)) for r in geography.geometry_rings(feature["geometry"]))
        labels.append({"name": feature["properties"]["ward_name"], "lon": lon, "lat": lat, "size": area})
    return pdk.Layer(
        "TextLayer",
        _records(pd.DataFrame(labels, columns=["name", "lon", "lat", "size"])),
        id=LAYER_LABELS,
        get_position=["lon", "lat"],
        get_text="name",
        get_size=12,
        get_color=[30, 30, 30, 255],
        get_text_anchor="'middle'",
        get_alignment_baseline="'center'",
        background=True,
        get_background_color=[255, 255, 255, 210],
        background_padding=[3, 1],
        # pydeck reads a plain string as a data accessor: literal strings are quoted inside
        character_set="'auto'",
        font_family="'Helvetica Neue, Helvetica, Arial, sans-serif'",
        pickable=False,
        extensions=[{"@@type": "CollisionFilterExtension"}],
        get_collision_priority="size",
        collision_test_props={"sizeScale": 2},
    )


def area_map(boundaries: dict, points: pd.DataFrame, repeats: pd.DataFrame, pick_wards: bool = False) -> pdk.Deck:
    """Ward boundaries with their names, events as small dots coloured by source, and repeat
    locations as circles sized by their count. ``points`` has lat, lon, source, what,
    location_id; ``repeats`` has id, lat, lon, count, address. Tapping a dot or a circle selects
    its location, a ward (when ``pick_wards``: a map of several wards) the ward (map_choice)."""
    for feature in boundaries["features"]:
        feature["properties"]["tip"] = feature["properties"]["ward_name"]
    layers = [_boundary_layer(boundaries, fill=False, pickable=pick_wards)]
    dots = points.dropna(subset=["lat", "lon"])
    for source in SOURCE_LABELS:  # one layer per source: a colour, not a colour per row
        part = dots[dots["source"] == source]
        if not part.empty:
            part = part.assign(tip=SOURCE_NAMES[source] + ": " + part["what"].fillna(""))[
                ["lat", "lon", "tip", "location_id"]
            ]
            layers.append(
                pdk.Layer(
                    "ScatterplotLayer",
                    _records(part),
                    id=EVENT_LAYER + source,
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
                _records(spots[["lat", "lon", "radius", "tip", "id"]]),
                id=LAYER_SPOTS,
                get_position=["lon", "lat"],
                get_radius="radius",
                get_fill_color=_rgb(REPEAT_SPOT_COLOUR, 140),
                get_line_color=_rgb(OKABE_ITO["black"], 230),
                stroked=True,
                line_width_min_pixels=1.5,
                radius_min_pixels=4,
                pickable=True,
            )
        )
    layers.append(_label_layer(boundaries))
    # No map_style: pydeck's default with map_provider=None tells Streamlit to draw no basemap;
    # map_style=None would make Streamlit fetch a public basemap style.
    return _Deck(layers=layers, initial_view_state=view, map_provider=None, tooltip={"text": "{tip}"})


def change_map(boundaries: dict, by_ward: pd.DataFrame, pick_wards: bool = False) -> pdk.Deck:
    """Wards filled with the colour of their verdict (wording.VERDICTS, the colours of the
    legend) and labelled with their names; ``by_ward`` is compare(by='ward') output with group
    = ward code. With ``pick_wards`` a tap on a ward selects it (map_choice)."""
    rows = by_ward.set_index("group")
    verdicts = dict(zip(by_ward["group"], _verdicts(by_ward)))
    for feature in boundaries["features"]:
        props = feature["properties"]
        if props["ward_code"] in rows.index:
            row = rows.loc[props["ward_code"]]
            props["fill"] = _rgb(verdict_colour(row["significance"]))  # opaque: exactly the legend's colour
            props["tip"] = (
                f"{props['ward_name']}: {fmt_count(row['previous_count'])} → "
                f"{fmt_count(row['count'])}, {verdicts[props['ward_code']]}"
            )
        else:
            props["fill"] = _rgb(verdict_colour(stats.NO_DATA))
            props["tip"] = f"{props['ward_name']}: no figures"
    view = _view(_bounds(boundaries, [], []))
    return _Deck(
        layers=[_boundary_layer(boundaries, fill=True, pickable=pick_wards), _label_layer(boundaries)],
        initial_view_state=view,
        map_provider=None,
        tooltip={"text": "{tip}"},
    )


def map_choice(selection) -> tuple[str, str] | None:
    """What a tap on a map chose: ('ward', ward code), ('location', location id) or None.
    ``selection`` is st.pydeck_chart's selection state (objects by layer id)."""
    objects = dict(getattr(selection, "objects", None) or (selection or {}).get("objects", {}) or {})
    for layer, chosen in objects.items():
        if not chosen:
            continue
        picked = chosen[0]
        if layer == LAYER_WARDS:
            code = (picked.get("properties") or {}).get("ward_code")
            return ("ward", code) if code else None
        if layer == LAYER_SPOTS and picked.get("id"):
            return "location", picked["id"]
        if layer.startswith(EVENT_LAYER) and picked.get("location_id"):
            return "location", picked["location_id"]
    return None


PLAN_ROLES = ("caller", "victim", "offender", "missing")  # the roles a person plan can target


def plan_start(kind: str, reference: str, entity: dict, timeline: pd.DataFrame) -> tuple[str, str, str | None, str]:
    """(plan kind, target, ward, title) for a plan started from a profile: a place is a location
    plan in its own ward; a person is a plan on their commonest role here (calls made, victim,
    suspect or offender, missing), in the ward where most of their events are."""
    if kind == "location":
        return "location", reference, entity.get("ward_code"), f"Location {reference}"
    roles = timeline["role"].fillna("").str.replace("suspect", "offender").str.split("; ").explode()
    roles = roles[roles.isin(PLAN_ROLES)]
    role = roles.mode().iloc[0] if len(roles) else "victim"
    wards = timeline["ward_code"].dropna()
    return role, reference, (wards.mode().iloc[0] if len(wards) else None), f"{role.capitalize()} {reference}"
