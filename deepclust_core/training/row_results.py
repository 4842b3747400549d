"""Every row's result at a snapshot, beyond its label: its embedding, the method's confidence in
its cluster, and what assigns new rows the same way. The recorder attaches them to each snapshot;
the store keeps those of a run's newest snapshot when the run ends (rows.npz, assigner.npz:
runs/store/files.stored_arrays), with, for a table, each cluster's moments in the file's units (what
its profile is made of).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.frozen import frozen_array
from ..methods.assigners import DISTANCE, Assigner, assigner_of, confidence_name, distance_to_centre, row_confidence


@dataclass(frozen=True, eq=False)
class RowResults:
    embedding: np.ndarray  # (n, d_emb) float32, every row
    confidence: np.ndarray  # (n,) float32, see confidence_name
    confidence_name: str  # a column name that says what it is: "confidence_max_q", "distance_to_centre"...
    assigner: Assigner | None  # None: new rows cannot be assigned with this snapshot's state

    def __post_init__(self):
        object.__setattr__(self, "embedding", frozen_array(self.embedding, np.float32))
        object.__setattr__(self, "confidence", frozen_array(self.confidence, np.float32))


def method_results(method, H: np.ndarray, method_labels: np.ndarray, cluster_ids: np.ndarray) -> RowResults:
    """A clustering snapshot's results: the method's confidence for its own labels (before they were
    renamed to the shown ids `cluster_ids`), and its state."""
    return RowResults(H, row_confidence(method, H, method_labels), confidence_name(method),
                      assigner_of(method, cluster_ids))


def centre_results(H: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> RowResults:
    """A pretraining snapshot's results: k-means labels (`labels`, ids as shown, `centres` in that order)."""
    return RowResults(H, distance_to_centre(H, centres, labels), DISTANCE, Assigner(None, {"centroids": centres}))
