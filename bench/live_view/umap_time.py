"""Live-view budget, measurement 3: the time of one UMAP frame in the projection process
(`deepclust_core.projection.umap.project`, what the projector thread of deepclust_core.projection.frames calls),
cold and warm-started; and, for comparison, in this process on the same data: the nearest-
neighbour search, UMAP's own layout optimisation step alone, and `align_layout` alone."""
from __future__ import annotations

import time
from contextlib import contextmanager

import numpy as np

from bench.live_view.budget import BudgetTable, median, seconds, verdict
from deepclust_core.projection import umap as projection

WARM_TARGETS = {2000: 0.3, 5000: 0.6}  # seconds for one warm-started frame of that many points (issue 15)
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
    return {"first": [first], "cold": cold, "warm": warm, "align": align_times(layout, rng, max(20, 5 * repeats)),
            **step_times(drift(H, rng), layout, seed, repeats)}


@contextmanager
def timing_umap_layout_step(times: list[float]):
    """Record the seconds of every call of UMAP's layout optimisation (its SGD epochs) meanwhile."""
    import umap.umap_

    step = umap.umap_.optimize_layout_euclidean

    def timed_step(*args, **kwargs):
        began = time.perf_counter()
        result = step(*args, **kwargs)
        times.append(time.perf_counter() - began)
        return result

    umap.umap_.optimize_layout_euclidean = timed_step
    try:
        yield
    finally:
        umap.umap_.optimize_layout_euclidean = step


def step_times(H: np.ndarray, previous: np.ndarray, seed: int, repeats: int) -> dict[str, list[float]]:
    """A warm frame's parts, in this process on the same points: the k nearest neighbours, and
    UMAP's own layout step (what no faster neighbour search can remove)."""
    neighbours, layout_step = [], []
    projection.umap_layout(H, previous, seed=seed)  # compile here first
    for _ in range(repeats):
        neighbours.append(timed(projection.nearest_neighbours, H, projection.N_NEIGHBORS)[0])
        with timing_umap_layout_step(layout_step):
            projection.umap_layout(H, previous, seed=seed)
    return {"neighbours": neighbours, "layout step": layout_step[-repeats:]}


def align_times(reference: np.ndarray, rng: np.random.Generator, repeats: int) -> list[float]:
    """Seconds per `align_layout` of a rotated, scaled, shifted copy of `reference` onto it."""
    angle = rng.uniform(0, 2 * np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32)
    moved = (reference @ rotation * 1.7 + 3.0).astype(np.float32)
    return [timed(projection.align_layout, moved, reference)[0] for _ in range(repeats)]


def umap_frames(machine: str, sizes: list[int], repeats: int) -> str:
    """Measurement 3: a table row per size, medians of `repeats` frames each, after the warm-up."""
    numba_cache = projection.compiled_code_folder()
    compiled_before = numba_cache.is_dir() and any(numba_cache.rglob("*.nbi"))
    warm_up, _ = timed(projection.warm_up)
    table = BudgetTable(
        "3. UMAP frame time (projection process)",
        f"one `projection.project` call (request, k nearest neighbours, UMAP, Procrustes alignment, reply) on a "
        f"{EMBEDDING_DIM}-d embedding of {CLUSTERS} Gaussian clusters; cold = previous=None (PCA init, "
        f"{projection.COLD_EPOCHS} epochs), warm = previous frame's layout on points moved by {EPOCH_DRIFT:.0%} of "
        f"their spread ({projection.WARM_EPOCHS} epochs at learning rate {projection.WARM_LEARNING_RATE:g}); for "
        "comparison, timed in this process on the same points: the neighbour search, UMAP's own layout step "
        "(`optimize_layout_euclidean`) of a warm frame, and `align_layout`.",
        machine, ["Points", "First call s", "Cold s (median)", "Warm s (median)", "kNN s (median)",
                  "UMAP layout step s (median)", "align_layout ms (median)", "Repeats", "Target", "Result"])
    table.notes.append(f"Warm-up (`projection.warm_up()`: start the process, import and compile UMAP): {warm_up:.1f} "
                       f"s with UMAP's compiled code {'already' if compiled_before else 'not yet'} in {numba_cache}, not included "
                       "in the frame times. First call: the first cold frame at that size, kept out "
                       "of the medians. The app projects at most TrainConfig.display_size points per frame (2,000 by "
                       "default).")
    for n in sizes:
        times = frame_times(n, repeats)
        warm, target = median(times["warm"]), WARM_TARGETS.get(n)
        table.add(f"{n:,}", seconds(times["first"][0]), seconds(median(times["cold"])), seconds(warm),
                  seconds(median(times["neighbours"]), 3), seconds(median(times["layout step"])),
                  f"{1000 * median(times['align']):.2f}", repeats, f"warm ≤ {target:g} s" if target else "—",
                  verdict(warm, target) if target else "—")
    missing = [f"{n:,}" for n in WARM_TARGETS if n not in sizes]
    if missing:
        table.notes.append(f"Target rows not measured in this run (--quick): {', '.join(missing)} points.")
    return table.markdown()
