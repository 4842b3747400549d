"""Every way to get a Dataset: built-in sets, synthetic teaching sets and a user's file.

`load_dataset(name, ...)` is the single entry point the CLI and the app use. User files are
read without unpickling anything (`np.load(allow_pickle=False)`).
"""
from __future__ import annotations

import csv
import importlib.util
import io
from dataclasses import replace
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset, scale_pixels, standardise_columns
from .idx import load_idx_folder
from .images import load_image_zip

SYNTHETIC = ("blobs", "anisotropic", "moons", "circles")
BUILT_IN = ("digits", "fashion-mnist", "mnist-idx") + SYNTHETIC


def load_digits() -> Dataset:
    """scikit-learn's 1,797 8x8 digit images, pixels 0..16 scaled to [0, 1].

    Read from the file scikit-learn ships, as `sklearn.datasets.load_digits` reads it, without
    importing scikit-learn: its import takes about 1.4 s, and digits is the app's first page."""
    table = np.loadtxt(_sklearn_file("datasets/data/digits.csv.gz"), delimiter=",")
    return Dataset(
        X=scale_pixels(table[:, :-1], 16.0), y=table[:, -1].astype(np.int64), name="digits",
        image_shape=(1, 8, 8), class_names=tuple(str(c) for c in range(10)), scaling="pixels [0, 1]",
    )


def _sklearn_file(relative: str) -> Path:
    spec = importlib.util.find_spec("sklearn")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise DataError("digits needs scikit-learn: pip install -r requirements.txt")
    return Path(spec.submodule_search_locations[0]) / relative


def load_synthetic(kind: str, n_samples: int = 1000, noise: float = 0.05, seed: int = 0, n_clusters: int = 4) -> Dataset:
    """Two-dimensional teaching sets: blobs, anisotropic blobs, moons, circles."""
    from sklearn import datasets

    if n_samples < 4:
        raise DataError(f"{kind}: need at least 4 samples, got {n_samples}")
    if kind == "blobs":
        X, y = datasets.make_blobs(n_samples, centers=n_clusters, cluster_std=0.5 + 5 * noise, random_state=seed)
    elif kind == "anisotropic":
        X, y = datasets.make_blobs(n_samples, centers=n_clusters, cluster_std=0.5 + 5 * noise, random_state=seed)
        X = X @ np.array([[0.6, -0.64], [-0.41, 0.85]])  # the shear of sklearn's clustering demo
    elif kind == "moons":
        X, y = datasets.make_moons(n_samples, noise=noise, random_state=seed)
    elif kind == "circles":
        X, y = datasets.make_circles(n_samples, noise=noise, factor=0.5, random_state=seed)
    else:
        raise DataError(f"unknown synthetic set {kind!r}; choose one of {', '.join(SYNTHETIC)}")
    return Dataset(X=standardise_columns(X), y=y, name=kind, scaling="standardised columns")


def load_file(path: str | Path, label_column: str | int | None = None, name: str | None = None) -> Dataset:
    """A user's CSV, .npy or .npz file as a standardised Dataset (see `load_bytes`)."""
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise DataError(f"{name}: file not found")
    return load_bytes(path.read_bytes(), name, label_column)


def load_bytes(content: bytes, name: str, label_column: str | int | None = None) -> Dataset:
    """The contents of a user's file, its type taken from the extension of `name`.

    CSV: header optional; `label_column` (a header name or a 0-based index) holds labels.
    .npz: arrays `X` and optional `y`. .npy: a 2-D array of rows, no labels. .zip: images
    (see deepclust_core.images).
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        X, y = read_csv(content, label_column, name)
    elif suffix in (".npy", ".npz"):
        X, y = read_numpy(content, suffix, name)
    elif suffix == ".zip":
        return load_image_zip(content, name)
    else:
        raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; use .csv, .npy, .npz or a .zip of images")
    return Dataset(X=standardise_columns(_checked_matrix(X, name)), y=y, name=name, scaling="standardised columns")


def csv_columns(content: bytes) -> list[str]:
    """The column names of a CSV (its header, or "0", "1", ... when it has none)."""
    first = next(csv.reader(io.StringIO(content.decode("utf-8-sig", errors="replace"))), [])
    if all(_is_number(cell) for cell in first):
        return [str(i) for i in range(len(first))]
    return [cell.strip() for cell in first]


def _checked_matrix(X, name: str) -> np.ndarray:
    """Validate before scaling, so NaN, text and shape errors name the user's file."""
    return Dataset(X=X, y=None, name=name).X


