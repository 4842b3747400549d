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
LECTURE_FONT = 18  # pixels: chart text in the lecture layout, read across a room (titles 1.2 times that)
PNG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}  # the camera button saves a PNG
LEGEND_BASE, LEGEND_ENTRY = 220, 12  # pixels: a curves chart's height for its legend's entries (14 px text)
WEBGL_POINTS = 1000  # above this many points a panel draws with WebGL (SVG slows down), below it with SVG


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def points_figure(xy: np.ndarray, groups: np.ndarray, group_names: list[str], customdata: np.ndarray,
                  hovertemplate: str, title: str, axis_names: tuple[str, str] = ("", ""),
                  wrong: np.ndarray | None = None, centroids: np.ndarray | None = None, height: int = 460,
                  webgl: bool | None = None, legend_title: str = "", compact: bool = False) -> go.Figure:
    """One scatter trace per group (cluster or class) so the legend names them, under `legend_title`.

    `customdata` rows start with the point's index in the data set (the hover thumbnail
    and the selected points' pictures look it up); `wrong` marks misclustered points, drawn with a
    dark ring; `centroids` (K, 2) are drawn as crosses. `webgl`: scattergl rather than SVG (by
    default when there are more than WEBGL_POINTS points). `compact` (the lecture layout's short panels):
    the legend in rows beneath the points, and no axis titles (the panel's selectors and caption name the axes).
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
    return _points_figure(traces, title, axis_names, centroids, height, legend_title=legend_title, compact=compact)


def values_figure(xy: np.ndarray, values: np.ndarray, values_name: str, customdata: np.ndarray, hovertemplate: str,
                  title: str, axis_names: tuple[str, str] = ("", ""), centroids: np.ndarray | None = None,
                  height: int = 460, webgl: bool | None = None, compact: bool = False) -> go.Figure:
    """Points coloured by a continuous quantity (assignment confidence, say), with a colour bar and no
    legend (it would sit on the bar); `compact` as for points_figure, the bar beneath the points, titled above it."""
    colorbar = dict(title=dict(text=values_name[:24]))
    if compact:
        colorbar.update(orientation="h", title_side="top", x=0, xanchor="left", y=0, yref="container", yanchor="bottom",
                        thickness=12)
    trace = dict(
        type=_scatter_type(len(xy), webgl), x=xy[:, 0], y=xy[:, 1], mode="markers", name=values_name,
        customdata=customdata,
        marker=dict(size=5, color=values, colorscale="Viridis", showscale=True, colorbar=colorbar),
        hovertemplate=f"{values_name[:24]} %{{marker.color:.3f}}<br>" + hovertemplate,
    )
    return _points_figure([trace], title, axis_names, centroids, height, showlegend=False, compact=compact)


def _scatter_type(n_points: int, webgl: bool | None) -> str:
    return "scattergl" if (n_points > WEBGL_POINTS if webgl is None else webgl) else "scatter"


def _points_figure(traces: list[dict], title: str, axis_names: tuple[str | None, str | None], centroids: np.ndarray | None,
                   height: int, showlegend: bool = True, legend_title: str = "", compact: bool = False) -> go.Figure:
    if centroids is not None:
        traces.append(dict(
            type="scatter", x=centroids[:, 0], y=centroids[:, 1], mode="markers", name="centres", hoverinfo="skip",
            marker=dict(symbol="x-thin", size=16, line=dict(width=3, color=[colour(k) for k in range(len(centroids))])),
        ))
    legend = dict(itemsizing="constant", title=dict(text=legend_title))
    if compact:  # a row or two of short names beneath the points, untitled (the colour control above names them;
        # Plotly wraps a row as if a title beside it took no room); the centres and the rings (which the page's
        # "Ring misclustered points" names) are left out, for a legend's columns are as wide as its longest entry
        for trace in traces[-2:]:
            if trace["name"] in ("centres", "misclustered"):
                trace["showlegend"] = False
        legend = dict(itemsizing="constant", orientation="h", x=0, y=0, yref="container", yanchor="bottom")
        axis_names = (None, None)
    layout = dict(title=dict(text=title), height=height, margin=MARGIN, font=FONT, showlegend=showlegend,
                  legend=legend, yaxis=dict(title=dict(text=axis_names[1])), uirevision="points", dragmode="lasso",
                  # the x tick labels a little lower: at the plot's corner, the lowest y tick's label sits level with
                  # them and would overlap the lowest x tick's (both "−5" when the points start there)
                  xaxis=dict(title=dict(text=axis_names[0]), ticklabelstandoff=6))
    return go.Figure(data=traces, layout=layout)


def spectrum_figure(values: np.ndarray, name: str, labels: list[str] | None = None,
                    reference: float | None = None, height: int = 200) -> go.Figure:
    labels = labels or [str(i + 1) for i in range(len(values))]
    shapes = [] if reference is None else [_horizontal_line(reference, "grey")]
    layout = dict(title=dict(text=name), height=height, margin=MARGIN, font=FONT, uirevision="spectrum", shapes=shapes,
                  yaxis=dict(nticks=4))  # a short chart's tick labels apart, in the lecture layout's larger text too
    return go.Figure(data=[dict(type="bar", x=labels, y=values, marker=dict(color="#636efa"))], layout=layout)


def curves_figure(x: np.ndarray, series: dict[str, np.ndarray], title: str, marker: float | None = None,
                  references: dict[str, float] | None = None, phase_boundary: float | None = None,
                  log_y: bool = False, height: int = 260, compact: bool = False) -> go.Figure:
    """Lines over the run's epochs (pretraining and clustering on one axis); reference lines, the start of
    clustering and the epoch marker are layout shapes. The reference lines and the start of clustering are
    named in the legend, beside the curves: a label written in the plot sat on the curves and on each other.
    `compact` (the lecture layout's narrow chart): no axis title (the legend says where clustering starts), the
    curves named in a column at the bottom right, the lines at the bottom left."""
    mode = "lines" if len(x) > 2 else "lines+markers"  # a run of one or two epochs (AE + k-means) shows as dots
    entries = len(series) + len(references or {}) + (phase_boundary is not None)
    if not compact:  # the legend at the chart's foot, under the axis title: a longer legend, a taller chart
        height = max(height, LEGEND_BASE + LEGEND_ENTRY * entries)
    traces = [dict(type="scatter", x=x, y=values, mode=mode, name=name, line=dict(color=colour(i)),
                   legend="legend2" if compact else "legend")  # (Plotly draws a shape's entry in the first legend only)
              for i, (name, values) in enumerate(series.items())]
    shapes = [_horizontal_line(value, colour(i), name) for i, (name, value) in enumerate((references or {}).items())]
    if phase_boundary is not None:
        shapes.append(_vertical_line(phase_boundary, dict(dash="dot", color="grey"), "clustering starts"))
    if marker is not None:
        shapes.append(_vertical_line(marker, dict(color="black", width=1)))
    layout = dict(title=dict(text=title), height=height, margin=MARGIN, font=FONT, shapes=shapes,
                  xaxis=dict(title=dict(text=None if compact else "epoch (pretraining, then clustering)")),
                  yaxis=dict(type="log" if log_y else "linear"), uirevision=title,
                  legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom"))
    if compact:
        row = 1.6 * LECTURE_FONT / height  # a legend row's height, as a fraction of the chart's
        layout.update(legend2=dict(orientation="h", x=0, xanchor="left", y=0, yref="container", yanchor="bottom"),
                      legend=dict(orientation="h", x=0, xanchor="left", y=row, yref="container", yanchor="bottom"))
    return go.Figure(data=traces, layout=layout)


def _named(shape: dict, name: str | None) -> dict:
    """A shape, listed in the legend under `name` when it has one."""
    return shape if name is None else dict(shape, name=name, showlegend=True)


def _horizontal_line(y: float, line_colour: str, name: str | None = None) -> dict:
    return _named(dict(type="line", xref="paper", x0=0, x1=1, y0=y, y1=y, line=dict(dash="dash", color=line_colour)),
                  name)


def _vertical_line(x: float, line: dict, name: str | None = None) -> dict:
    return _named(dict(type="line", yref="paper", y0=0, y1=1, x0=x, x1=x, line=line), name)


def label_counts_figure(names: list[str], counts: np.ndarray) -> go.Figure:
    """Rows per true label, for the data preview."""
    figure = go.Figure(go.Bar(x=names, y=counts, marker_color="#4c78a8", hovertemplate="%{x}: %{y} rows<extra></extra>"))
    figure.update_layout(height=180, margin=dict(l=10, r=10, t=10, b=10), xaxis=dict(type="category", title="label"),
                         yaxis=dict(title="rows"))
    return figure
