"""Every row's result at a snapshot, beyond its label: its embedding, the method's confidence in
its cluster, and what assigns new rows the same way. The recorder attaches them to each snapshot;
the store keeps those of a run's newest snapshot when the run ends (rows.npz, assigner.npz).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.dataset import Dataset
from ..data.frozen import frozen_array
from ..methods.assigners import DISTANCE, Assigner, assigner_of, confidence_name, distance_to_centre, row_confidence
from ..runs.files import compact
from .snapshot import Snapshot


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


def stored_arrays(seq: int, snapshot: Snapshot, data: Dataset, dtype: str) -> tuple[dict, dict | None]:
    """What rows.npz and assigner.npz keep of snapshot `seq`, one with RowResults (None: no assigner)."""
    rows = snapshot.rows
    arrays = {"seq": np.array(seq), "labels": compact(snapshot.labels), "confidence": rows.confidence,
              "confidence_name": np.array(rows.confidence_name), "embedding": compact(rows.embedding, dtype),
              "rows": data.rows_in_file()}
    if data.y is not None:
        arrays["y"] = compact(data.y)
    if data.ids is not None:
        arrays["ids"] = data.ids
    return arrays, None if rows.assigner is None else {"seq": np.array(seq), **rows.assigner.to_arrays()}
