"""A look at the data before training: shape, value range, what was done to the file, label counts,
first rows (named columns, the file's units) or images."""
from __future__ import annotations

import numpy as np
import streamlit as st

from deepclust_core import Dataset

from .charts import label_counts_figure
from .point_pictures import point_pictures


def data_preview(data: Dataset) -> None:
    shape = f"{data.n_samples:,} rows × {data.n_features:,} features"
    if data.is_image:
        channels, height, width = data.image_shape
        shape += f" ({height}×{width} {'grey' if channels == 1 else 'colour'} images)"
    cells = st.columns(3)
    cells[0].metric("Shape", f"{data.n_samples:,} × {data.n_features:,}", help=shape)
    cells[1].metric("Value range", f"{data.X.min():.3g} … {data.X.max():.3g}", help=f"after scaling: {data.scaling}")
    cells[2].metric("Classes", data.n_classes if data.y is not None else "no labels")
    st.caption(f"{data.name}: {shape}; {data.preprocessing()}."
               + ("" if data.is_image else " The rows below are in the file's own units."))
    if data.y is not None:
        ids, counts = np.unique(data.y, return_counts=True)
        names = [data.class_name(i) for i in ids]
        # Plotly, like the live view: its chart code then loads while the user reads the preview,
        # not after Start, when it used to delay the first frame by about a second.
        st.plotly_chart(label_counts_figure(names, counts), width="stretch", key="preview_label_counts")
    point_pictures(data, np.arange(min(16 if data.is_image else 8, data.n_samples)), None)
