"""2-D pictures of the autoencoder space: UMAP warm-started from the previous frame and
rotated onto it, so points glide from epoch to epoch instead of jumping.

UMAP runs in one separate process shared by all runs (`project`, served by
`deepclust_core.projection.worker`): in the training process its numba threads would fight
PyTorch's. `warm_up()` starts that process (the app's launcher calls it with the server) and
`is_ready()` says when UMAP is imported and compiled there; `pca_layout` is the picture
until then. Which frame to make next is `deepclust_core.projection.frames`' business.

A frame costs UMAP's layout optimisation and little else: the k nearest neighbours are
computed here (`nearest_neighbours`) and handed to UMAP, which below 4,096 points would
otherwise compute every pairwise distance through a Python-level metric (2.9 of a 3.0 s
frame of 2,000 points, docs/benchmarks.md).
"""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_worker: subprocess.Popen | None = None
_ready = threading.Event()

N_NEIGHBORS = 15  # UMAP's default neighbourhood
COLD_EPOCHS = 200  # a first frame, from the principal axes: UMAP's own default for small data
# A warm start begins at a layout that is already a UMAP picture, so it needs neither UMAP's full
# step size nor its 100-200 epochs: with half of each, the neighbours kept in 2-D are as many as
# with 100 epochs at full step, points move less between frames, and a frame takes half the time
# (measured on 2,000 and 5,000 points of 10 Gaussian clusters, bench/live_view/umap_time.py).
WARM_EPOCHS = 50
WARM_LEARNING_RATE = 0.5


def send_arrays(stream, **arrays: np.ndarray) -> None:
    """Length-prefixed .npz bytes: the only thing that crosses the pipe (never pickled)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    stream.write(struct.pack("<Q", buffer.tell()) + buffer.getvalue())
    stream.flush()


def receive_arrays(stream) -> dict[str, np.ndarray] | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    with np.load(io.BytesIO(stream.read(struct.unpack("<Q", header)[0])), allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


def _ensure_worker() -> subprocess.Popen:
    """Start the projection process once; it answers an empty request when UMAP is compiled."""
    global _worker
    if _worker is None or _worker.poll() is not None:
        _ready.clear()
        _worker = subprocess.Popen([sys.executable, "-m", "deepclust_core.projection.worker"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_worker_environment())
        receive_arrays(_worker.stdout)  # the "ready" message
        _ready.set()
    return _worker


def compiled_code_folder() -> Path:
    """Where the projection process keeps numba's compiled UMAP code: $NUMBA_CACHE_DIR when set,
    else the user's cache folder, so a second start of the app skips the compilation."""
    from ..user_cache import default_cache_dir

    return Path(os.environ.get("NUMBA_CACHE_DIR") or default_cache_dir() / "numba")


def cache_compiled_code() -> None:
    """Make numba keep everything it compiles for UMAP in NUMBA_CACHE_DIR.

    umap-learn marks few of its numba functions `cache=True`, so each start of the process
    compiled them again: 10 to 15 s before the first frame. Asking for `cache=True` by default,
    before umap is imported, lets a second start load them from disk (docs/benchmarks.md)."""
    import numba

    def caching(decorate):
        def decorate_and_cache(*args, **kwargs):
            kwargs.setdefault("cache", True)
            return decorate(*args, **kwargs)
        return decorate_and_cache

    numba.njit, numba.jit = caching(numba.njit), caching(numba.jit)


def _worker_environment() -> dict[str, str]:
    """One thread for numba and BLAS (training keeps the other cores); compiled code kept on disk."""
    environment = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return {**environment, **os.environ, "NUMBA_CACHE_DIR": str(compiled_code_folder())}


def warm_up() -> None:
    """Start the projection process and wait until UMAP is compiled there (idempotent)."""
    with _lock:
        _ensure_worker()


def is_ready() -> bool:
    return _ready.is_set()


def has_compiled_code() -> bool:
    """Whether numba's compiled UMAP code is on disk already (a start of the projection process then
    takes seconds instead of about 25 s)."""
    return any(compiled_code_folder().rglob("*.nbi"))


class ProjectionFailed(RuntimeError):
    """UMAP raised on this embedding in the projection process (which goes on serving)."""


def project(H: np.ndarray, previous: np.ndarray | None, seed: int = 0) -> np.ndarray:
    """`umap_layout` in the projection process; one request at a time, blocking."""
    with _lock:
        worker = _ensure_worker()
        arrays = {"H": np.asarray(H, np.float32), "seed": np.array(seed)}
        if previous is not None:
            arrays["previous"] = np.asarray(previous, np.float32)
        send_arrays(worker.stdin, **arrays)
        reply = receive_arrays(worker.stdout)
    if reply is None:
        raise RuntimeError("the projection process ended unexpectedly")
    if "error" in reply:
        raise ProjectionFailed(str(reply["error"]))
    return reply["layout"]


