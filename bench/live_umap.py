"""Live-view budget, measurement 3: the time of one UMAP frame in the projection process
(`deepclust_core.projection.project`, what LiveRun's projector thread calls), cold and
warm-started, and of `align_layout` alone."""
from __future__ import annotations

import time

import numpy as np

from bench.budget import BudgetTable, median, seconds, verdict
from deepclust_core import projection

WARM_TARGET = 1.0  # seconds for one warm-started frame of TARGET_POINTS points
TARGET_POINTS = 5000
EMBEDDING_DIM = 10
CLUSTERS = 10
EPOCH_DRIFT = 0.02  # how far points move between two frames, as a share of the embedding's spread


def blob_embedding(n: int, seed: int = 0) -> np.ndarray:
    """A stand-in for a pretrained embedding: 10 Gaussian clusters in 10-d, unequal spreads (float32)."""
    from sklearn.datasets import make_blobs

    spreads = np.linspace(0.8, 2.0, CLUSTERS)
    H, _ = make_blobs(n, n_features=EMBEDDING_DIM, centers=CLUSTERS, cluster_std=spreads, center_box=(-10, 10),
                      random_state=seed)
    return H.astype(np.float32)


def drift(H: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same points one training epoch later: every point moved a little."""
    return (H + rng.normal(scale=EPOCH_DRIFT * H.std(), size=H.shape)).astype(np.float32)


def timed(function, *args):
    began = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - began, result


def frame_times(n: int, repeats: int, seed: int = 0) -> dict[str, list[float]]:
    """Seconds per `project` call: a first cold call, kept out of the medians (it may compile code
    the warm-up did not reach: UMAP switches to NN-descent from 4,096 points), cold calls
    (previous=None) on the same points, then warm-started frames on points drifting epoch by
    epoch, each from the previous frame's layout."""
    rng = np.random.default_rng(seed)
    H = blob_embedding(n, seed)
    first, layout = timed(projection.project, H, None, seed)
    cold, warm = [], []
    for _ in range(repeats):
        elapsed, layout = timed(projection.project, H, None, seed)
        cold.append(elapsed)
    for _ in range(repeats):
        H = drift(H, rng)
        elapsed, layout = timed(projection.project, H, layout, seed)
        warm.append(elapsed)
    return {"first": [first], "cold": cold, "warm": warm, "align": align_times(layout, rng, max(20, 5 * repeats))}


def align_times(reference: np.ndarray, rng: np.random.Generator, repeats: int) -> list[float]:
    """Seconds per `align_layout` of a rotated, scaled, shifted copy of `reference` onto it."""
    angle = rng.uniform(0, 2 * np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32)
    moved = (reference @ rotation * 1.7 + 3.0).astype(np.float32)
    return [timed(projection.align_layout, moved, reference)[0] for _ in range(repeats)]


def umap_frames(machine: str, sizes: list[int], repeats: int) -> str:
    """Measurement 3: a table row per size, medians of `repeats` frames each, after the warm-up."""
    warm_up, _ = timed(projection.warm_up)
    table = BudgetTable(
        "3. UMAP frame time (projection process)",
        f"one `projection.project` call (request, UMAP, Procrustes alignment, reply) on a {EMBEDDING_DIM}-d "
        f"embedding of {CLUSTERS} Gaussian clusters; cold = previous=None (PCA init, 200 epochs), warm = previous "
        f"frame's layout on points moved by {EPOCH_DRIFT:.0%} of their spread (100 epochs); `align_layout` timed "
        "alone in this process.",
        machine, ["Points", "First call s", "Cold s (median)", "Warm s (median)", "align_layout ms (median)",
                  "Repeats", "Target", "Result"])
    table.notes.append(f"Warm-up (`projection.warm_up()`: start the process, import and compile UMAP): {warm_up:.1f} "
                       "s, not included in the frame times. First call: the first cold frame at that size, kept out "
                       "of the medians. The app projects at most TrainConfig.display_size points per frame (2,000 by "
                       "default).")
    for n in sizes:
        times = frame_times(n, repeats)
        warm = median(times["warm"])
        target = f"warm ≤ {WARM_TARGET:g} s" if n == TARGET_POINTS else "—"
        table.add(f"{n:,}", seconds(times["first"][0]), seconds(median(times["cold"])), seconds(warm),
                  f"{1000 * median(times['align']):.2f}", repeats, target,
                  verdict(warm, WARM_TARGET) if n == TARGET_POINTS else "—")
    if TARGET_POINTS not in sizes:
        table.notes.append(f"The target row ({TARGET_POINTS:,} points) was not measured in this run (--quick).")
    return table.markdown()
