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

PLANE_SIZE = 150  # grid points a side: 22,500 points (docs/benchmarks.md: the cost of a frame)
MARGIN = 0.08  # the grid reaches this share of the data's range beyond it on every side
# At most this many multiply-adds for a frame's encoder passes. The shipped examples' 2-64-64-128-4 network
# costs 0.3 G for every grid point (about 10 ms a frame on one thread of this machine, docs/benchmarks.md); the
# recipes' 2-500-500-2000-10 would cost 29 G (about 2 s), so its grid is refined from a coarse lattice instead
# (`refined_clusters`: about 900 points on moons, 0.1 % of the grid's clusters differing from every point's).
FRAME_BUDGET = 2e9
COARSE_STEP = 16  # a refined grid starts from every 16th point a side (11 x 11 of 150 x 150), then halves it


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


def encoder_weights(autoencoder: Autoencoder) -> int:
    """Multiply-adds of one point's encoder pass: the weights of the encoder's layers."""
    return sum(p.numel() for name, p in autoencoder.encoder.named_parameters() if name.endswith("weight"))


def plane_step(autoencoder: Autoencoder, size: int = PLANE_SIZE) -> int | None:
    """The lattice a frame starts from (`refined_clusters`): 1, every grid point, when they fit FRAME_BUDGET;
    COARSE_STEP when its lattice takes at most a third of the budget (the refinement classifies about 6 times
    as many points on moons, in bfloat16, 3 times as fast);
    None (no plane) for a network larger still."""
    weights = encoder_weights(autoencoder)
    if weights * size * size <= FRAME_BUDGET:
        return 1
    lattice = -(-(size - 1) // COARSE_STEP) + 1
    return COARSE_STEP if 3 * weights * lattice * lattice <= FRAME_BUDGET else None


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
                clusters_of: Callable[[np.ndarray], np.ndarray], centroids: np.ndarray | None,
                step: int = 1) -> InputPlane:
    """The plane of the model as it is now: each grid point's cluster, `clusters_of(f(x))` (the method's rule,
    in the ids the run shows), found by `refined_clusters` from a lattice of `step` (1: every point), and the
    decoded `centroids` (K, d_emb; row k: cluster k), if any. A refined grid (step > 1, a large network) passes
    the encoder in bfloat16 where the CPU has it natively (3 times faster on this machine's AVX-512); its
    clusters are then those of f(x) to about 3 significant digits."""
    import torch

    device = next(autoencoder.parameters()).device
    low_precision = step > 1 and device.type == "cpu" and torch.ops.mkldnn._is_mkldnn_bf16_supported()

    def classify(points: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            with torch.autocast("cpu", torch.bfloat16, enabled=low_precision):  # the encoder only: not the rule
                H = autoencoder.encoder(torch.from_numpy(points).to(device))
            return clusters_of(H.float().cpu().numpy())

    x, y = axes
    was_training = autoencoder.training
    autoencoder.eval()
    try:
        clusters = refined_clusters(classify, x, y, step)
    finally:
        autoencoder.train(was_training)
    return InputPlane(x, y, clusters, None if centroids is None else decoded(autoencoder, centroids))


def refined_clusters(classify: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray,
                     step: int) -> np.ndarray:
    """The cluster of every grid point (x[j], y[i]) as (len(y), len(x)) uint8, with `classify` (points (m, 2)
    float32 -> clusters (m,)) called once a level. Level one classifies a lattice: every `step`-th row and
    column and the last. A cell of the lattice whose four corners agree takes their cluster; in the others the
    step halves and the next level classifies the lattice's new points, down to step 1, where every point left
    is classified. Step 1 classifies every point; a larger step misses a region that fits between two lattice
    points without reaching one (a quadtree refinement, as adaptive plotting of implicit curves does)."""
    labels = np.full((len(y), len(x)), -1, np.int16)
    while True:
        rows, cols = _lattice(len(y), step), _lattice(len(x), step)
        corners = labels[np.ix_(rows, cols)]
        r, c = np.nonzero(corners < 0)
        if len(r):
            points = np.column_stack([x[cols[c]], y[rows[r]]]).astype(np.float32)
            labels[rows[r], cols[c]] = classify(points)
            corners = labels[np.ix_(rows, cols)]
        if step == 1:
            return labels.astype(np.uint8)
        first = corners[:-1, :-1]
        agree = (first == corners[1:, :-1]) & (first == corners[:-1, 1:]) & (first == corners[1:, 1:])
        cell_rows = np.minimum(np.arange(len(y)) // step, len(rows) - 2)
        cell_cols = np.minimum(np.arange(len(x)) // step, len(cols) - 2)
        fill = (labels < 0) & agree[np.ix_(cell_rows, cell_cols)]
        labels[fill] = first[np.ix_(cell_rows, cell_cols)][fill]
        step = max(1, step // 2)


def _lattice(size: int, step: int) -> np.ndarray:
    """Every `step`-th index of 0 .. size - 1, and the last."""
    return np.unique(np.append(np.arange(0, size, step), size - 1))


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
