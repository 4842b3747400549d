"""The one value every loader returns: a validated, scaled data set.

A `Dataset` holds float32 rows, optional integer labels, an optional image shape and a
name, and what a user's file said about them: column names, class names, an ID column, the
file row of each row and the scaling that turned the file's values into `X` (so values can
be shown, exported and new rows scaled in the file's own units). `validate_for_clustering`
turns every kind of bad input into a `DataError` whose message is one line that names the
problem, so the CLI and the app can show it as is.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


class DataError(ValueError):
    """Bad input data: the message is one line that a user can act on."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Rows to cluster. `X` is (n, d) float32; `y` is (n,) int64 or None.

    Every field after `source` describes the file the rows came from; None where it does not apply.
    """

    X: np.ndarray  # (n, d) float32, read-only
    y: np.ndarray | None  # (n,) int64 ground truth, used only for metrics
    name: str
    image_shape: tuple[int, ...] | None = None  # (channels, height, width) for images
    class_names: tuple[str, ...] | None = None  # the name of each label id, y == i is class_names[i]
    scaling: str = "none"  # "pixels [0, 1]", "standardised columns" or "none"
    source: dict | None = None  # how to load it again, `load_dataset(**source)`; None for uploads and arrays
    feature_names: tuple[str, ...] | None = None
    """The name of each column of X, in order: a CSV's header ("x1", "x2", ... without one); None for images."""
    column_means: np.ndarray | None = None
    """(d,) float64, with `column_stds`, for "standardised columns": X = (file value - column_means) / column_stds."""
    column_stds: np.ndarray | None = None
    """(d,) float64: each column's standard deviation in the file (1 for a constant column)."""
    pixel_range: tuple[float, float] | None = None
    """(low, high) for "pixels [0, 1]": X = (file value - low) / (high - low); (0, 255) for 8-bit pictures."""
    label_column: str | None = None
    """The name of the column holding the true labels (a CSV's); None when they came from elsewhere or not at all."""
    id_column: str | None = None
    """The name of the column holding each row's ID: kept in `ids` for exports, never clustered."""
    ids: np.ndarray | None = None
    """(n,) str: each row's value in the ID column."""
    file_rows: np.ndarray | None = None
    """(n,) int64: each row's 0-based place among the file's data rows (header and blank lines not
    counted), once rows with missing values were dropped or a subsample drawn; None: row i is the file's row i."""
    dropped_columns: tuple[str, ...] = ()
    """Columns of the file left out before clustering, at the user's request."""
    dropped_rows: int = 0
    """Rows of the file left out because a value was missing, at the user's request."""

    def __post_init__(self):
        X = _as_float_matrix(self.X, self.name)
        y = None if self.y is None else _as_labels(self.y, len(X), self.name)
        if self.image_shape is not None and int(np.prod(self.image_shape)) != X.shape[1]:
            raise DataError(f"{self.name}: image shape {self.image_shape} does not match {X.shape[1]} features")
        if self.feature_names is not None and len(self.feature_names) != X.shape[1]:
            raise DataError(f"{self.name}: {len(self.feature_names)} column names for {X.shape[1]} columns")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        for field, dtype, length in (("ids", str, len(X)), ("file_rows", np.int64, len(X)),
                                     ("column_means", np.float64, X.shape[1]), ("column_stds", np.float64, X.shape[1])):
            values = getattr(self, field)
            if values is not None:
                object.__setattr__(self, field, _one_each(values, dtype, length, field, self.name))
        if self.pixel_range is not None:
            object.__setattr__(self, "pixel_range", tuple(float(v) for v in self.pixel_range))

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

    def class_name(self, label: int) -> str:
        """The name of label id `label`: its class name, else "class <id>"."""
        names = self.class_names
        return names[label] if names and 0 <= label < len(names) else f"class {label}"

    def column_names(self) -> tuple[str, ...]:
        """The name of every column of X ("x1", "x2", ... when the file named none)."""
        return self.feature_names or tuple(f"x{j + 1}" for j in range(self.n_features))

    def rows_in_file(self) -> np.ndarray:
        """(n,) each row's 0-based place among the file's data rows (see `file_rows`)."""
        return np.arange(self.n_samples) if self.file_rows is None else self.file_rows

    def in_file_units(self, X: np.ndarray) -> np.ndarray:
        """Rows of X (scaled) as float64 values in the file's own units: the inverse of `scale_like_file`."""
        X = np.asarray(X, dtype=np.float64)
        if self.column_means is not None:
            return X * self.column_stds + self.column_means
        if self.pixel_range is not None:
            low, high = self.pixel_range
            return X * (high - low) + low
        return X

    def scale_like_file(self, values: np.ndarray) -> np.ndarray:
        """New rows in the file's units (columns in the order of `column_names()`), scaled as X was: float32."""
        values = np.asarray(values, dtype=np.float64)
        if self.column_means is not None:
            values = (values - self.column_means) / self.column_stds
        elif self.pixel_range is not None:
            low, high = self.pixel_range
            values = (values - low) / (high - low)
        return values.astype(np.float32)

    def preprocessing(self) -> str:
        """One line saying what happened between the file and X: scaling, ID column, dropped columns and rows."""
        parts = [self.scaling]
        if self.pixel_range is not None and self.pixel_range != (0.0, 1.0):
            parts[0] += f" (from {self.pixel_range[0]:g} … {self.pixel_range[1]:g})"
        if self.id_column:
            parts.append(f"ID column {self.id_column!r} kept, not clustered")
        if self.dropped_columns:
            parts.append("dropped columns " + ", ".join(repr(c) for c in self.dropped_columns))
        if self.dropped_rows:
            parts.append(f"{self.dropped_rows} row{'s' * (self.dropped_rows != 1)} with missing values dropped")
        return "; ".join(parts)

    def fingerprint(self) -> str:
        """A short hash of the rows and shape: part of every cache key. Worked out once per data set (X is read-only):
        hashing Fashion-MNIST's 70,000 rows takes 0.23 s of a free core, and the Train page asks for it several
        times a rerun while a run trains beside it, each time Pause is clicked too."""
        known = self.__dict__.get("_fingerprint")
        if known is not None:
            return known
        import hashlib

        digest = hashlib.sha256()
        digest.update(str((self.X.shape, self.image_shape)).encode())
        digest.update(np.ascontiguousarray(self.X).tobytes())
        object.__setattr__(self, "_fingerprint", digest.hexdigest()[:16])
        return self._fingerprint

    def take(self, index: np.ndarray, name: str | None = None, source: dict | None = None) -> "Dataset":
        """The rows `index` (in order), every per-row field with them."""
        return replace(self, X=self.X[index], y=None if self.y is None else self.y[index],
                       ids=None if self.ids is None else self.ids[index], file_rows=self.rows_in_file()[index],
                       name=name or self.name, source=source)

    def subsample(self, n: int | None, seed: int = 0) -> "Dataset":
        """A seeded random subset of `n` rows (all rows when n is None or too large)."""
        if n is None or n >= self.n_samples:
            return self
        if n < 1:
            raise DataError(f"{self.name}: subsample size must be at least 1, got {n}")
        index = np.sort(np.random.default_rng(seed).choice(self.n_samples, size=n, replace=False))
        return self.take(index, f"{self.name} ({n} of {self.n_samples})", _subsampled(self.source, n, seed))


