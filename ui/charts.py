"""Plotly figures for the live view: the two point panels, the spectrum and the curves.

Figures are built from plain arrays (a Snapshot's fields), so live view and replay share
one rendering path. Each is validated once, from one dict of traces and layout: the live view
redraws every second or two, and Plotly's figure methods (add_trace, add_vline, update_layout) cost
several times more. Point panels of many points use WebGL (scattergl) with float32 data; every
other chart is SVG, since a browser keeps only a few WebGL contexts alive (Chromium: 16 a page).
"""
from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go

PALETTE = plotly.colors.qualitative.Plotly + plotly.colors.qualitative.D3[::2] + plotly.colors.qualitative.Alphabet
MARGIN = dict(l=10, r=10, t=40, b=10)
FONT = dict(size=14)  # Plotly's 12 px is hard to read on a projector
PNG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}  # the camera button saves a PNG
WEBGL_POINTS = 1000  # above this many points a panel draws with WebGL (SVG slows down), below it with SVG


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def points_figure(xy: np.ndarray, groups: np.ndarray, group_names: list[str], customdata: np.ndarray,
                  hovertemplate: str, title: str, axis_names: tuple[str, str] = ("", ""),
                  wrong: np.ndarray | None = None, centroids: np.ndarray | None = None, height: int = 460,
                  webgl: bool | None = None) -> go.Figure:
    """One scatter trace per group (cluster or class) so the legend names them.

    `customdata` rows start with the point's index in the data set (the hover thumbnail
    and the selection gallery look it up); `wrong` marks misclustered points, drawn with a
    dark ring; `centroids` (K, 2) are drawn as crosses. `webgl`: scattergl rather than SVG (by
    default when there are more than WEBGL_POINTS points).
    """
    kind = _scatter_type(len(xy), webgl)
    traces = []
    for g in np.unique(groups):
        mask = groups == g
        traces.append(dict(
            type=kind, x=xy[mask, 0], y=xy[mask, 1], mode="markers",
            name=group_names[g] if g < len(group_names) else str(g),
            marker=dict(size=5, color=colour(int(g)), opacity=0.8), customdata=customdata[mask],
            hovertemplate=hovertemplate,
        ))
    if wrong is not None and wrong.any():
        traces.append(dict(
            type=kind, x=xy[wrong, 0], y=xy[wrong, 1], mode="markers", name="misclustered",
            customdata=customdata[wrong], marker=dict(size=9, color="rgba(0,0,0,0)", line=dict(color="black", width=1.5)),
            hovertemplate="misclustered<br>" + hovertemplate,
        ))
    return _points_figure(traces, title, axis_names, centroids, height)


def values_figure(xy: np.ndarray, values: np.ndarray, values_name: str, customdata: np.ndarray, hovertemplate: str,
                  title: str, axis_names: tuple[str, str] = ("", ""), centroids: np.ndarray | None = None,
                  height: int = 460, webgl: bool | None = None) -> go.Figure:
    """Points coloured by a continuous quantity (assignment confidence, say), with a colour bar and no
    legend (it would sit on the bar)."""
    trace = dict(
        type=_scatter_type(len(xy), webgl), x=xy[:, 0], y=xy[:, 1], mode="markers", name=values_name,
        customdata=customdata,
        marker=dict(size=5, color=values, colorscale="Viridis", showscale=True, colorbar=dict(title=values_name[:24])),
        hovertemplate=f"{values_name[:24]} %{{marker.color:.3f}}<br>" + hovertemplate,
    )
    return _points_figure([trace], title, axis_names, centroids, height, showlegend=False)


def _scatter_type(n_points: int, webgl: bool | None) -> str:
    return "scattergl" if (n_points > WEBGL_POINTS if webgl is None else webgl) else "scatter"


