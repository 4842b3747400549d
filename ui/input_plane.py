"""The input plane panel (data of two columns): the points in their own coordinates, coloured as the other
panels are, over the cluster each point of a grid gets from the model of the epoch shown
(deepclust_core.training.input_plane), with the decoded centres as crosses and k-means' cut of the raw data as
a dashed line: the straight borders a method starts from, and what it makes of them."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from deepclust_core.runs.shown_run import Entry, ShownRun
from deepclust_core.training.input_plane import InputPlane

from .charts import FONT, MARGIN, colour, points_figure
from .live_chart import live_chart
from .panels import colouring, hover_data
from .selection import run_key

BACKGROUND_OPACITY = 0.3


def background(plane: InputPlane, n_clusters: int) -> dict:
    """The grid's clusters as a heatmap in the clusters' colours (one flat band per cluster id)."""
    scale = []
    for k in range(n_clusters):
        scale += [[k / n_clusters, colour(k)], [(k + 1) / n_clusters, colour(k)]]
    return dict(type="heatmap", x=plane.x, y=plane.y, z=plane.clusters, zmin=0, zmax=n_clusters, colorscale=scale,
                opacity=BACKGROUND_OPACITY, showscale=False, hoverinfo="skip", name="clusters of the plane")


def kmeans_cut(plane: InputPlane, X: np.ndarray, n_clusters: int, seed: int) -> dict:
    """k-means on the raw points (no network): its borders over the same grid, as dashed contour lines."""
    from deepclust_core.methods.assigners import nearest_centre  # the training code: loaded once a plane is drawn
    from deepclust_core.methods.kmeans import kmeans

    centres = kmeans(X.astype(np.float32), n_clusters, seed, n_init=10).centers
    z = nearest_centre(plane.points(), centres)[0].reshape(plane.clusters.shape)
    return dict(type="contour", x=plane.x, y=plane.y, z=z, showscale=False, hoverinfo="skip",
                contours=dict(coloring="none", start=0.5, end=n_clusters - 1.5 if n_clusters > 2 else 0.5, size=1),
                line=dict(color="black", dash="dash", width=2), name="k-means on the raw data", showlegend=True)


@st.cache_data(max_entries=8, show_spinner=False)
def _kmeans_cut(_plane: InputPlane, _X: np.ndarray, key: tuple, n_clusters: int, seed: int) -> dict:
    return kmeans_cut(_plane, _X, n_clusters, seed)


def input_plane_panel(run: ShownRun, entry: Entry, colour_by: str, height: int) -> None:
    """The panel, when the epoch shown carries a plane (data of two columns); nothing otherwise."""
    plane = entry.snapshot.plane
    if plane is None:
        return
    snapshot, K = entry.snapshot, run.config.n_clusters
    X = run.data.X[snapshot.display_index]
    groups, names, what, _ = colouring(run, entry, colour_by == "true label")
    customdata, template = hover_data(run, entry)
    figure = points_figure(X, groups, names, customdata, template, "Input plane: each point's cluster at this epoch",
                           ("x1", "x2"), centroids=plane.centres, height=height, webgl=False, legend_title=what)
    cut = _kmeans_cut(plane, X, (run_key(run), len(X)), K, run.config.seed)
    figure = go.Figure(data=[background(plane, K), cut, *figure.data], layout=figure.layout)
    figure.update_layout(font=FONT, margin=MARGIN, dragmode=False)
    live_chart(figure, f"input-plane:{run_key(run)}")

