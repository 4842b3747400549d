"""The live curves: metrics, every loss term, label changes, extra scalars and cluster sizes."""
from __future__ import annotations

import numpy as np
import streamlit as st

from deepclust_core.run_view import Entry

from .charts import curves_figure


def global_epoch(entry: Entry, pretrain_epochs: int) -> int:
    """Pretraining epochs first, then clustering epochs, on one axis."""
    s = entry.snapshot
    return s.epoch if s.phase == "pretrain" else pretrain_epochs + s.epoch


def series(entries: list[Entry], field: str) -> dict[str, np.ndarray]:
    """One array per key of a mapping field (losses, metrics, scalars); NaN where absent."""
    names = list(dict.fromkeys(name for e in entries for name in getattr(e.snapshot, field)))
    return {name: np.array([getattr(e.snapshot, field).get(name, np.nan) for e in entries]) for name in names}


def loss_series(entries: list[Entry]) -> dict[str, np.ndarray]:
    """Every loss term by name; "total" only in epochs where it sums more than one term."""
    def terms(entry: Entry) -> dict[str, float]:
        losses = dict(entry.snapshot.losses)
        if len(losses) == 2:
            losses.pop("total", None)
        return losses

    per_epoch = [terms(e) for e in entries]
    names = list(dict.fromkeys(name for losses in per_epoch for name in losses))
    return {name: np.array([losses.get(name, np.nan) for losses in per_epoch]) for name in names}


def collapse_warning(entry: Entry) -> str | None:
    sizes = entry.snapshot.cluster_sizes
    n_rows = int(sizes.sum())  # every row, not only the displayed ones
    smallest = int(sizes.argmin())
    if sizes[smallest] == 0:
        return f"Cluster {smallest} is empty: the method has collapsed to fewer than K clusters."
    if sizes[smallest] < 0.01 * n_rows:
        return f"Cluster {smallest} holds only {sizes[smallest]} points ({sizes[smallest] / n_rows:.1%}): it may be collapsing."
    return None


def curves(entries: list[Entry], selected: Entry, pretrain_epochs: int, n_clusters: int) -> None:
    x = np.array([global_epoch(e, pretrain_epochs) for e in entries])
    marker = global_epoch(selected, pretrain_epochs)
    boundary = next((global_epoch(e, pretrain_epochs) for e in entries if e.snapshot.phase == "cluster"), None)
    reference = entries[-1].snapshot.reference_metrics
    charts = st.columns(2)
    metrics = {name.upper(): values for name, values in series(entries, "metrics").items()}
    if metrics:
        references = {"AE + k-means ACC": reference["acc"]} if "acc" in reference else {}
        charts[0].plotly_chart(curves_figure(x, metrics, "ACC / NMI / ARI", marker, references, boundary),
                               key="metric_curves", width="stretch")
    else:
        charts[0].info("The data has no labels, so there is no ACC / NMI / ARI; losses and label changes still show learning.")
    charts[1].plotly_chart(curves_figure(x, loss_series(entries), "Loss terms", marker, None, boundary, log_y=True),
                           key="loss_curves", width="stretch")
    changes = {"labels changed since the previous epoch": np.array([e.snapshot.changed for e in entries])}
    charts = st.columns(2)
    charts[0].plotly_chart(curves_figure(x, changes, "Fraction of labels that changed", marker, None, boundary),
                           key="change_curves", width="stretch")
    sizes = np.array([e.snapshot.cluster_sizes[:n_clusters] for e in entries])  # (epochs, K)
    charts[1].plotly_chart(curves_figure(x, {f"cluster {k}": sizes[:, k] for k in range(n_clusters)},
                                         "Cluster sizes", marker, None, boundary),
                           key="size_curves", width="stretch")
    scalars = series(entries, "scalars")
    scalars.pop("cached", None)
    if scalars:
        st.plotly_chart(curves_figure(x, scalars, "Method quantities", marker, None, boundary),
                        key="scalar_curves", width="stretch")
    warning = collapse_warning(selected)
    if warning:
        st.warning(warning)
