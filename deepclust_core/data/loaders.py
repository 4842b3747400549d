"""Every way to get a Dataset: built-in sets, synthetic teaching sets and a user's file.

`load_dataset(name, ...)` is the single entry point the CLI and the app use. User files are
read without unpickling anything (`np.load(allow_pickle=False)`).
"""
from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np

from .csv_table import TableOptions, read_csv
from .dataset import DataError, Dataset, column_statistics, scale_pixels
from .file_kinds import file_kind
from .idx import load_idx_folder
from .images import load_image_zip
from .numpy_files import read_npy, read_npz

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
        pixel_range=(0.0, 16.0),
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
    means, stds = column_statistics(X)
    return Dataset(X=(X - means) / stds, y=y, name=kind, scaling="standardised columns", column_means=means,
                   column_stds=stds)


def load_file(path: str | Path, options: TableOptions = TableOptions(), name: str | None = None) -> Dataset:
    """A user's CSV, .npy, .npz or .zip file as a Dataset (see `load_bytes`)."""
    path = Path(path)
    name = name or path.name
    if path.is_dir():
        raise DataError(f"{name}: is a folder, not a file")
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except OSError as error:
        raise DataError(f"{name}: cannot be read ({error.strerror or error})") from None
    return load_bytes(content, name, options)


def load_bytes(content: bytes, name: str, options: TableOptions = TableOptions()) -> Dataset:
    """The contents of a user's file, of the type its extension names (a DataError when the content disagrees).

    CSV (.csv, .tsv): see deepclust_core.data.csv_table. .npy and .npz: arrays of rows or images, labels
    from `y` (see deepclust_core.data.numpy_files). .zip: images (see deepclust_core.data.images).
    Every problem, a damaged or truncated file included, is a DataError of one line.
    """
    kind = file_kind(content, name)
    if kind == "csv":
        return read_csv(content, name, options)
    if kind == "npy":
        return read_npy(content, name, options.drop_missing)
    if kind == "npz":
        return read_npz(content, name, options.drop_missing)
    return load_image_zip(content, name)


def load_dataset(name: str, *, path: str | None = None, subsample: int | None = None, seed: int = 0,
                 n_samples: int = 1000, noise: float = 0.05, n_clusters: int = 4,
                 label_column: str | int | None = None, id_column: str | int | None = None,
                 drop_columns: tuple[str | int, ...] | list = (), drop_missing: bool = False) -> Dataset:
    """The data set called `name` (see BUILT_IN) or the file at `path` (read with the last four
    arguments, see csv_table.TableOptions), optionally subsampled.

    The result's `source` holds these arguments, so a stored run can load its data again."""
    if path is not None and name in ("file", "", None):
        data = load_file(path, TableOptions(label_column, id_column, tuple(drop_columns), drop_missing))
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
                  seed=seed, n_samples=n_samples, noise=noise, n_clusters=n_clusters, label_column=label_column,
                  id_column=id_column, drop_columns=list(drop_columns), drop_missing=drop_missing)
    return replace(data.subsample(subsample, seed), source=source)
