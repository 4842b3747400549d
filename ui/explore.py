"""The Explore page's pieces: confusion, cluster galleries, decoded centres, restless points."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from scipy.optimize import linear_sum_assignment

from deepclust_core.images import to_picture
from deepclust_core.live import Entry, LiveRun
from deepclust_core.metrics import contingency

from .charts import MARGIN, colour
from .gallery import items, sharp

PER_GALLERY = 12


def confusion_figure(labels: np.ndarray, truth: np.ndarray, class_names: tuple[str, ...] | None) -> go.Figure:
    """Clusters (rows, renamed to their Hungarian-matched class) against true classes (columns)."""
    w = contingency(labels, truth)  # (D, D) clusters x classes
    rows, cols = linear_sum_assignment(-w)
    order = rows[np.argsort(cols)]  # the cluster matched to class 0 first, ...
    used = [c for c in range(w.shape[1]) if w[:, c].sum() > 0]
    names = [class_names[c] if class_names and c < len(class_names) else f"class {c}" for c in used]
    matrix = w[np.ix_(order, used)][: len(used) + max(0, w.shape[0] - len(used))]
    figure = go.Figure(go.Heatmap(z=matrix, x=names, y=[f"cluster {k}" for k in order[: len(matrix)]],
                                  colorscale="Blues", text=matrix, texttemplate="%{text}", hoverongaps=False))
    figure.update_layout(title="Clusters against labels (Hungarian-matched: the diagonal is correct)",
                         height=120 + 32 * len(matrix), margin=MARGIN, yaxis=dict(autorange="reversed"))
    return figure


def sizes_figure(sizes: np.ndarray) -> go.Figure:
    figure = go.Figure(go.Bar(x=[f"cluster {k}" for k in range(len(sizes))], y=sizes,
                              marker_color=[colour(k) for k in range(len(sizes))]))
    figure.update_layout(title="Cluster sizes (all rows)", height=260, margin=MARGIN)
    return figure


def distances_to_centres(entry: Entry) -> np.ndarray:
    """(n_display, K) squared distances in the autoencoder space (cluster means when no centroids)."""
    snapshot = entry.snapshot
    H, labels = snapshot.embedding, snapshot.display_labels
    centres = snapshot.centroids
    if centres is None:
        centres = np.stack([H[labels == k].mean(axis=0) if (labels == k).any() else np.full(H.shape[1], np.inf)
                            for k in range(len(snapshot.cluster_sizes))])
    return ((H[:, None, :] - centres[None]) ** 2).sum(-1)


def cluster_galleries(run: LiveRun, entry: Entry, cluster: int) -> None:
    """The most central and the least confident members of one cluster (display rows)."""
    snapshot = entry.snapshot
    distances = distances_to_centres(entry)
    members = np.flatnonzero(snapshot.display_labels == cluster)
    if len(members) == 0:
        st.info(f"Cluster {cluster} has no members among the displayed points.")
        return
    own = distances[members, cluster]
    nearest_other = np.sort(np.delete(distances[members], cluster, axis=1), axis=1)[:, 0]
    margin = (np.sqrt(nearest_other) - np.sqrt(own)) / np.maximum(np.sqrt(nearest_other), 1e-12)
    central, doubtful = st.columns(2)
    with central:
        st.markdown("**Most central** (closest to the cluster centre)")
        rows = members[np.argsort(own)[:PER_GALLERY]]
        items(run.data, snapshot.display_index[rows], snapshot.display_labels[rows])
    with doubtful:
        st.markdown("**Least confident** (nearly as close to another centre)")
        rows = members[np.argsort(margin)[:PER_GALLERY]]
        items(run.data, snapshot.display_index[rows], snapshot.display_labels[rows])


def decoded_centres(run: LiveRun, entry: Entry) -> None:
    """Each cluster centre sent back through the decoder: what the model thinks a cluster looks like."""
    centres = entry.snapshot.centroids
    if centres is None or not run.data.is_image:
        return
    pictures = run.decode(centres)
    st.image([sharp(to_picture(p, run.data.image_shape), 72) for p in pictures], width=72,
             caption=[f"cluster {k}" for k in range(len(pictures))])


def restless_points(run: LiveRun, entries: list[Entry], count: int = 24) -> None:
    """The displayed points whose cluster changed most often during training."""
    labels = np.stack([e.snapshot.display_labels for e in entries])  # (epochs, n_display)
    changes = (np.diff(labels, axis=0) != 0).sum(axis=0)
    order = np.argsort(-changes, kind="stable")[:count]
    order = order[changes[order] > 0]
    if len(order) == 0:
        st.info("No displayed point has changed cluster yet.")
        return
    st.caption("Changes per point: " + ", ".join(f"#{run.history()[0].snapshot.display_index[i]}: {changes[i]}"
                                                 for i in order[:12]) + ("…" if len(order) > 12 else ""))
    newest = entries[-1].snapshot
    items(run.data, newest.display_index[order], newest.display_labels[order])
