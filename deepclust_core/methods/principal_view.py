"""Shared ways to draw a clustering space when a method has no coordinates of its own."""
from __future__ import annotations

import numpy as np

from ..projection.cluster_view import ClusterView


def principal_view(H: np.ndarray, centroids: np.ndarray | None, title: str, n_axes: int = 4) -> ClusterView:
    """H on its leading principal axes (centred, signs fixed so frames do not flip)."""
    mean = H.mean(axis=0)
    _, singular, vt = np.linalg.svd(H - mean, full_matrices=False)
    n_axes = min(n_axes, vt.shape[0])
    basis = vt[:n_axes].T  # (d, m)
    basis *= np.sign(basis[np.abs(basis).argmax(axis=0), np.arange(n_axes)])  # largest entry positive
    variance = singular[:n_axes] ** 2 / max(len(H) - 1, 1)
    return ClusterView(
        title=title,
        coords=(H - mean) @ basis,
        axis_names=tuple(f"PC{i + 1}" for i in range(n_axes)),
        centroids=None if centroids is None else (centroids - mean) @ basis,
        spectrum=variance,
        spectrum_name="variance per principal axis",
    )
