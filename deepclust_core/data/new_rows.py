"""A user's file of new rows, read through the data layer as any file is (csv_table, numpy_files,
images: the same checks, one line for a damaged file), then put in a stored run's terms: its
columns in its order, its scaling, its image size. What differs from the run's data is one line
(DataError) that names it.

    new = read_new_rows(content, "new.csv", run_data)   # a Dataset: X scaled as the run's X

`run_data` describes the data the run trained on (the Dataset itself, or `DataInfo.with_rows`).
CSV: the run's label column gives true labels and its ID column the rows' IDs when the file has
them, the columns the run dropped are dropped, and the rest must be the run's feature columns,
matched by name in any order (by position when the file or the run has no header). .npy / .npz:
a table of the run's width, or images for a run on images; arrays hold values in the units of
the run's file (digits: 0 to 16). A .zip holds 8-bit pictures. Images of another size are
resized, grey or colour converted to the run's.
"""
from __future__ import annotations

import numpy as np

from .csv_table import TableOptions, csv_columns, numbered_columns, read_csv
from .dataset import DataError, Dataset
from .file_kinds import file_kind
from .images import load_image_zip
from .numpy_files import read_npy, read_npz

LUMINANCE = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as Pillow's convert("L")


def read_new_rows(content: bytes, name: str, run: Dataset, drop_missing: bool = False) -> Dataset:
    """The rows of a file's contents (its kind from `name`, checked against the content) as the run's rows:
    X scaled as the run's X, with the file's true labels, IDs and row numbers (`rows_in_file()`)."""
    kind = file_kind(content, name)
    if kind == "csv":
        new = read_csv(content, name, _table_options(content, run, drop_missing))
    elif kind == "zip":
        new = load_image_zip(content, name)
    else:
        new = (read_npy if kind == "npy" else read_npz)(content, name, drop_missing)
    if new.is_image:
        X = _images_like_run(new, run, name, pictures=kind == "zip")
    else:
        X = scaled_like_run(_columns_like_run(new, run, name), run, name)
    return Dataset(X=X, y=new.y, name=name, image_shape=run.image_shape, class_names=new.class_names,
                   scaling=run.scaling, id_column=new.id_column, ids=new.ids, file_rows=new.file_rows,
                   dropped_rows=new.dropped_rows)


def scaled_like_run(values: np.ndarray, run: Dataset, name: str) -> np.ndarray:
    """Rows in the run's file units, columns in its order, scaled as its X (`Dataset.scale_like_file`)."""
    if run.scaling != "none" and run.column_means is None and run.pixel_range is None:
        raise DataError(f"{name}: the run was recorded before its scaling ({run.scaling}) was kept with it, so new "
                        "rows cannot be scaled as its rows were; train it again to assign new rows")
    return run.scale_like_file(values)


def _table_options(content: bytes, run: Dataset, drop_missing: bool) -> TableOptions:
    """The run's label, ID and dropped columns, those of them the file has; none for a file without a
    header that holds as many columns as the run has features (they are its features, in order)."""
    header = csv_columns(content)
    if header == numbered_columns(len(header)) and len(header) == run.n_features:
        return TableOptions(drop_missing=drop_missing)

    def present(column: str | None) -> str | None:
        return column if column in header else None

    return TableOptions(present(run.label_column), present(run.id_column),
                        tuple(c for c in run.dropped_columns if c in header), drop_missing)


def _columns_like_run(new: Dataset, run: Dataset, name: str) -> np.ndarray:
    """The new table's values in the file's units, its columns in the run's order: by name when both name
    their columns, else by position."""
    values = new.in_file_units(new.X)
    names, expected = new.feature_names, run.feature_names
    if names and expected and not _unnamed(names) and not _unnamed(expected):
        missing = [c for c in expected if c not in names]
        extra = [c for c in names if c not in expected]
        if missing or extra:
            raise DataError(f"{name}: its columns differ from the run's: " + "; ".join(
                part for part in (_listed("missing", missing), _listed("not in the run", extra)) if part))
        return values[:, [names.index(c) for c in expected]]
    if values.shape[1] != run.n_features:
        trained_on = (f"images of shape {'x'.join(map(str, run.image_shape))} ({run.n_features} values each)"
                      if run.is_image else f"{run.n_features} ({', '.join(run.column_names())})")
        raise DataError(f"{name}: {values.shape[1]} feature columns, but the run was trained on {trained_on}")
    return values


def _unnamed(columns: tuple[str, ...]) -> bool:
    return list(columns) == numbered_columns(len(columns))


def _listed(what: str, columns: list[str]) -> str:
    return f"{what} {', '.join(repr(c) for c in columns)}" if columns else ""


def _images_like_run(new: Dataset, run: Dataset, name: str, pictures: bool) -> np.ndarray:
    """New images at the run's size and colours, scaled as its X: arrays from the run's file units,
    8-bit `pictures` (a zip) as the data layer scales them, to [0, 1]."""
    if not run.is_image:
        raise DataError(f"{name}: images, but the run was trained on a table of {run.n_features} columns")
    values = new.X if pictures else new.in_file_units(new.X)
    images = values.reshape(new.n_samples, *new.image_shape).astype(np.float32)
    fitted = fit_images(images, run.image_shape).reshape(new.n_samples, -1)
    return fitted.astype(np.float32) if pictures else scaled_like_run(fitted, run, name)


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
