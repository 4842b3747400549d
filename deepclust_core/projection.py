"""2-D pictures of the autoencoder space: UMAP warm-started from the previous frame and
rotated onto it, so points glide from epoch to epoch instead of jumping.

UMAP runs in one separate, low-priority process shared by all runs (`project`, served by
`deepclust_core.projection_worker`): in the training process its numba/OpenMP threads
would fight PyTorch's and slow training several times over. UMAP's import and compilation
take 10 to 20 seconds when that process starts: `warm_up()` starts it early and
`is_ready()` says when it is done. Until then `pca_layout` is the fallback.
"""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import threading
import warnings

import numpy as np

_lock = threading.Lock()
_worker: subprocess.Popen | None = None
_ready = threading.Event()


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
        _worker = subprocess.Popen([sys.executable, "-m", "deepclust_core.projection_worker"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        receive_arrays(_worker.stdout)  # the "ready" message
        _ready.set()
    return _worker


def warm_up() -> None:
    """Start the projection process and wait until UMAP is compiled there (idempotent)."""
    with _lock:
        _ensure_worker()


def is_ready() -> bool:
    return _ready.is_set()


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


def umap_layout(H: np.ndarray, previous: np.ndarray | None, n_epochs: int | None = None,
                n_neighbors: int = 15, seed: int | None = None) -> np.ndarray:
    """UMAP of H (n, d) into 2-D, starting from `previous` (n, 2) when given.

    A cold start begins at the principal axes (what the panel shows before UMAP is ready);
    a warm start needs fewer epochs: 100 instead of 200 by default. UMAP rescales an init
    array into a 0-10 box, so the result is aligned back onto `previous` afterwards.
    """
    import umap

    n = len(H)
    if n < 4:
        return pca_layout(H)
    init = pca_layout(H) if previous is None else np.asarray(previous, dtype=np.float32)  # PCA: fast and stable
    reducer = umap.UMAP(
        n_components=2, n_neighbors=min(n_neighbors, n - 1), min_dist=0.1, init=init,
        n_epochs=n_epochs or (200 if previous is None else 100), random_state=seed, n_jobs=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UMAP warns that a seed disables its parallelism
        layout = reducer.fit_transform(np.asarray(H, dtype=np.float32)).astype(np.float32)
    return layout if previous is None else align_layout(layout, previous)


def align_layout(layout: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Rotate, reflect, scale and shift `layout` onto `reference` (orthogonal Procrustes)."""
    mean_new, mean_ref = layout.mean(axis=0), reference.mean(axis=0)
    new, ref = layout - mean_new, reference - mean_ref
    u, _, vt = np.linalg.svd(new.T @ ref)  # the rotation minimising |new R - ref| (scipy's orthogonal_procrustes)
    rotation = u @ vt
    scale = np.linalg.norm(ref) / max(np.linalg.norm(new), 1e-12)
    return (new @ rotation * scale + mean_ref).astype(np.float32)
