"""The type every method returns for the panel of its own clustering space (`Method.clustering_view`),
beside the UMAP frames of the embedding: torch-free, so the pages that draw a run need no training code."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.frozen import frozen_array


@dataclass(frozen=True, eq=False)
class ClusterView:
    """The space a method clusters in, in its own coordinates, on the display subsample.

    `coords` has one column per axis in `axis_names`; the panel draws `default_axes` unless
    the user picks others. `spectrum` is an optional bar chart beneath (DEKM: eigenvalues of
    S_w), `point_values` an optional per-point quantity (assignment confidence, say).
    """

    title: str
    coords: np.ndarray  # (n_display, m)
    axis_names: tuple[str, ...]
    default_axes: tuple[int, int] = (0, 1)
    centroids: np.ndarray | None = None  # (K, m) in the same coordinates
    spectrum: np.ndarray | None = None  # (m,)
    spectrum_name: str = ""
    spectrum_reference: float | None = None  # a level drawn across the spectrum (DEPICT: the uniform prior 1/K)
    point_values: np.ndarray | None = None  # (n_display,)
    point_values_name: str = ""
    note: str = ""

    def __post_init__(self):
        for name in ("coords", "centroids", "spectrum", "point_values"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, frozen_array(value, np.float32))
        if self.coords.ndim != 2 or self.coords.shape[1] != len(self.axis_names):
            raise ValueError(f"{self.title}: {self.coords.shape} coordinates for {len(self.axis_names)} axis names")
