"""The Explore page's pieces: the run to explore, confusion, cluster members, decoded centres,
restless points. A run training in this tab holds every row's label; a stored run only its
displayed points' (the run store keeps labels and truth of those), and the captions say which."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from deepclust_core.data.images import to_picture
from deepclust_core.evaluation.metrics import best_matching, contingency
from deepclust_core.runs.shown_run import Entry, ShownRun
from deepclust_core.runs.stored_run import StoredRun

from . import run_library
from .charts import MARGIN, colour
from .point_pictures import point_pictures, sharp
from .run_state import current_run

THIS_TAB = "this tab's run"  # the picker's option for the live run (stored runs are named by their id)
MEMBERS_SHOWN = 12


def pick_run() -> ShownRun | None:
    """A picker of this tab's run (if any) and every stored run, the user's and the examples.
    Default: this tab's run, else the run open on the Runs page, else the newest stored one with an epoch."""
    live = current_run()
    stored = {r.id: r for r in run_library.records() if live is None or r.id != live.run_id}
    options = ([THIS_TAB] if live is not None else []) + list(stored)
    if not options:
        return None
    opened = st.session_state.get("opened_run")
    newest_with_epochs = next((run_id for run_id, record in stored.items() if record.n_snapshots), options[0])
    default = THIS_TAB if live is not None else opened if opened in stored else newest_with_epochs

    def name(option: str) -> str:
        if option == THIS_TAB:
            return f"This tab's run ({live.status}): {live.config.method} on {live.data.name}"
        return stored[option].label

    chosen = st.selectbox("Run", options, index=options.index(default), format_func=name, key="explore:run")
    return live if chosen == THIS_TAB else run_library.open_run(chosen)


def confusion(run: ShownRun, entry: Entry) -> None:
    """The confusion heatmap of the newest labels, on every row the run holds labels of: all rows
    for a run training here, the displayed points for a stored run."""
    labels, total = run.final_labels, int(entry.snapshot.cluster_sizes.sum())
    rows_shown = f"all {total} rows" if len(labels) == total else f"the {len(labels)} displayed points"
    st.plotly_chart(confusion_figure(labels, run.data.y, run.data.class_names, rows_shown), width="stretch")
    if len(labels) < total:
        st.caption(f"On the {len(labels)} displayed points of {total}: the run store keeps labels and truth "
                   "of the displayed points only.")


def confusion_figure(labels: np.ndarray, truth: np.ndarray, class_names: tuple[str, ...] | None,
                     rows_shown: str) -> go.Figure:
    """Clusters (rows, renamed to their Hungarian-matched class) against true classes (columns);
    `rows_shown` names the points counted ("all 1797 rows")."""
    w = contingency(labels, truth)  # (D, D) clusters x classes
    rows, cols = best_matching(w)
    order = rows[np.argsort(cols)]  # the cluster matched to class 0 first, ...
    used = [c for c in range(w.shape[1]) if w[:, c].sum() > 0]
    names = [class_names[c] if class_names and c < len(class_names) else f"class {c}" for c in used]
    matrix = w[np.ix_(order, used)][: len(used) + max(0, w.shape[0] - len(used))]
    figure = go.Figure(go.Heatmap(z=matrix, x=names, y=[f"cluster {k}" for k in order[: len(matrix)]],
                                  colorscale="Blues", text=matrix, texttemplate="%{text}", hoverongaps=False))
    figure.update_layout(title=f"Clusters against labels on {rows_shown} (Hungarian-matched: the diagonal is correct)",
                         height=120 + 32 * len(matrix), margin=MARGIN, yaxis={"autorange": "reversed"})
    return figure


def sizes_figure(sizes: np.ndarray) -> go.Figure:
    """Every row's cluster counted (stored snapshots keep these counts for all rows too)."""
    figure = go.Figure(go.Bar(x=[f"cluster {k}" for k in range(len(sizes))], y=sizes,
                              marker_color=[colour(k) for k in range(len(sizes))]))
    figure.update_layout(title=f"Cluster sizes (all {int(sizes.sum())} rows)", height=260, margin=MARGIN)
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


def cluster_members(run: ShownRun, entry: Entry, cluster: int) -> None:
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
        rows = members[np.argsort(own)[:MEMBERS_SHOWN]]
        point_pictures(run.data, snapshot.display_index[rows], snapshot.display_labels[rows])
    with doubtful:
        st.markdown("**Least confident** (nearly as close to another centre)")
        rows = members[np.argsort(margin)[:MEMBERS_SHOWN]]
        point_pictures(run.data, snapshot.display_index[rows], snapshot.display_labels[rows])


def decoded_centres(run: ShownRun, entries: list[Entry]) -> None:
    """Each centre of the newest snapshot sent back through the decoder: what the model thinks a
    cluster looks like. A stored run decodes with the newest weights the store kept up to then."""
    newest = entries[-1]
    centres = newest.snapshot.centroids
    if centres is None or not run.data.is_image:
        return
    if isinstance(run, StoredRun):
        kept = run.weights_seq(newest.seq)
        if kept is None:
            st.caption("The run store kept no autoencoder weights for this run up to this epoch, "
                       "so its centres cannot be decoded.")
            return
        if kept != newest.seq:
            step = next(e.snapshot.step_name for e in entries if e.seq == kept)
            st.caption(f"Decoded with the weights stored at {step}, the newest kept (the centres are from "
                       f"{newest.snapshot.step_name}).")
        pictures = run.decode(centres, newest.seq)
    else:
        pictures = run.decode(centres)
    st.image([sharp(to_picture(p, run.data.image_shape), 72) for p in pictures], width=72,
             caption=[f"cluster {k}" for k in range(len(pictures))])


def restless_points(run: ShownRun, entries: list[Entry], count: int = 24) -> None:
    """The displayed points whose cluster changed most often during training."""
    labels = np.stack([e.snapshot.display_labels for e in entries])  # (epochs, n_display)
    changes = (np.diff(labels, axis=0) != 0).sum(axis=0)
    order = np.argsort(-changes, kind="stable")[:count]
    order = order[changes[order] > 0]
    if len(order) == 0:
        st.info("No displayed point has changed cluster yet.")
        return
    newest = entries[-1].snapshot
    st.caption(f"Changes per point, over the {len(entries)} epochs kept: "
               + ", ".join(f"#{newest.display_index[i]}: {changes[i]}" for i in order[:12])
               + ("…" if len(order) > 12 else ""))
    point_pictures(run.data, newest.display_index[order], newest.display_labels[order])
