"""The two point panels: the autoencoder space (UMAP) and the method's clustering space."""
from __future__ import annotations

import html

import numpy as np
import streamlit as st

from deepclust_core.data.dataset import round_for_reading
from deepclust_core.evaluation.metrics import best_matching, contingency
from deepclust_core.projection import umap as projection
from deepclust_core.projection.cluster_view import ClusterView
from deepclust_core.runs.shown_run import Entry, ShownRun

from . import selection
from .charts import LECTURE_FONT, points_figure, spectrum_figure, values_figure
from .live_chart import live_chart
from .new_rows import add_new_rows


COLOURINGS = ("predicted cluster", "true label", "confidence")
PANEL_HEIGHT = 460  # pixels; the lecture layout passes less
SPECTRUM_HEIGHT = 200
# The autoencoder panel's note on an epoch drawn with its own UMAP frame; the benchmarks and browser tests read
# the caption, as a user does, to tell which epoch is on screen and with which frame (bench/live_view/shown_epoch.py)
OWN_FRAME_NOTE = "UMAP of this epoch's embedding, warm-started from the previous frame"


def colouring(run: ShownRun, entry: Entry, by_label: bool) -> tuple[np.ndarray, list[str], str, np.ndarray | None]:
    """Groups to colour by, their names and what they are (the legend's title), and the misclustered mask
    (None without labels)."""
    snapshot = entry.snapshot
    clusters = snapshot.display_labels
    truth = None if run.data.y is None else run.data.y[snapshot.display_index]
    wrong = None if truth is None else misclustered(clusters, truth)
    if by_label and truth is not None:
        names = list(run.data.class_names or [str(c) for c in range(int(truth.max()) + 1)])
        return truth, names, "label", wrong
    return clusters, [str(k) for k in range(int(clusters.max()) + 1)], "cluster", wrong


def draw_points(run: ShownRun, entry: Entry, xy: np.ndarray, title: str, axis_names: tuple[str, str],
                colour_by: str, highlight: bool, centroids: np.ndarray | None, key: str,
                height: int = PANEL_HEIGHT, lecture: bool = False, legend: bool = True) -> None:
    """One point panel, coloured by cluster, label or the method's confidence; selectable. `legend`: False
    for a panel too small to give it room (a race's four panels on a lecture screen; hovering names a point)."""
    customdata, template = hover_data(run, entry)
    view = entry.snapshot.view
    if colour_by == "confidence" and view.point_values is not None:
        figure = values_figure(xy, view.point_values, view.point_values_name, customdata, template, title,
                               axis_names, centroids, height, compact=lecture)
    else:
        groups, names, what, wrong = colouring(run, entry, colour_by == "true label")
        figure = points_figure(xy, groups, names, customdata, template, title, axis_names,
                               wrong if highlight else None, centroids, height, legend_title=what,
                               compact=lecture)
    if not legend:
        figure.layout.showlegend = False
    add_new_rows(figure, run, entry, xy, colour_by == "predicted cluster")
    key = f"{key}:{selection.run_key(run)}"  # a new run starts with a new chart, free of the last run's selection
    remember_selection(run, key, live_chart(figure, key, selectable=True, font_size=LECTURE_FONT if lecture else None))


