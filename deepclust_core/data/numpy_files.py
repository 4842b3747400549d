"""A user's .npy and .npz files as a Dataset: rows of numbers, or images.

An .npy holds one array; an .npz holds `X`, optionally `y` (labels: numbers or text),
`class_names` (text, the name of each integer label) and `ids` (each row's ID). `X` of shape
(N, d) is a table, standardised per column; (N, H, W) is N grey images and (N, H, W, C) with
C = 1, 3 or 4 (or channels first, (N, C, H, W)) colour ones, scaled to [0, 1].

Nothing is unpickled, and no header is trusted: each array's header (shape and type) is read
first, and an array that would be larger than the bytes that follow (a truncated file) or
than MAX_ARRAY_BYTES (a small compressed file that would expand to gigabytes) is refused
before any memory is taken for it.
"""
from __future__ import annotations

import io
import zipfile
import zlib

import numpy as np

from .dataset import DataError, Dataset, column_statistics, encode_labels
from .missing import complete_rows

MAX_ARRAY_BYTES = 2 << 30  # 2 GiB: the most one array may take in memory once read
NPZ_ARRAYS = ("X", "y", "class_names", "ids")
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


def read_npy(content: bytes, name: str, drop_missing: bool = False) -> Dataset:
    stream = io.BytesIO(content)
    return arrays_dataset(_read_array(stream, len(content), name, "the array"), name, drop_missing=drop_missing)


def read_npz(content: bytes, name: str, drop_missing: bool = False) -> Dataset:
    arrays = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = {member.filename.removesuffix(".npy"): member for member in archive.infolist()}
            if "X" not in members:
                found = ", ".join(sorted(members)) or "nothing"
                raise DataError(f"{name}: an .npz must hold an array named X (found: {found})")
            for key in NPZ_ARRAYS:
                if key in members:
                    with archive.open(members[key]) as stream:
                        arrays[key] = _read_array(stream, members[key].file_size, name, f"array {key}")
    except READ_ERRORS as error:
        raise DataError(f"{name}: the archive is damaged or truncated ({error})") from None
    return arrays_dataset(arrays["X"], name, arrays.get("y"), arrays.get("class_names"), arrays.get("ids"),
                          drop_missing)


