"""The assessment's monthly chart for the app (plotly, like the other pages' charts): the
targets, buffer and scaled control per month, months a source lacks shaded and left as gaps,
and the response date marked. The printable document draws the same series as SVG."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go

from demand.present.document import MISSING_SHADE, SERIES_COLOURS


def monthly_figure(monthly: pd.DataFrame, missing_months, response_date) -> go.Figure:
    fig = go.Figure()
    for column, colour in zip([c for c in monthly.columns if c != "month"], SERIES_COLOURS):
        fig.add_scatter(x=monthly["month"], y=pd.to_numeric(monthly[column], errors="coerce"), name=column,
                        mode="lines+markers", line={"color": colour, "width": 2}, marker={"size": 5},
                        connectgaps=False, hovertemplate="%{x|%b %Y}: %{y:,.0f}<extra>" + column + "</extra>")
    for month in missing_months:
        fig.add_vrect(x0=month - timedelta(days=15), x1=month + timedelta(days=15), fillcolor=MISSING_SHADE,
                      opacity=0.25, line_width=0, annotation_text="no data", annotation_position="top left",
                      annotation_font_size=11)
    if response_date is not None:
        fig.add_vline(x=pd.Timestamp(response_date).to_pydatetime().timestamp() * 1000, line_dash="dash",
                      line_color="#000000", annotation_text="response began", annotation_position="top right")
    fig.update_layout(title={"text": "Events per month (sustainability)", "x": 0, "xanchor": "left"},
                      yaxis_title="Events per month", yaxis_rangemode="tozero",
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
                      margin={"l": 10, "r": 10, "t": 70, "b": 10}, height=340)
    fig.update_xaxes(tickformat="%b\n%Y")
    return fig
