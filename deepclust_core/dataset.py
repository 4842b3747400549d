"""The one value every loader returns: a validated, scaled data set.

A `Dataset` holds float32 rows, optional integer labels, an optional image shape and a
name. `validate_for_clustering` turns every kind of bad input into a `DataError` whose
message is one line that names the problem, so the CLI and the app can show it as is.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


class DataError(ValueError):
    """Bad input data: the message is one line that a user can act on."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Rows to cluster. `X` is (n, d) float32; `y` is (n,) int64 or None."""

    X: np.ndarray  # (n, d) float32, read-only
    y: np.ndarray | None  # (n,) int64 ground truth, used only for metrics
    name: str
    image_shape: tuple[int, ...] | None = None  # (channels, height, width) for images
    class_names: tuple[str, ...] | None = None
    scaling: str = "none"  # "pixels [0, 1]", "standardised columns" or "none"
    source: dict | None = None  # how to load it again, `load_dataset(**source)`; None for uploads and arrays

    def __post_init__(self):
        X = _as_float_matrix(self.X, self.name)
        y = None if self.y is None else _as_labels(self.y, len(X), self.name)
        if self.image_shape is not None and int(np.prod(self.image_shape)) != X.shape[1]:
            raise DataError(f"{self.name}: image shape {self.image_shape} does not match {X.shape[1]} features")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int | None:
        return None if self.y is None else int(len(np.unique(self.y)))

    @property
    def is_image(self) -> bool:
        return self.image_shape is not None

    def fingerprint(self) -> str:
        """A short hash of the rows and shape: part of every cache key."""
        import hashlib

        digest = hashlib.sha256()
        digest.update(str((self.X.shape, self.image_shape)).encode())
        digest.update(np.ascontiguousarray(self.X).tobytes())
        return digest.hexdigest()[:16]

    def subsample(self, n: int | None, seed: int = 0) -> "Dataset":
        """A seeded random subset of `n` rows (all rows when n is None or too large)."""
        if n is None or n >= self.n_samples:
            return self
        if n < 1:
            raise DataError(f"{self.name}: subsample size must be at least 1, got {n}")
        index = np.sort(np.random.default_rng(seed).choice(self.n_samples, size=n, replace=False))
        y = None if self.y is None else self.y[index]
        return replace(self, X=self.X[index], y=y, name=f"{self.name} ({n} of {self.n_samples})",
                       source=_subsampled(self.source, n, seed))


def _subsampled(source: dict | None, n: int, seed: int) -> dict | None:
    """The source of a subsample, when `load_dataset` can draw the same one (one seed serves both)."""
    if source is None or source.get("subsample") is not None or source.get("seed", 0) != seed:
        return None
    return {**source, "subsample": n}


def _as_float_matrix(X, name: str) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype == object or X.dtype.kind in "USV":
        raise DataError(f"{name}: the data contains text cells; only numbers can be clustered")
    if X.ndim != 2:
        raise DataError(f"{name}: expected a 2-D table of rows, got an array of shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{name}: the data is empty (shape {X.shape})")
    X = X.astype(np.float32, copy=True)
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(f"{name}: {int(bad.sum())} cells are NaN or infinite (first at row {row}, column {col})")
    X.flags.writeable = False
    return X


def _as_labels(y, n: int, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataError(f"{name}: labels must be one-dimensional, got shape {y.shape}")
    if len(y) != n:
        raise DataError(f"{name}: {len(y)} labels for {n} rows")
    if y.dtype.kind not in "iu":
        _, y = np.unique(y, return_inverse=True)  # strings or floats become class ids
    y = y.astype(np.int64, copy=True)
    y.flags.writeable = False
    return y


def scale_pixels(X: np.ndarray, max_value: float) -> np.ndarray:
    """Images as the references feed them: pixel values in [0, 1]."""
    return np.asarray(X, dtype=np.float32) / np.float32(max_value)


def standardise_columns(X: np.ndarray) -> np.ndarray:
    """Tabular data: zero mean and unit variance per column (constant columns stay 0)."""
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=0)
    return ((X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)).astype(np.float32)


def validate_for_clustering(data: Dataset, n_clusters: int) -> None:
    """Raise DataError unless `data` can be split into `n_clusters` clusters."""
    if not isinstance(n_clusters, (int, np.integer)) or n_clusters < 2:
        raise DataError(f"K must be an integer of at least 2, got {n_clusters}")
    if data.n_samples < 2 * n_clusters:
        raise DataError(
            f"{data.name}: {data.n_samples} rows are too few for K = {n_clusters}; need at least {2 * n_clusters}"
        )
