"""New rows assigned to a finished run's clusters: an uploader under the live view, the result as a
table and a CSV, and the rows drawn in both panels, marked (`add_new_rows`, called by the panels).

The rows are assigned with the run's stored preprocessing, weights and method state
(deepclust_core.runs.predict). Neither UMAP nor the method's view is refitted: a new row is drawn at
the distance-weighted mean position of its NEIGHBOURS nearest shown rows in the embedding.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from deepclust_core import DataError
from deepclust_core.runs.row_table import RowTable
from deepclust_core.runs.shown_run import Entry, ShownRun

from . import access
from .charts import colour

STATE = "new_rows"  # session state: {"run": run id, "seq": snapshot, "table": RowTable, "name": file name}
NEIGHBOURS = 5
MOST_DRAWN = 1000  # new rows drawn in the panels (the CSV has them all)


def _assign(run_id: str, key: str) -> None:
    """The uploader's callback: assign the file's rows before the page (and its panels) redraws."""
    from deepclust_core.runs.predict import predict_bytes

    from .run_library import store_of

    access.require_change()
    upload = st.session_state.get(key)
    st.session_state[STATE] = None
    if upload is None:
        return
    store = store_of(run_id)
    try:
        table = predict_bytes(store, run_id, upload.getvalue(), upload.name,
                              bool(st.session_state.get(f"{key}:drop_missing")))
    except (DataError, ValueError) as error:
        st.session_state[STATE] = {"run": run_id, "error": str(error)}
        return
    seq = int(store.run_arrays(run_id, "assigner")["seq"])
    st.session_state[STATE] = {"run": run_id, "seq": seq, "table": table, "name": upload.name}


def shown(run: ShownRun) -> dict | None:
    """This run's assigned new rows, if any."""
    state = st.session_state.get(STATE)
    return state if state and state["run"] == run.run_id and "table" in state else None


def new_rows_section(run: ShownRun | None) -> None:
    """The uploader, once the run has ended, and what became of the rows."""
    if run is None or run.run_id is None or run.active or not access.can_change():
        return
    key = f"new_rows_file:{run.run_id}"
    state = st.session_state.get(STATE)
    with st.expander("Assign new rows to this run's clusters", expanded=bool(state and state["run"] == run.run_id)):
        st.file_uploader("New rows: the run's columns (CSV, by name or in order), .npy / .npz, or a .zip of images",
                         type=["csv", "npy", "npz", "zip"], key=key, on_change=_assign, args=(run.run_id, key),
                         help="Scaled, ordered and resized as the run's data was, then assigned with the run's last "
                              "weights and method state. Files are read as numbers or pictures only; arrays hold "
                              "values in the units of the run's file.")
        st.checkbox("Drop rows with missing values", key=f"{key}:drop_missing", on_change=_assign,
                    args=(run.run_id, key),
                    help="Rows with an empty or NA cell are left out; the results' `row` column says which are kept.")
        if state and state["run"] == run.run_id and "error" in state:
            st.error(state["error"], icon=":material/error:")
            return
        found = shown(run)
        if found is None:
            st.caption("Rows from the same source as the training data: they appear in both panels as diamonds.")
            return
        table: RowTable = found["table"]
        counts = ", ".join(f"cluster {k}: {n}" for k, n in zip(*np.unique(table.cluster, return_counts=True)))
        drawn = "" if len(table) <= MOST_DRAWN else f" (the first {MOST_DRAWN} are drawn)"
        st.caption(f"{len(table)} rows of {found['name']} assigned{drawn}: {counts}. They are drawn at the last epoch, "
                   f"each at the mean place of its {NEIGHBOURS} nearest training rows in the embedding.")
        st.download_button("Their per-row results (CSV)", table.to_csv(), f"{found['name']}-{run.run_id}.csv",
                           "text/csv", on_click="ignore", key="new_rows_csv")
        st.dataframe(table.columns(), height=240)


def add_new_rows(figure: go.Figure, run: ShownRun, entry: Entry, xy: np.ndarray, by_cluster: bool) -> None:
    """Draw the run's assigned new rows on a point panel showing `entry` at positions `xy`, as marked
    diamonds (coloured by their cluster when the panel is)."""
    found = shown(run)
    if found is None or found["seq"] != entry.seq:
        return
    table: RowTable = found["table"]
    embedding = table.embedding[:MOST_DRAWN]
    places = neighbour_places(entry.snapshot.embedding, xy, embedding)
    clusters = table.cluster[:MOST_DRAWN]
    figure.add_trace(dict(
        type=figure.data[0].type if figure.data else "scatter", x=places[:, 0], y=places[:, 1], mode="markers",
        name="new rows", text=[f"new row {r}<br>cluster {c}" for r, c in zip(table.rows, clusters)],
        hovertemplate="%{text}<extra></extra>",
        marker=dict(symbol="diamond", size=11, line=dict(color="black", width=1.5),
                    color=[colour(int(c)) for c in clusters] if by_cluster else "white"),
    ))


def neighbour_places(embedding: np.ndarray, xy: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Each new embedded row's place: the inverse-distance weighted mean of the places `xy` of its
    NEIGHBOURS nearest rows of `embedding`."""
    embedding, new = np.asarray(embedding, dtype=np.float32), np.asarray(new, dtype=np.float32)
    squared = np.maximum((new ** 2).sum(1)[:, None] - 2 * new @ embedding.T + (embedding ** 2).sum(1)[None], 0)
    k = min(NEIGHBOURS, len(embedding))
    nearest = np.argpartition(squared, k - 1, axis=1)[:, :k]
    weights = 1.0 / (np.sqrt(np.take_along_axis(squared, nearest, axis=1)) + 1e-6)
    return (weights[..., None] * xy[nearest]).sum(1) / weights.sum(1, keepdims=True)
