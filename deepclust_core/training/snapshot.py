"""What the training loop yields once per epoch: plain numpy and floats, never tensors.

Snapshots are immutable (frozen dataclasses, read-only arrays, read-only mappings), so the
UI, the run store and the CLI can hold them without copying and without racing the trainer.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Mapping

import numpy as np

from ..data.frozen import frozen_array, frozen_mapping
from ..projection.cluster_view import ClusterView

if TYPE_CHECKING:
    from .input_plane import InputPlane
    from .row_results import RowResults


def display_subsample(n: int, size: int, seed: int) -> np.ndarray:
    """The fixed, seeded rows every snapshot shows (all rows when there are few)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


MAPPINGS = ("losses", "metrics", "scalars", "reference_metrics")  # a Snapshot's read-only mappings


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The state of a run at the end of one epoch (of pretraining or of clustering)."""

    phase: str  # "pretrain" or "cluster"
    epoch: int  # 1-based within the phase
    epochs_in_phase: int  # planned epochs of this phase (the method may stop earlier)
    losses: Mapping[str, float]  # every loss term by name, epoch means, "total" included
    labels: np.ndarray  # (n,) cluster of every point, ids aligned to the previous snapshot
    metrics: Mapping[str, float]  # acc, nmi, ari when ground truth is known, else empty
    changed: float  # fraction of labels that changed since the previous snapshot
    cluster_sizes: np.ndarray  # (K,)
    display_index: np.ndarray  # (n_display,) rows of the data set shown in the panels
    embedding: np.ndarray  # (n_display, d_emb) autoencoder space
    centroids: np.ndarray | None  # (K, d_emb) in the autoencoder space, when the method has them
    view: ClusterView  # the method's own clustering space
    seconds: float  # wall time of this epoch, snapshot included
    elapsed: float  # wall time since the run started
    device: str = "cpu"
    converged: bool = False  # the method's stopping rule fired at this epoch
    scalars: Mapping[str, float] = field(default_factory=dict)  # extra curves: alpha, learning rate...
    reference_metrics: Mapping[str, float] = field(default_factory=dict)  # AE + k-means on the pretrained embedding
    labels_cover_display_only: bool = False  # True in the light copies made by for_display()
    rows: RowResults | None = None  # every row's embedding and confidence, and the state that assigns new rows
    plane: InputPlane | None = None  # data of two columns: the cluster of every point of a grid over the data

    def __post_init__(self):
        for name in ("labels", "cluster_sizes", "display_index"):
            object.__setattr__(self, name, frozen_array(getattr(self, name), np.int64))
        object.__setattr__(self, "embedding", frozen_array(self.embedding, np.float32))
        if self.centroids is not None:
            object.__setattr__(self, "centroids", frozen_array(self.centroids, np.float32))
        for name in MAPPINGS:
            object.__setattr__(self, name, frozen_mapping(getattr(self, name)))

    def __getstate__(self) -> dict:
        """Pickled with plain dicts (a read-only mapping cannot be pickled), e.g. in a fitted DeepClusterer."""
        return {**self.__dict__, **{name: dict(getattr(self, name)) for name in MAPPINGS}}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, frozen_mapping(value) if name in MAPPINGS else value)

    @property
    def display_labels(self) -> np.ndarray:
        """Labels of the display rows, in the order of `display_index`."""
        return self.labels if self.labels_cover_display_only else self.labels[self.display_index]

    @property
    def step_name(self) -> str:
        return f"{self.phase} {self.epoch}/{self.epochs_in_phase}"

    def for_display(self) -> "Snapshot":
        """A light copy that keeps labels of the display subsample only (for long histories)."""
        if self.labels_cover_display_only:
            return self
        return replace(self, labels=self.display_labels, labels_cover_display_only=True, rows=None)
