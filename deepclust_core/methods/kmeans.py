"""k-means as every method here uses it: scikit-learn's KMeans, seeded, with its iteration count."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class KMeansResult:
    labels: np.ndarray  # (n,)
    centers: np.ndarray  # (K, d)
    n_iter: int


def kmeans(H: np.ndarray, n_clusters: int, seed: int, n_init: int = 10, init="k-means++") -> KMeansResult:
    """k-means++ (or the given initial centres) on H; deterministic for a seed."""
    from sklearn.cluster import KMeans  # imported when first needed: seconds the app's first page need not wait

    if not isinstance(init, str):
        n_init = 1
    model = KMeans(n_clusters=n_clusters, n_init=n_init, init=init, random_state=seed).fit(np.asarray(H, dtype=np.float64))
    return KMeansResult(model.labels_.astype(np.int64), model.cluster_centers_.astype(np.float32), int(model.n_iter_))
