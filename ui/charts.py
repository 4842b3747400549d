"""Plotly figures for the live view: the two point panels, the spectrum and the curves.

Figures are built from plain arrays (a Snapshot's fields), so live view and replay share
one rendering path. Point panels use WebGL (scattergl) with float32 data.
"""
from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go

PALETTE = plotly.colors.qualitative.Plotly + plotly.colors.qualitative.D3[::2] + plotly.colors.qualitative.Alphabet
MARGIN = dict(l=10, r=10, t=40, b=10)


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def points_figure(xy: np.ndarray, groups: np.ndarray, group_names: list[str], customdata: np.ndarray,
                  hovertemplate: str, title: str, axis_names: tuple[str, str] = ("", ""),
                  wrong: np.ndarray | None = None, centroids: np.ndarray | None = None, height: int = 460) -> go.Figure:
    """One scattergl trace per group (cluster or class) so the legend names them.

    `customdata` rows start with the point's index in the data set (the hover thumbnail
    and the selection gallery look it up); `wrong` marks misclustered points, drawn with a
    dark ring; `centroids` (K, 2) are drawn as crosses.
    """
    figure = go.Figure()
    for g in np.unique(groups):
        mask = groups == g
        figure.add_trace(go.Scattergl(
            x=xy[mask, 0], y=xy[mask, 1], mode="markers", name=group_names[g] if g < len(group_names) else str(g),
            marker=dict(size=5, color=colour(int(g)), opacity=0.8), customdata=customdata[mask],
            hovertemplate=hovertemplate,
        ))
    if wrong is not None and wrong.any():
        figure.add_trace(go.Scattergl(
            x=xy[wrong, 0], y=xy[wrong, 1], mode="markers", name="misclustered", customdata=customdata[wrong],
            marker=dict(size=9, color="rgba(0,0,0,0)", line=dict(color="black", width=1.5)),
            hovertemplate="misclustered<br>" + hovertemplate,
        ))
    return _finish_points(figure, title, axis_names, centroids, height)


def values_figure(xy: np.ndarray, values: np.ndarray, values_name: str, customdata: np.ndarray, hovertemplate: str,
                  title: str, axis_names: tuple[str, str] = ("", ""), centroids: np.ndarray | None = None,
                  height: int = 460) -> go.Figure:
    """Points coloured by a continuous quantity (assignment confidence, say), with a colour bar."""
    figure = go.Figure(go.Scattergl(
        x=xy[:, 0], y=xy[:, 1], mode="markers", name=values_name, customdata=customdata,
        marker=dict(size=5, color=values, colorscale="Viridis", showscale=True, colorbar=dict(title=values_name[:24])),
        hovertemplate=f"{values_name[:24]} %{{marker.color:.3f}}<br>" + hovertemplate,
    ))
    return _finish_points(figure, title, axis_names, centroids, height)


def _finish_points(figure: go.Figure, title: str, axis_names: tuple[str, str], centroids: np.ndarray | None,
                   height: int) -> go.Figure:
    if centroids is not None:
        figure.add_trace(go.Scatter(
            x=centroids[:, 0], y=centroids[:, 1], mode="markers", name="centres", hoverinfo="skip",
            marker=dict(symbol="x-thin", size=16, line=dict(width=3, color=[colour(k) for k in range(len(centroids))])),
        ))
    figure.update_layout(title=title, height=height, margin=MARGIN, legend=dict(itemsizing="constant"),
                         xaxis_title=axis_names[0], yaxis_title=axis_names[1], uirevision="points",
                         dragmode="lasso")
    return figure


def spectrum_figure(values: np.ndarray, name: str, labels: list[str] | None = None,
                    reference: float | None = None) -> go.Figure:
    labels = labels or [str(i + 1) for i in range(len(values))]
    figure = go.Figure(go.Bar(x=labels, y=values, marker_color="#636efa"))
    if reference is not None:
        figure.add_hline(y=reference, line_dash="dash", line_color="grey")
    figure.update_layout(title=name, height=200, margin=MARGIN, uirevision="spectrum")
    return figure


def curves_figure(x: np.ndarray, series: dict[str, np.ndarray], title: str, marker: float | None = None,
                  references: dict[str, float] | None = None, phase_boundary: float | None = None,
                  log_y: bool = False, height: int = 260) -> go.Figure:
    """Lines over the run's epochs (pretraining and clustering on one axis)."""
    figure = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        figure.add_trace(go.Scatter(x=x, y=values, mode="lines", name=name, line=dict(color=colour(i))))
    for i, (name, value) in enumerate((references or {}).items()):
        figure.add_hline(y=value, line_dash="dash", line_color=colour(i), annotation_text=name,
                         annotation_position="bottom right")
    if phase_boundary is not None:
        figure.add_vline(x=phase_boundary, line_dash="dot", line_color="grey",
                         annotation_text="clustering starts", annotation_position="top left")
    if marker is not None:
        figure.add_vline(x=marker, line_color="black", line_width=1)
    figure.update_layout(title=title, height=height, margin=MARGIN, xaxis_title="epoch (pretraining, then clustering)",
                         legend=dict(orientation="h", y=-0.3), uirevision=title)
    if log_y:
        figure.update_yaxes(type="log")
    return figure


def label_counts_figure(names: list[str], counts: np.ndarray) -> go.Figure:
    """Rows per true label, for the data preview."""
    figure = go.Figure(go.Bar(x=names, y=counts, marker_color="#4c78a8", hovertemplate="%{x}: %{y} rows<extra></extra>"))
    figure.update_layout(height=180, margin=dict(l=10, r=10, t=10, b=10), xaxis=dict(type="category", title="label"),
                         yaxis=dict(title="rows"))
    return figure
