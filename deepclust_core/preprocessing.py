"""What a run keeps of how its rows were made from the user's file, so that new rows go through
the same steps (column order, scaling, image size) and per-row exports name rows as the file did.

    preprocessing = preprocessing_of(data)       # when a run is created; the store keeps it
    X = preprocessing.scale(values, "new.csv")   # new rows in the file's units -> rows like the run's X

The Dataset is read in three functions only (`preprocessing_of`, `row_ids`, `file_rows`): column
names, ID columns, file rows and column statistics are not Dataset fields yet, so today they give
the scaling, the label column and the image shape, no IDs, and rows numbered 0..n-1.
Runs recorded without column statistics (before they were kept) get them back from their
training file when it is still where it was and unchanged (`recovered`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset
from .run_record import RunRecord

STANDARDISED = "standardised columns"
PIXELS = "pixels [0, 1]"


@dataclass(frozen=True, eq=False)
class Preprocessing:
    """The steps between a file's values and a run's rows X."""

    scaling: str  # Dataset.scaling: "standardised columns", "pixels [0, 1]" or "none"
    n_features: int
    image_shape: tuple[int, ...] | None = None  # (channels, height, width)
    feature_names: tuple[str, ...] | None = None  # the file's columns of X, in X's order; None: unnamed
    label_column: str | None = None  # the column of true labels, by name or 0-based index
    id_column: str | None = None  # the column of row IDs, kept for exports, never clustered
    column_means: np.ndarray | None = None  # (d,) "standardised columns": X = (value - mean) / std
    column_stds: np.ndarray | None = None  # (d,) 1 for a constant column
    pixel_range: tuple[float, float] | None = None  # "pixels [0, 1]": X = (value - low) / (high - low)

    @property
    def knows_scaling(self) -> bool:
        """Whether `scale` can repeat the run's scaling on new rows."""
        return self.scaling != STANDARDISED or self.column_means is not None

    def scale(self, values: np.ndarray, name: str) -> np.ndarray:
        """Rows in the file's units (columns in X's order) scaled as the run's X: float32 (m, d)."""
        values = np.asarray(values, dtype=np.float64)
        if self.scaling == STANDARDISED:
            if self.column_means is None:
                raise DataError(f"{name}: the run's column means and deviations were not recorded, so new rows "
                                "cannot be scaled as its rows were")
            values = (values - self.column_means) / self.column_stds
        elif self.scaling == PIXELS and self.pixel_range is not None:
            low, high = self.pixel_range
            values = (values - low) / (high - low)
        elif self.scaling == PIXELS and values.size and (values.min() < -0.01 or values.max() > 1.01):
            raise DataError(f"{name}: values from {values.min():g} to {values.max():g}, but the run's rows are pixels "
                            "in [0, 1] and their original range was not recorded: scale the rows to [0, 1] first")
        return values.astype(np.float32)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for np.savez (strings as unicode arrays: read back without unpickling)."""
        arrays = {"scaling": np.array(self.scaling), "n_features": np.array(self.n_features)}
        optional = {"image_shape": self.image_shape, "feature_names": self.feature_names,
                    "label_column": self.label_column, "id_column": self.id_column, "column_means": self.column_means,
                    "column_stds": self.column_stds, "pixel_range": self.pixel_range}
        arrays.update({name: np.asarray(value) for name, value in optional.items() if value is not None})
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "Preprocessing":
        def text(name):
            return str(arrays[name]) if name in arrays else None

        def values(name, kind=tuple):
            return kind(arrays[name].tolist()) if name in arrays else None

        return cls(scaling=str(arrays["scaling"]), n_features=int(arrays["n_features"]),
                   image_shape=values("image_shape"), feature_names=values("feature_names"),
                   label_column=text("label_column"), id_column=text("id_column"),
                   column_means=arrays.get("column_means"), column_stds=arrays.get("column_stds"),
                   pixel_range=values("pixel_range"))


def preprocessing_of(data: Dataset) -> Preprocessing:
    """What `data` says about its preprocessing (the one place that reads it from a Dataset)."""
    label_column = None if data.source is None else data.source.get("label_column")
    return Preprocessing(scaling=data.scaling, n_features=data.n_features, image_shape=data.image_shape,
                         label_column=None if label_column in (None, "") else str(label_column))


def row_ids(data: Dataset) -> np.ndarray | None:
    """(n,) each row's value in the ID column the user named, else None."""
    return None


def file_rows(data: Dataset) -> np.ndarray:
    """(n,) each row's 0-based place among the rows of the data it was loaded from."""
    return np.arange(data.n_samples)


def column_statistics(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Means and standard deviations as `dataset.standardise_columns` uses them (a constant column: 1)."""
    values = np.asarray(values, dtype=np.float64)
    std = values.std(axis=0)
    return values.mean(axis=0), np.where(std > 0, std, 1.0)


def recovered(preprocessing: Preprocessing, record: RunRecord) -> Preprocessing:
    """`preprocessing` with the column names and statistics of the run's training file, read again, when
    they were not recorded; unchanged when they were, or when the file is gone or has changed."""
    source = record.data.source
    if preprocessing.knows_scaling or source is None or source.get("name") != "file" or not source.get("path"):
        return preprocessing
    from .branch import reload_data
    from .loaders import csv_columns, read_csv, read_numpy

    path = Path(source["path"])
    try:
        reload_data(record)  # the rows it trained on, else DataError
        content = path.read_bytes()
    except (DataError, OSError):
        return preprocessing
    names = None
    if path.suffix.lower() == ".csv":
        values, _ = read_csv(content, source.get("label_column"), path.name)
        names = file_column_names(csv_columns(content), preprocessing.label_column)
    else:
        values = read_numpy(content, path.suffix.lower(), path.name)[0]
    means, stds = column_statistics(values.reshape(len(values), -1))
    return replace(preprocessing, feature_names=names, column_means=means, column_stds=stds)


def file_column_names(header: list[str], label_column: str | None) -> tuple[str, ...] | None:
    """The feature columns' names of a CSV header (`loaders.csv_columns`), the label column left out;
    None when the file has no header (its columns are numbered)."""
    if header == [str(j) for j in range(len(header))]:
        return None
    labels_at = label_index(header, label_column)
    return tuple(name for j, name in enumerate(header) if j != labels_at)


def label_index(header: list[str], label_column: str | None) -> int | None:
    """The position of `label_column` (a name, or a 0-based index as text) in `header`; None when absent."""
    if label_column is None:
        return None
    if label_column in header:
        return header.index(label_column)
    if label_column.lstrip("-").isdigit() and -len(header) <= int(label_column) < len(header):
        return int(label_column) % len(header)
    return None