def misclustered(clusters: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Points whose cluster, matched to a class by the Hungarian method, is not their class."""
    w = contingency(clusters, truth)
    rows, cols = best_matching(w)
    class_of = np.full(w.shape[0], -1)
    class_of[rows] = cols
    return class_of[clusters] != truth


MAX_HOVER_FEATURES = 8


def hover_data(run: ShownRun, entry: Entry) -> tuple[np.ndarray, str]:
    """Per-point hover columns and their template: the row (and its ID), the label's name, the
    cluster, and for tables the first feature values, named and in the file's own units."""
    snapshot, data = entry.snapshot, run.data
    index = snapshot.display_index
    columns: list[np.ndarray] = [index]
    lines = ["point %{customdata[0]}"]

    def add(values, line: str) -> None:
        columns.append(values)
        lines.append(f"{line} %{{customdata[{len(columns) - 1}]}}")

    if data.ids is not None:
        add(data.ids[index], html.escape(data.id_column or "ID"))
    if data.y is not None:
        add(np.array([data.class_name(c) for c in data.y[index]], dtype=object), "label")
    add(snapshot.display_labels, "cluster")
    if not data.is_image:
        shown = min(data.n_features, MAX_HOVER_FEATURES)
        values = round_for_reading(data.in_file_units(data.X[index])[:, :shown])
        for j, column in enumerate(data.column_names()[:shown]):
            add(values[:, j], f"{html.escape(column)} =")
        if data.n_features > shown:
            lines.append(f"… {data.n_features - shown} more features")
    customdata = np.empty((len(index), len(columns)), dtype=object)  # numbers and names side by side
    for j, values in enumerate(columns):
        customdata[:, j] = values
    return customdata, "<br>".join(lines) + "<extra></extra>"


def _row_of(point: dict) -> int | None:
    """The data-set row of a selected point: its first customdata value (a list, or an
    index-keyed object when the trace's data travelled as a typed array)."""
    data = point.get("customdata")
    if isinstance(data, dict):
        data = [data[key] for key in sorted(data, key=int)]
    return int(data[0]) if data else None


def remember_selection(run: ShownRun, key: str, event) -> None:
    """Keep the data-set rows of a box or lasso selection for their pictures (point_pictures.py), as this
    run's selection."""
    points = (event or {}).get("selection", {}).get("points", [])
    selection.take_event(run, key, sorted({row for row in map(_row_of, points) if row is not None}))


def pretrained_entry(entries: list[Entry]) -> Entry | None:
    """The first clustering snapshot: the autoencoder space exactly as pretraining left it."""
    return next((e for e in entries if e.snapshot.phase == "cluster"), None)


def autoencoder_panel(run: ShownRun, entries: list[Entry], entry: Entry, colour_by: str, highlight: bool,
                      height: int = PANEL_HEIGHT, lecture: bool = False) -> None:
    show_pretrained = st.toggle("Show the pretrained space", key="show_pretrained",
                                help="The autoencoder space before clustering began: the 'before' of before/after.")
    shown = pretrained_entry(entries) if show_pretrained else entry
    if shown is None:
        st.caption("Clustering has not started yet: this is still the pretraining space.")
        shown = entry
    run.frames.look_at(shown.seq)
    layout, axes, note = frame_of(run, entries, shown)
    title = "Autoencoder space" + (" (pretrained)" if show_pretrained else "")
    draw_points(run, shown, layout, title, axes, colour_by, highlight, None, "autoencoder_panel", height, lecture)
    st.caption(f"{epoch_name(shown)}: {note}")


def epoch_name(entry: Entry) -> str:
    """The epoch a panel shows, as its caption names it: "Pretraining epoch 3", "Clustering start" (the method's
    initial clusters), "Clustering epoch 7"."""
    s = entry.snapshot
    if s.phase == "pretrain":
        return f"Pretraining epoch {s.epoch}"
    return "Clustering start" if s.epoch == 0 else f"Clustering epoch {s.epoch}"


def frame_of(run: ShownRun, entries: list[Entry], shown: Entry) -> tuple[np.ndarray, tuple[str, str], str]:
    """The 2-D layout to draw `shown` with, its axis names, and a note saying whose frame it is."""
    nearest = run.frames.nearest(shown.seq)
    if nearest is None:
        note = ("UMAP is starting (its first start on a machine compiles it: about 25 s; later starts take a "
                "few seconds; clustering waits for it); principal axes meanwhile" if not projection.is_ready()
                else "principal axes until the first UMAP frame is ready")
        return projection.pca_layout(shown.snapshot.embedding), ("principal axis 1", "principal axis 2"), note
    seq, layout = nearest
    if seq == shown.seq:
        return layout, ("UMAP 1", "UMAP 2"), OWN_FRAME_NOTE
    seqs = [e.seq for e in entries]
    behind = seqs.index(shown.seq) - seqs.index(seq) if seq in seqs and shown.seq in seqs else None
    if behind is not None and behind > 0:
        epochs = f"{behind} epoch{'s' if behind > 1 else ''} behind"
        return layout, ("UMAP 1", "UMAP 2"), f"UMAP frame {epochs} (this epoch's frame is on its way)"
    return layout, ("UMAP 1", "UMAP 2"), "UMAP frame of a nearby epoch (this epoch's frame is on its way)"


def clustering_panel(run: ShownRun, entry: Entry, colour_by: str, highlight: bool, height: int = PANEL_HEIGHT,
                     lecture: bool = False) -> None:
    """The method's own space, with its note and, but in the lecture layout (which draws it beside the
    panels), its spectrum beneath."""
    view = entry.snapshot.view
    names = list(view.axis_names)
    key = f"axes:{run.config.method}:{view.title}"
    with st.container(horizontal=True):  # as tall as the autoencoder panel's toggle, so both panels line up
        x = st.selectbox("x axis", range(len(names)), index=view.default_axes[0], key=key + ":x",
                         format_func=lambda i: f"x: {names[i]}", label_visibility="collapsed")
        y = st.selectbox("y axis", range(len(names)), index=view.default_axes[1], key=key + ":y",
                         format_func=lambda i: f"y: {names[i]}", label_visibility="collapsed")
    centroids = None if view.centroids is None else view.centroids[:, [x, y]]
    draw_points(run, entry, view.coords[:, [x, y]], view.title, (names[x], names[y]), colour_by, highlight, centroids,
                "clustering_panel", height, lecture)
    if view.note:
        st.caption(view.note)
    if not lecture:
        spectrum_chart(view)


def spectrum_chart(view: ClusterView, height: int = SPECTRUM_HEIGHT, lecture: bool = False) -> None:
    """The method's spectrum (DEKM: the eigenvalues of S_w), when its view has one."""
    if view.spectrum is not None:
        live_chart(spectrum_figure(view.spectrum, view.spectrum_name, reference=view.spectrum_reference, height=height),
                   "spectrum", font_size=LECTURE_FONT if lecture else None)