def read_csv(content: bytes, label_column: str | int | None, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Numbers from CSV text; a first row with any non-number is taken as the header."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{name}: not a UTF-8 text file; is it really a CSV?") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError(f"{name}: the file is empty")
    header = None
    if not all(_is_number(cell) for cell in rows[0]):
        header, rows = [cell.strip() for cell in rows[0]], rows[1:]
    if not rows:
        raise DataError(f"{name}: the file has a header but no rows")
    width = len(rows[0])
    for line, row in enumerate(rows, start=2 if header else 1):
        if len(row) != width:
            raise DataError(f"{name}: line {line} has {len(row)} cells, expected {width}")
    label_index = _label_index(label_column, header, width, name)
    labels = None if label_index is None else [row[label_index].strip() for row in rows]
    features = [[cell for j, cell in enumerate(row) if j != label_index] for row in rows]
    for line, row in enumerate(features, start=2 if header else 1):
        for cell in row:
            if not _is_number(cell):
                raise DataError(f"{name}: text cell {cell.strip()!r} on line {line}; only numbers can be clustered")
    X = np.array(features, dtype=np.float64)
    return X, None if labels is None else np.asarray(labels)


def _label_index(label_column, header, width: int, name: str) -> int | None:
    if label_column is None or label_column == "":
        return None
    if isinstance(label_column, str) and not label_column.lstrip("-").isdigit():
        if header is None or label_column not in header:
            raise DataError(f"{name}: no column named {label_column!r}")
        return header.index(label_column)
    index = int(label_column)
    if not -width <= index < width:
        raise DataError(f"{name}: label column {index} is out of range for {width} columns")
    return index % width


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def read_numpy(content: bytes, suffix: str, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Arrays from .npy or .npz bytes, never unpickled."""
    try:
        loaded = np.load(io.BytesIO(content), allow_pickle=False)
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise DataError(f"{name}: holds Python objects (pickled data), which are never loaded") from None
        raise DataError(f"{name}: not a valid {suffix} file ({error})") from None
    except (OSError, EOFError) as error:
        raise DataError(f"{name}: not a valid {suffix} file ({error})") from None
    if suffix == ".npy":
        return loaded, None
    with loaded:
        if "X" not in loaded.files:
            raise DataError(f"{name}: .npz must contain an array named X (found: {', '.join(loaded.files) or 'nothing'})")
        try:
            return loaded["X"], loaded["y"] if "y" in loaded.files else None
        except ValueError:
            raise DataError(f"{name}: holds Python objects (pickled data), which are never loaded") from None


def load_dataset(name: str, *, path: str | None = None, subsample: int | None = None, seed: int = 0,
                 n_samples: int = 1000, noise: float = 0.05, n_clusters: int = 4,
                 label_column: str | int | None = None) -> Dataset:
    """The data set called `name` (see BUILT_IN) or the file at `path`, optionally subsampled.

    The result's `source` holds these arguments, so a stored run can load its data again."""
    if path is not None and name in ("file", "", None):
        data = load_file(path, label_column)
    elif name == "digits":
        data = load_digits()
    elif name == "fashion-mnist":
        data = load_idx_folder(path, "Fashion-MNIST")
    elif name == "mnist-idx":
        data = load_idx_folder(path, "MNIST")
    elif name in SYNTHETIC:
        data = load_synthetic(name, n_samples, noise, seed, n_clusters)
    else:
        raise DataError(f"unknown data set {name!r}; choose one of {', '.join(BUILT_IN)} or give a file")
    source = dict(name=name or "file", path=None if path is None else str(Path(path).resolve()), subsample=subsample,
                  seed=seed, n_samples=n_samples, noise=noise, n_clusters=n_clusters, label_column=label_column)
    return replace(data.subsample(subsample, seed), source=source)
