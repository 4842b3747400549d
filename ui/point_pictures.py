"""What is behind points: pictures (image data) or feature values (tables), with labels and clusters."""
from __future__ import annotations

import numpy as np
import streamlit as st

from deepclust_core import Dataset
from deepclust_core.data.dataset import round_for_reading
from deepclust_core.data.images import to_picture
from deepclust_core.runs.shown_run import ShownRun

from . import selection

MAX_SHOWN = 60


def sharp(picture: np.ndarray, width: int) -> np.ndarray:
    """Enlarge small pictures by repeating pixels, so the browser does not blur them."""
    factor = max(1, width // picture.shape[1])
    return picture.repeat(factor, axis=0).repeat(factor, axis=1)


def point_pictures(data: Dataset, rows: np.ndarray, clusters: np.ndarray | None, width: int = 64) -> None:
    """A grid of pictures or a table of rows (named columns, the file's own units), with ID, label and cluster."""
    rows = np.asarray(rows)[:MAX_SHOWN]
    clusters = None if clusters is None else np.asarray(clusters)[:MAX_SHOWN]
    labels = None if data.y is None else [data.class_name(c) for c in data.y[rows]]
    if data.is_image:
        captions = []
        for i, row in enumerate(rows):
            parts = [str(data.ids[row]) if data.ids is not None else f"#{row}"]
            parts += [] if labels is None else [labels[i]]
            parts += [] if clusters is None else [f"c{clusters[i]}"]
            captions.append(" · ".join(parts))
        st.image([sharp(to_picture(data.X[r], data.image_shape), width) for r in rows], caption=captions, width=width)
        return
    import pandas as pd  # only tables need it; the digits page shows pictures

    table = pd.DataFrame(round_for_reading(data.in_file_units(data.X[rows])), index=pd.Index(rows, name="point"),
                         columns=list(data.column_names()))
    if labels is not None:
        table.insert(0, "label", labels, allow_duplicates=True)
    if clusters is not None:
        table.insert(0, "cluster", clusters, allow_duplicates=True)
    if data.ids is not None:
        table.insert(0, data.id_column or "ID", data.ids[rows], allow_duplicates=True)
    st.dataframe(table, height=min(400, 35 * (len(rows) + 1)))


def selected_points_pictures(run: ShownRun, display_index: np.ndarray, display_labels: np.ndarray) -> None:
    """The points picked with box or lasso in either panel of this run, with their current clusters."""
    rows = selection.selected_rows(run)
    if not rows:
        st.caption("Select points with the box or lasso tool in either panel to see what is behind them.")
        return
    cluster_of = dict(zip(display_index.tolist(), display_labels.tolist()))
    clusters = np.array([cluster_of.get(r, -1) for r in rows])
    header, clear = st.columns([5, 1])
    header.markdown(f"**{len(rows)} selected points**" + (f" (first {MAX_SHOWN} shown)" if len(rows) > MAX_SHOWN else ""))
    if clear.button("Clear selection"):
        selection.clear()
        st.rerun(scope="fragment")
    point_pictures(run.data, np.array(rows), clusters)