def _points_figure(traces: list[dict], title: str, axis_names: tuple[str, str], centroids: np.ndarray | None,
                   height: int, showlegend: bool = True) -> go.Figure:
    if centroids is not None:
        traces.append(dict(
            type="scatter", x=centroids[:, 0], y=centroids[:, 1], mode="markers", name="centres", hoverinfo="skip",
            marker=dict(symbol="x-thin", size=16, line=dict(width=3, color=[colour(k) for k in range(len(centroids))])),
        ))
    layout = dict(title=dict(text=title), height=height, margin=MARGIN, font=FONT, showlegend=showlegend,
                  legend=dict(itemsizing="constant"),
                  xaxis=dict(title=dict(text=axis_names[0])), yaxis=dict(title=dict(text=axis_names[1])),
                  uirevision="points", dragmode="lasso")
    return go.Figure(data=traces, layout=layout)


def spectrum_figure(values: np.ndarray, name: str, labels: list[str] | None = None,
                    reference: float | None = None) -> go.Figure:
    labels = labels or [str(i + 1) for i in range(len(values))]
    shapes = [] if reference is None else [_horizontal_line(reference, "grey")]
    layout = dict(title=dict(text=name), height=200, margin=MARGIN, font=FONT, uirevision="spectrum", shapes=shapes)
    return go.Figure(data=[dict(type="bar", x=labels, y=values, marker=dict(color="#636efa"))], layout=layout)


def curves_figure(x: np.ndarray, series: dict[str, np.ndarray], title: str, marker: float | None = None,
                  references: dict[str, float] | None = None, phase_boundary: float | None = None,
                  log_y: bool = False, height: int = 260) -> go.Figure:
    """Lines over the run's epochs (pretraining and clustering on one axis); reference lines
    and the epoch marker are layout shapes."""
    mode = "lines" if len(x) > 2 else "lines+markers"  # a run of one or two epochs (AE + k-means) shows as dots
    traces = [dict(type="scatter", x=x, y=values, mode=mode, name=name, line=dict(color=colour(i)))
              for i, (name, values) in enumerate(series.items())]
    shapes, annotations = [], []
    for i, (name, value) in enumerate((references or {}).items()):
        shapes.append(_horizontal_line(value, colour(i)))
        annotations.append(dict(text=name, x=1, xref="paper", xanchor="right", y=value, yanchor="top",
                                showarrow=False, font=dict(color=colour(i))))
    if phase_boundary is not None:
        shapes.append(_vertical_line(phase_boundary, dict(dash="dot", color="grey")))
        annotations.append(dict(text="clustering starts", x=phase_boundary, xanchor="right", y=1, yref="paper",
                                yanchor="top", showarrow=False))
    if marker is not None:
        shapes.append(_vertical_line(marker, dict(color="black", width=1)))
    layout = dict(title=dict(text=title), height=height, margin=MARGIN, font=FONT, shapes=shapes,
                  annotations=annotations,
                  xaxis=dict(title=dict(text="epoch (pretraining, then clustering)")),
                  yaxis=dict(type="log" if log_y else "linear"), legend=dict(orientation="h", y=-0.3), uirevision=title)
    return go.Figure(data=traces, layout=layout)


def _horizontal_line(y: float, line_colour: str) -> dict:
    return dict(type="line", xref="paper", x0=0, x1=1, y0=y, y1=y, line=dict(dash="dash", color=line_colour))


def _vertical_line(x: float, line: dict) -> dict:
    return dict(type="line", yref="paper", y0=0, y1=1, x0=x, x1=x, line=line)


def label_counts_figure(names: list[str], counts: np.ndarray) -> go.Figure:
    """Rows per true label, for the data preview."""
    figure = go.Figure(go.Bar(x=names, y=counts, marker_color="#4c78a8", hovertemplate="%{x}: %{y} rows<extra></extra>"))
    figure.update_layout(height=180, margin=dict(l=10, r=10, t=10, b=10), xaxis=dict(type="category", title="label"),
                         yaxis=dict(title="rows"))
    return figure
