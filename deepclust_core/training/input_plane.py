"""The input plane: for data of two columns, the cluster that each point of a grid covering the data gets from
the model of one epoch, as TensorFlow Playground paints a network's decision over its inputs (Smilkov et al.,
"Direct-manipulation visualization of deep networks", 2017) and GAN Lab draws a model's regions in the data's
plane (Kahng et al., 2019).

A grid point x goes through the encoder, h = f(x), and gets the cluster the method's own rule gives h: its
`predict` (`Method.predict`, what methods/assigners.py keeps for a stored run and runs/predict.py uses for new
rows), renamed to the ids the run shows; during pretraining, the nearest k-means centre (AE + k-means, as the
pretraining snapshot's assigner). The centres are drawn where the decoder puts them, g(mu_k), for methods whose
centres live in the embedding. The plane is in the coordinates the network reads (the data's scaled columns).

    plane = input_plane(autoencoder, axes, clusters_of, centroids)   # at an epoch end, in training
    plane.clusters                                                   # (size, size) uint8, row i: y[i]

Nothing here imports torch at module level: stored runs read planes back without it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..data.frozen import frozen_array

if TYPE_CHECKING:
    from ..networks.autoencoder import Autoencoder

PLANE_SIZE = 150  # grid points a side: 22,500 points, a frame within 50 ms on 2 cores (docs/benchmarks.md)
MARGIN = 0.08  # the grid reaches this share of the data's range beyond it on every side
# At most this many multiply-adds for a frame's encoder passes: the shipped examples' 2-64-64-128-4 network costs
# 0.3 G (52 to 81 ms at load 18, docs/benchmarks.md); the recipes' 2-500-500-2000-10 costs 29 G, 3 to 4 s a frame,
# more than its training epoch on 1,000 rows, so a run with such a network gets no plane rather than a slow loop.
FRAME_BUDGET = 2e9


@dataclass(frozen=True, eq=False)
class InputPlane:
    x: np.ndarray  # (size,) the grid's columns, in the data's first (scaled) column
    y: np.ndarray  # (size,) the grid's rows, in its second column
    clusters: np.ndarray  # (size, size) uint8: clusters[i, j] is the cluster of the point (x[j], y[i])
    centres: np.ndarray | None = None  # (K, 2) the decoded centres g(mu_k), row k for cluster k; None: no centres

    def __post_init__(self):
        for name in ("x", "y"):
            object.__setattr__(self, name, frozen_array(getattr(self, name), np.float32))
        object.__setattr__(self, "clusters", frozen_array(self.clusters, np.uint8))
        if self.centres is not None:
            object.__setattr__(self, "centres", frozen_array(self.centres, np.float32))

    def points(self) -> np.ndarray:
        """The grid's points, (size * size, 2), in the order of `clusters.ravel()`."""
        return grid_points(self.x, self.y)


def has_plane(n_features: int, image_shape) -> bool:
    """Whether data of this shape gets an input plane: two columns, not an image."""
    return n_features == 2 and image_shape is None


def affordable(autoencoder: Autoencoder, size: int = PLANE_SIZE) -> bool:
    """Whether a frame's encoder passes stay within FRAME_BUDGET (weights of the encoder's layers, one
    multiply-add each a point)."""
    weights = sum(p.numel() for name, p in autoencoder.encoder.named_parameters() if name.endswith("weight"))
    return weights * size * size <= FRAME_BUDGET


def plane_axes(X: np.ndarray, size: int = PLANE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """The grid's columns and rows: `size` values a side covering the data (n, 2) with a margin."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = MARGIN * np.maximum(high - low, 1e-6)
    return (np.linspace(low[0] - pad[0], high[0] + pad[0], size, dtype=np.float32),
            np.linspace(low[1] - pad[1], high[1] + pad[1], size, dtype=np.float32))


def grid_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Every (x[j], y[i]), row-major in i: (len(y) * len(x), 2) float32."""
    xx, yy = np.meshgrid(x, y)
    return np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)


def input_plane(autoencoder: Autoencoder, axes: tuple[np.ndarray, np.ndarray],
                clusters_of: Callable[[np.ndarray], np.ndarray], centroids: np.ndarray | None) -> InputPlane:
    """The plane of the model as it is now: each grid point's cluster, `clusters_of(f(x))` (the method's rule,
    in the ids the run shows), and the decoded `centroids` (K, d_emb; row k: cluster k), if any."""
    import torch

    from .loop import embed

    x, y = axes
    device = next(autoencoder.parameters()).device
    H = embed(autoencoder, torch.tensor(grid_points(x, y), device=device))
    clusters = np.asarray(clusters_of(H)).reshape(len(y), len(x))
    return InputPlane(x, y, clusters, None if centroids is None else decoded(autoencoder, centroids))


def decoded(autoencoder: Autoencoder, points: np.ndarray) -> np.ndarray:
    """g(points): embedded points (K, d_emb) in the input's coordinates, in evaluation mode."""
    import torch

    was_training = autoencoder.training
    autoencoder.eval()
    with torch.no_grad():
        device = next(autoencoder.parameters()).device
        out = autoencoder.decoder(torch.tensor(np.asarray(points, np.float32), device=device)).float().cpu().numpy()
    autoencoder.train(was_training)
    return out.reshape(len(points), -1)
