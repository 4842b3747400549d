"""Data specs of the benchmark: "digits", "blobs", "blobs:2000", "fashion-mnist:10000".

`name:n` means a seeded n-row subsample for the built-in image sets, and n generated rows
for the synthetic ones. The subsample seed is fixed (SUBSAMPLE_SEED), so every model seed
sees the same rows: across seeds only the model varies, never the data.
"""
from __future__ import annotations

from dataclasses import dataclass

from deepclust_core import Dataset, load_dataset
from deepclust_core.data.dataset import DataError
from deepclust_core.data.loaders import BUILT_IN, SYNTHETIC

SUBSAMPLE_SEED = 0  # the data subsample (and synthetic generator) seed, the same for every model seed


@dataclass(frozen=True)
class DataSpec:
    text: str  # as given on the command line, used as the row label of the table
    name: str  # a name from deepclust_core.data.loaders.BUILT_IN
    size: int | None  # subsample size (image sets) or generated rows (synthetic sets); None: all / default


def parse_data_spec(text: str) -> DataSpec:
    """`name` or `name:n`; ValueError with a one-line message on anything else."""
    name, _, size = text.strip().partition(":")
    if name not in BUILT_IN:
        raise ValueError(f"unknown data set {name!r} in --data; choose from {', '.join(BUILT_IN)} (optionally name:n)")
    if size and (not size.isdigit() or int(size) < 1):
        raise ValueError(f"--data {text!r}: the part after ':' must be a positive number of rows")
    return DataSpec(text.strip(), name, int(size) if size else None)


def load_spec(spec: DataSpec, data_dir: str | None = None) -> Dataset:
    """The rows of `spec`, drawn with SUBSAMPLE_SEED whatever the model seed."""
    if spec.name in SYNTHETIC:
        return load_dataset(spec.name, n_samples=spec.size or 1000, seed=SUBSAMPLE_SEED)
    data = load_dataset(spec.name, path=data_dir, subsample=spec.size, seed=SUBSAMPLE_SEED)
    if data.y is None:
        raise DataError(f"{spec.text}: no labels, so ACC / NMI / ARI cannot be computed")
    return data
