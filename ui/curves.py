"""The live curves: metrics, every loss term, label changes, extra scalars and cluster sizes."""
from __future__ import annotations

import numpy as np
import streamlit as st

from deepclust_core.runs.shown_run import Entry

from .charts import LECTURE_FONT, curves_figure
from .live_chart import live_chart


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


def epoch_axis(entries: list[Entry], selected: Entry, pretrain_epochs: int) -> tuple[np.ndarray, int, int | None]:
    """Every entry's place on the run's epoch axis, the selected one's, and where clustering starts."""
    x = np.array([global_epoch(e, pretrain_epochs) for e in entries])
    boundary = next((global_epoch(e, pretrain_epochs) for e in entries if e.snapshot.phase == "cluster"), None)
    return x, global_epoch(selected, pretrain_epochs), boundary


def metric_chart(entries: list[Entry], selected: Entry, pretrain_epochs: int, height: int = 260,
                 lecture: bool = False) -> None:
    """ACC / NMI / ARI over the run, the AE + k-means ACC dashed across it."""
    metrics = {name.upper(): values for name, values in series(entries, "metrics").items()}
    if not metrics:
        st.info("The data has no labels, so there is no ACC / NMI / ARI; losses and label changes still show learning.")
        return
    x, marker, boundary = epoch_axis(entries, selected, pretrain_epochs)
    reference = entries[-1].snapshot.reference_metrics
    references = {"AE + k-means ACC": reference["acc"]} if "acc" in reference else {}
    figure = curves_figure(x, metrics, "ACC / NMI / ARI", marker, references, boundary, height=height,
                           compact=lecture)
    live_chart(figure, "metric_curves", font_size=LECTURE_FONT if lecture else None)


def curves(entries: list[Entry], selected: Entry, pretrain_epochs: int, n_clusters: int,
           with_metrics: bool = True, only_losses: bool = False) -> None:
    """Metrics (unless the page shows them elsewhere), loss terms, label changes, cluster sizes and the
    method's own quantities, two charts to a row; `only_losses` leaves out all but the first two."""
    x, marker, boundary = epoch_axis(entries, selected, pretrain_epochs)
    sizes = np.array([e.snapshot.cluster_sizes[:n_clusters] for e in entries])  # (epochs, K)
    scalars = series(entries, "scalars")
    scalars.pop("cached", None)
    charts = [
        ("loss_curves", "Loss terms", loss_series(entries), True),
        ("change_curves", "Fraction of labels that changed",
         {"labels changed since the previous epoch": np.array([e.snapshot.changed for e in entries])}, False),
        ("size_curves", "Cluster sizes", {f"cluster {k}": sizes[:, k] for k in range(n_clusters)}, False),
    ] + ([("scalar_curves", "Method quantities", scalars, False)] if scalars else [])
    if only_losses:
        charts = charts[:1]
    places = st.columns(2) + st.columns(2) + ([st.container()] if len(charts) + with_metrics > 4 else [])
    if with_metrics:
        with places.pop(0):
            metric_chart(entries, selected, pretrain_epochs)
    for place, (key, title, lines, log_y) in zip(places, charts):
        with place:
            live_chart(curves_figure(x, lines, title, marker, None, boundary, log_y=log_y), key)
    warning = collapse_warning(selected)
    if warning:
        st.warning(warning)