def pca_layout(H: np.ndarray) -> np.ndarray:
    """The first two principal axes of H: instant, and what the panel shows while UMAP warms up.

    From the eigenvectors of the (d, d) covariance rather than an SVD of all n rows: the live
    page may compute this every second. Each axis points where its largest loading is positive,
    so the picture does not flip between frames."""
    centred = (H - H.mean(axis=0)).astype(np.float64)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    axes = vectors[:, ::-1][:, :2]
    axes = axes * np.sign(axes[np.abs(axes).argmax(axis=0), range(axes.shape[1])])
    layout = centred @ axes
    if layout.shape[1] < 2:
        layout = np.column_stack([layout, np.zeros(len(layout))])
    return layout.astype(np.float32)


def nearest_neighbours(H: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours of every row of H, itself first (UMAP's convention): indices
    and Euclidean distances, (n, k) each.

    A k-d tree for embeddings of up to 16 dimensions (the usual 10: 0.01 s for 2,000 rows,
    0.05 s for 5,000), else brute force in float32 blocks, ranking each row by |h_j|² - 2 h_i·h_j
    (its own |h_i|² changes no order) and measuring only the k kept."""
    H = np.ascontiguousarray(H, dtype=np.float32)
    if H.shape[1] <= 16:
        from scipy.spatial import cKDTree

        distances, indices = cKDTree(H).query(H, k=k)
        return indices.astype(np.int32), distances.astype(np.float32)
    squared = np.einsum("ij,ij->i", H, H)
    indices = np.empty((len(H), k), dtype=np.int64)
    rows_per_block = max(1, 2**21 // len(H))
    for start in range(0, len(H), rows_per_block):
        block = H[start:start + rows_per_block] @ H.T
        block *= -2
        block += squared
        indices[start:start + rows_per_block] = np.argpartition(block, k - 1, axis=1)[:, :k]
    distances = np.sqrt(((H[:, None, :] - H[indices]) ** 2).sum(axis=-1))
    order = np.argsort(distances, axis=1, kind="stable")
    return np.take_along_axis(indices, order, 1).astype(np.int32), np.take_along_axis(distances, order, 1)


def umap_layout(H: np.ndarray, previous: np.ndarray | None, n_epochs: int | None = None,
                n_neighbors: int = N_NEIGHBORS, seed: int | None = None) -> np.ndarray:
    """UMAP of H (n, d) into 2-D, starting from `previous` (n, 2) when given.

    A cold start begins at the principal axes (what the panel shows before UMAP is ready) and
    runs COLD_EPOCHS; a warm start runs WARM_EPOCHS at WARM_LEARNING_RATE. UMAP rescales an
    init array into a 0-10 box, so the result is aligned back onto `previous` afterwards.
    """
    import umap

    n = len(H)
    if n < 4:
        return pca_layout(H)
    H = np.asarray(H, dtype=np.float32)
    k = min(n_neighbors, n - 1)
    indices, distances = nearest_neighbours(H, k)
    init = pca_layout(H) if previous is None else np.asarray(previous, dtype=np.float32)  # PCA: fast and stable
    reducer = umap.UMAP(
        n_components=2, n_neighbors=k, min_dist=0.1, init=init, random_state=seed, n_jobs=1,
        n_epochs=n_epochs or (COLD_EPOCHS if previous is None else WARM_EPOCHS),
        learning_rate=1.0 if previous is None else WARM_LEARNING_RATE,
        precomputed_knn=(indices, distances, None),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a seed disables UMAP's parallelism; no search index for transform()
        layout = reducer.fit_transform(H).astype(np.float32)
    return layout if previous is None else align_layout(layout, previous)


def align_layout(layout: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Rotate, reflect, scale and shift `layout` onto `reference` (orthogonal Procrustes)."""
    mean_new, mean_ref = layout.mean(axis=0), reference.mean(axis=0)
    new, ref = layout - mean_new, reference - mean_ref
    u, _, vt = np.linalg.svd(new.T @ ref)  # the rotation minimising |new R - ref| (scipy's orthogonal_procrustes)
    rotation = u @ vt
    scale = np.linalg.norm(ref) / max(np.linalg.norm(new), 1e-12)
    return (new @ rotation * scale + mean_ref).astype(np.float32)