def _read_array(stream, size: int, name: str, what: str) -> np.ndarray:
    """One .npy array from `stream`, which holds `size` bytes, after checking what its header promises."""
    try:
        version = np.lib.format.read_magic(stream)
        header = {(1, 0): np.lib.format.read_array_header_1_0,
                  (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if header is None:
            raise DataError(f"{name}: {what} is in .npy format {version[0]}.{version[1]}, which is not read here")
        shape, fortran_order, dtype = header(stream)
    except ValueError as error:
        if "EOF" in str(error):
            raise DataError(f"{name}: truncated: the file ends inside the header of {what}") from None
        raise DataError(f"{name}: {what} has a damaged header ({error})") from None
    if dtype.hasobject:
        raise DataError(f"{name}: {what} holds Python objects (pickled data), which are never loaded")
    if dtype.fields is not None or dtype.subdtype is not None:
        raise DataError(f"{name}: {what} is a structured array; save plain numbers (or text labels) instead")
    n_bytes = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if n_bytes > MAX_ARRAY_BYTES:
        raise DataError(f"{name}: {what} of shape {shape} ({dtype}) would take {n_bytes / 2**30:.1f} GiB in "
                        f"memory; at most {MAX_ARRAY_BYTES / 2**30:.0f} GiB")
    left = size - stream.tell()
    if n_bytes > left:
        raise DataError(f"{name}: truncated: {what} of shape {shape} ({dtype}) needs {n_bytes:,} bytes, "
                        f"the file has {max(left, 0):,}")
    raw = stream.read(n_bytes)
    if len(raw) < n_bytes:
        raise DataError(f"{name}: truncated: {what} ends after {len(raw):,} of {n_bytes:,} bytes")
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")


def arrays_dataset(X: np.ndarray, name: str, y: np.ndarray | None = None, class_names: np.ndarray | None = None,
                   ids: np.ndarray | None = None, drop_missing: bool = False) -> Dataset:
    """A table (N, d) or images (N, H, W[, C]) with their labels, scaled as the module docstring says."""
    if X.dtype.kind not in "biuf":
        raise DataError(f"{name}: X holds {X.dtype} values; only numbers can be clustered")
    if y is not None and len(y) != len(X):
        raise DataError(f"{name}: {len(y)} labels for {len(X)} rows")
    images = _channels_first(X, name) if X.ndim in (3, 4) else None
    rows = X.astype(np.float64) if images is None else images.reshape(len(X), -1).astype(np.float32)
    if rows.ndim != 2:
        raise DataError(f"{name}: the array has shape {X.shape}; expected a 2-D table of rows (N, d) or images "
                        "(N, H, W) or (N, H, W, C)")
    infinite = np.isinf(rows)
    if infinite.any():
        raise DataError(f"{name}: {int(infinite.sum())} infinite values (first in row {np.argwhere(infinite)[0][0]})")
    columns = ["pixels"] if images is not None else [f"x{j + 1}" for j in range(rows.shape[1])]
    missing = np.isnan(rows).any(axis=1, keepdims=True) if images is not None else np.isnan(rows)
    kept = complete_rows(missing, columns, name, drop_missing, lambda row: f"row {row}")
    if kept is not None:
        rows, y, ids = rows[kept], None if y is None else y[kept], None if ids is None else ids[kept]
    labels, names = (None, None) if y is None else _labels(y, class_names, name)
    per_row = dict(y=labels, name=name, class_names=names, ids=ids, id_column=None if ids is None else "ids",
                   file_rows=kept, dropped_rows=0 if kept is None else len(X) - len(kept))
    if images is not None:
        low, high = _pixel_range(rows)
        return Dataset(X=(rows - low) / (high - low), image_shape=images.shape[1:], scaling="pixels [0, 1]",
                       pixel_range=(low, high), **per_row)
    means, stds = column_statistics(rows)
    return Dataset(X=(rows - means) / stds, scaling="standardised columns", column_means=means, column_stds=stds,
                   **per_row)


def _channels_first(X: np.ndarray, name: str) -> np.ndarray:
    """Images as (N, C, H, W): grey (N, H, W), channels last (N, H, W, C) or first (N, C, H, W), C = 1, 3 or 4."""
    if X.ndim == 3:
        return X[:, None]
    if X.shape[-1] in (1, 3, 4):
        return X.transpose(0, 3, 1, 2)
    if X.shape[1] in (1, 3, 4):
        return X
    raise DataError(f"{name}: X has shape {X.shape}; images need 1, 3 or 4 channels, as (N, H, W, C) or (N, C, H, W)")


def _pixel_range(rows: np.ndarray) -> tuple[float, float]:
    """(low, high) mapped to [0, 1]: (0, 1) or (0, 255) when the values fit, else their own extremes."""
    low, high = float(rows.min()), float(rows.max())
    if low >= 0 and high <= 1:
        return 0.0, 1.0
    if low >= 0 and high <= 255:
        return 0.0, 255.0
    return low, high if high > low else low + 1.0


def _labels(y: np.ndarray, class_names: np.ndarray | None, name: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class ids and names: integer labels with their `class_names`, else encoded from the labels themselves."""
    if y.ndim != 1:
        raise DataError(f"{name}: y must be one-dimensional, got shape {y.shape}")
    if class_names is None:
        return encode_labels(y)
    names = tuple(str(c) for c in np.asarray(class_names).ravel().tolist())
    if y.dtype.kind not in "iu" or (len(y) and (y.min() < 0 or y.max() >= len(names))):
        raise DataError(f"{name}: class_names has {len(names)} names; y must hold integers 0 to {len(names) - 1}")
    return y.astype(np.int64), names
