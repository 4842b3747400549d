"""A user's file of new rows, read the way a stored run's data was read: the run's columns in the
run's order, its scaling, its image size. What differs from the run's data is one line (DataError)
that names it.

    new = read_new_rows(content, "new.csv", preprocessing)    # NewRows, X scaled like the run's X

CSV columns are matched by name when both the run and the file have a header (in any order; the
run's label column, when present, gives true labels, its ID column the rows' IDs), by count otherwise. .npy / .npz hold a 2-D
array of rows, or images (n, H, W), (n, H, W, C) or (n, C, H, W) for a run on images; a .zip holds
images. Images of another size are resized to the run's, grey or colour converted to the run's.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset
from .images import load_image_zip
from .loaders import csv_columns, read_csv, read_numpy
from .preprocessing import Preprocessing, file_column_names, label_index
from .row_table import label_names

LUMINANCE = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as Pillow's convert("L")


@dataclass(frozen=True, eq=False)
class NewRows:
    X: np.ndarray  # (m, d) float32, scaled as the run's X
    name: str
    true_labels: np.ndarray | None = None  # (m,) as the file writes them
    ids: np.ndarray | None = None  # (m,) the values of the run's ID column, when the file has it


def read_new_rows(content: bytes, name: str, preprocessing: Preprocessing) -> NewRows:
    suffix = Path(name).suffix.lower()
    ids = None
    if suffix == ".csv":
        content, ids = _id_column(content, preprocessing.id_column)
        values, labels = _csv_values(content, name, preprocessing)
    elif suffix in (".npy", ".npz"):
        values, labels = read_numpy(content, suffix, name)
        values = _as_rows(values, name, preprocessing)
    elif suffix == ".zip":
        return _images(content, name, preprocessing)
    else:
        raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; use .csv, .npy, .npz or a .zip of images")
    X = preprocessing.scale(_checked(values, name), name)
    return NewRows(X, name, None if labels is None else np.asarray(labels).astype(str), ids)


def _checked(values, name: str) -> np.ndarray:
    """Numbers only, finite, a 2-D table with rows (Dataset's checks, one line each)."""
    return Dataset(X=values, y=None, name=name).X


def _id_column(content: bytes, id_column: str | None) -> tuple[bytes, np.ndarray | None]:
    """The CSV without the run's ID column, and that column's values (None when the file has no such column)."""
    if id_column is None or id_column not in csv_columns(content):
        return content, None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content, None  # read_csv says what is wrong with the file
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    at = [cell.strip() for cell in rows[0]].index(id_column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([cell for j, cell in enumerate(row) if j != at] for row in rows)
    return out.getvalue().encode(), np.array([row[at].strip() if at < len(row) else "" for row in rows[1:]])


def _csv_values(content: bytes, name: str, preprocessing: Preprocessing) -> tuple[np.ndarray, np.ndarray | None]:
    """The file's feature columns in the run's order, and its true labels when it has the run's label column."""
    header = csv_columns(content)
    labels_at = label_index(header, preprocessing.label_column)
    names = file_column_names(header, preprocessing.label_column if labels_at is not None else None)
    expected = preprocessing.feature_names
    if labels_at is not None and names is None and len(header) != preprocessing.n_features + 1:
        labels_at = None  # numbered columns: the label column is there only if there is one column more
    values, labels = read_csv(content, labels_at, name)
    if names is not None and expected is not None:
        missing = [c for c in expected if c not in names]
        extra = [c for c in names if c not in expected]
        if missing or extra:
            raise DataError(f"{name}: its columns differ from the run's: " + "; ".join(
                part for part in (_listed("missing", missing), _listed("not in the run", extra)) if part))
        return values[:, [names.index(c) for c in expected]], labels
    if values.shape[1] != preprocessing.n_features:
        shown = f" ({', '.join(expected)})" if expected else ""
        raise DataError(f"{name}: {values.shape[1]} feature columns, but the run was trained on "
                        f"{preprocessing.n_features}{shown}")
    return values, labels


def _listed(what: str, columns: list[str]) -> str:
    return f"{what} {', '.join(repr(c) for c in columns)}" if columns else ""


def _as_rows(values: np.ndarray, name: str, preprocessing: Preprocessing) -> np.ndarray:
    """A 2-D array of the run's width; images of the run's kind as such rows."""
    values = np.asarray(values)
    if values.ndim in (3, 4) and preprocessing.image_shape is not None:
        if values.ndim == 3:
            values = values[:, None]
        elif values.shape[1] not in (1, 3) and values.shape[-1] in (1, 3, 4):
            values = values.transpose(0, 3, 1, 2)  # (n, H, W, C) -> (n, C, H, W)
        return fit_images(values.astype(np.float32), preprocessing.image_shape).reshape(len(values), -1)
    if values.ndim != 2 or values.shape[1] != preprocessing.n_features:
        kind = "images of shape " + "x".join(map(str, preprocessing.image_shape)) if preprocessing.image_shape \
            else "rows"
        raise DataError(f"{name}: an array of shape {values.shape}, but the run was trained on {kind} of "
                        f"{preprocessing.n_features} values each")
    return values


def _images(content: bytes, name: str, preprocessing: Preprocessing) -> NewRows:
    """A zip of images (already in [0, 1]) at the run's size and colours."""
    if preprocessing.image_shape is None:
        raise DataError(f"{name}: images, but the run was trained on a table of {preprocessing.n_features} columns")
    pictures = load_image_zip(content, name)
    images = pictures.X.reshape(pictures.n_samples, *pictures.image_shape)
    X = fit_images(images, preprocessing.image_shape).reshape(pictures.n_samples, -1)
    labels = None if pictures.y is None else label_names(pictures.y, pictures.class_names)
    return NewRows(X.astype(np.float32), name, labels)


def fit_images(images: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """(n, C, H, W) images as (n, channels, height, width) of `shape`: colours converted, size resized."""
    from PIL import Image

    channels, height, width = shape
    images = images[:, :3]
    if images.shape[1] != channels:
        images = (np.tensordot(LUMINANCE, images, axes=([0], [1]))[:, None] if channels == 1
                  else np.repeat(images, channels, axis=1))
    if images.shape[2:] == (height, width):
        return images
    return np.stack([[np.asarray(Image.fromarray(plane).resize((width, height), Image.BILINEAR))
                      for plane in picture] for picture in images.astype(np.float32)])
