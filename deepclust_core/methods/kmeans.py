"""k-means as every method here uses it: scikit-learn's KMeans, seeded, with its iteration count.

The restarts run one at a time, exactly as KMeans(n_init=...) runs them (one random stream drawn in
turn, the same rule for the best), so that a training run's Pause is honoured between them: on all
70,000 Fashion-MNIST rows, DEKM's first update (100 restarts) takes minutes on a busy 2-core machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class KMeansResult:
    labels: np.ndarray  # (n,)
    centers: np.ndarray  # (K, d)
    n_iter: int


def same_partition(labels: np.ndarray, other: np.ndarray) -> bool:
    """Whether each cluster of `labels` lies inside one cluster of `other` (scikit-learn's test of a restart
    that found the same clustering under other ids)."""
    pairs = np.unique(np.stack([labels, other]), axis=1)
    return pairs.shape[1] == len(np.unique(labels))


def kmeans(H: np.ndarray, n_clusters: int, seed: int, n_init: int = 10, init="k-means++",
           pause_point: Callable[[], bool] | None = None) -> KMeansResult:
    """k-means++ (or the given initial centres) on H; deterministic for a seed. `pause_point` (a run's
    TrainingControl.should_stop) is called between restarts: it holds while the run is paused, and a stop
    keeps the best restart so far."""
    from sklearn.cluster import KMeans  # imported when first needed: seconds the app's first page need not wait

    if not isinstance(init, str):
        n_init = 1
    X = np.asarray(H, dtype=np.float64)
    stream = np.random.RandomState(seed)  # what KMeans(random_state=seed) draws every restart's start from
    best = None
    for restart in range(n_init):
        if restart and pause_point is not None and pause_point():
            break
        model = KMeans(n_clusters=n_clusters, n_init=1, init=init, random_state=stream).fit(X)
        if best is None or (model.inertia_ < best.inertia_ and not same_partition(model.labels_, best.labels_)):
            best = model
    return KMeansResult(best.labels_.astype(np.int64), best.cluster_centers_.astype(np.float32), int(best.n_iter_))