def _subsampled(source: dict | None, n: int, seed: int) -> dict | None:
    """The source of a subsample, when `load_dataset` can draw the same one (one seed serves both)."""
    if source is None or source.get("subsample") is not None or source.get("seed", 0) != seed:
        return None
    return {**source, "subsample": n}


def _as_float_matrix(X, name: str) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype == object or X.dtype.kind in "USV":
        raise DataError(f"{name}: the data contains text cells; only numbers can be clustered")
    if X.dtype.kind == "c":
        raise DataError(f"{name}: the data contains complex numbers; only real numbers can be clustered")
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


def _one_each(values, dtype, n: int, field: str, name: str) -> np.ndarray:
    """`values` as a read-only (n,) array of `dtype`: one per row, or one per column."""
    values = np.asarray(values).astype(dtype)
    if values.shape != (n,):
        raise DataError(f"{name}: {field} must hold {n} values, got shape {values.shape}")
    values.flags.writeable = False
    return values


def encode_labels(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class ids 0..C-1 and the name of each, from labels as a file spells them (text or numbers).

    Numbers are ordered by value ("2" before "10"), named as first spelled; text in sorted order."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        classes, ids = np.unique(values, return_inverse=True)
        return ids.astype(np.int64), tuple(str(c) for c in classes.tolist())
    if values.dtype.kind == "f":
        classes, ids = np.unique(values, return_inverse=True)
        return ids.astype(np.int64), tuple(f"{c:g}" for c in classes.tolist())
    text = np.char.strip(values.astype(str))
    try:
        numbers = text.astype(np.float64)
    except ValueError:
        classes, ids = np.unique(text, return_inverse=True)
        return ids.astype(np.int64), tuple(classes.tolist())
    classes, first, ids = np.unique(numbers, return_index=True, return_inverse=True)
    return ids.astype(np.int64), tuple(text[first].tolist())


def scale_pixels(X: np.ndarray, max_value: float) -> np.ndarray:
    """Images as the references feed them: pixel values in [0, 1]."""
    return np.asarray(X, dtype=np.float32) / np.float32(max_value)


def round_for_reading(values: np.ndarray, digits: int = 6) -> np.ndarray:
    """(n, d) values, each column rounded to `digits` significant digits of its largest magnitude
    (whole numbers at least): 5.1 read back from float32 shows as 5.1 again, not 5.099999904632568."""
    rounded = np.array(values, dtype=np.float64)
    for j in range(rounded.shape[1]):
        largest = np.abs(rounded[:, j]).max(initial=0.0)
        decimals = digits - 1 - int(np.floor(np.log10(largest))) if largest > 0 else 0
        rounded[:, j] = np.round(rounded[:, j], max(0, decimals))
    return rounded


def column_statistics(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(d,) means and standard deviations of the columns, a constant column's deviation taken as 1.
    Each column is divided by its largest magnitude first, so values near 1e308 do not overflow."""
    X = np.asarray(X, dtype=np.float64)
    largest = np.abs(X).max(axis=0)
    unit = np.where(largest > 0, largest, 1.0)
    std = (X / unit).std(axis=0) * unit
    return (X / unit).mean(axis=0) * unit, np.where(std > 0, std, 1.0)


def validate_for_clustering(data: Dataset, n_clusters: int) -> None:
    """Raise DataError unless `data` can be split into `n_clusters` clusters."""
    if not isinstance(n_clusters, (int, np.integer)) or n_clusters < 2:
        raise DataError(f"K must be an integer of at least 2, got {n_clusters}")
    if data.n_samples < 2 * n_clusters:
        raise DataError(
            f"{data.name}: {data.n_samples} rows are too few for K = {n_clusters}; need at least {2 * n_clusters}"
        )
