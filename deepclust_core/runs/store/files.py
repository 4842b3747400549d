"""The files of one stored run: compressed numpy arrays and autoencoder weights, each
written under a temporary name and moved into place with os.replace (atomic), and read
back without unpickling (`allow_pickle=False`, `torch.load(weights_only=True)`).

Display arrays (embedding, clustering-space coordinates, UMAP frames) are kept as float16
unless a value falls outside its range: they are only drawn, and float16 halves the files.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...data.dataset import Dataset
from ...evaluation.profile import ClusterMoments
from ...projection.cluster_view import ClusterView
from ...training.input_plane import InputPlane
from ...training.snapshot import Snapshot

if TYPE_CHECKING:  # torch is imported when weights are written or read, not for browsing stored runs
    import torch

VIEW_FIELDS = ("title", "axis_names", "default_axes", "spectrum_name", "point_values_name", "note")
VIEW_ARRAYS = ("coords", "centroids", "spectrum", "point_values")
FLOAT16_LIMIT = 6.0e4  # float16 tops out at 65504


@dataclass(frozen=True)
class DisplayRows:
    """The rows a run's snapshots show: their index in the data set, features and true labels."""

    index: np.ndarray  # (n_display,) rows of the data set
    X: np.ndarray  # (n_display, d) float32
    y: np.ndarray | None  # (n_display,) int64, None without labels
    ids: np.ndarray | None = None  # (n_display,) str, the ID column's values (see Dataset.ids)


def compact(values: np.ndarray, dtype: str = "float16") -> np.ndarray:
    """Floats as `dtype` when every value fits, else float32; integers as the smallest type that holds them."""
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return values.astype(np.int16 if values.size == 0 or np.abs(values).max() < 2**15 else np.int32)
    finite = values[np.isfinite(values)]
    fits = dtype == "float16" and (finite.size == 0 or np.abs(finite).max() < FLOAT16_LIMIT)
    return values.astype(np.float16 if fits else np.float32)


def write_arrays(path: Path, **arrays: np.ndarray) -> None:
    """np.savez_compressed to a temporary name, then an atomic rename."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(partial, "wb") as stream:
        np.savez_compressed(stream, **arrays)
    os.replace(partial, path)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


def stored_arrays(seq: int, snapshot: Snapshot, data: Dataset, dtype: str) -> tuple[dict, dict | None]:
    """What rows.npz and assigner.npz keep of snapshot `seq`, one with RowResults (None: no assigner)."""
    rows = snapshot.rows
    arrays = {"seq": np.array(seq), "labels": compact(snapshot.labels), "confidence": rows.confidence,
              "confidence_name": np.array(rows.confidence_name), "embedding": compact(rows.embedding, dtype),
              "rows": data.rows_in_file()}
    if data.y is not None:
        arrays["y"] = compact(data.y)
    if data.ids is not None:
        arrays["ids"] = data.ids
    if not data.is_image:  # what cluster profiles are made of, in the file's units (evaluation/profile.py)
        arrays.update(ClusterMoments.of(data.in_file_units(data.X), snapshot.labels, len(snapshot.cluster_sizes))
                      .to_arrays())
    return arrays, None if rows.assigner is None else {"seq": np.array(seq), **rows.assigner.to_arrays()}


def snapshot_arrays(snapshot: Snapshot, dtype: str) -> dict[str, np.ndarray]:
    """What a snapshot holds as arrays, display rows only, compacted."""
    arrays = {"labels": compact(snapshot.display_labels), "cluster_sizes": snapshot.cluster_sizes.astype(np.int64),
              "embedding": compact(snapshot.embedding, dtype)}
    if snapshot.centroids is not None:
        arrays["centroids"] = snapshot.centroids.astype(np.float32)
    for name in VIEW_ARRAYS:
        value = getattr(snapshot.view, name)
        if value is not None:
            arrays[f"view_{name}"] = value.astype(np.float32) if name != "coords" else compact(value, dtype)
    if snapshot.plane is not None:  # the input plane: grid axes, each grid point's cluster, decoded centres
        arrays.update(plane_x=snapshot.plane.x, plane_y=snapshot.plane.y, plane_clusters=snapshot.plane.clusters)
        if snapshot.plane.centres is not None:
            arrays["plane_centres"] = snapshot.plane.centres
    return arrays


def plane_from(arrays: dict[str, np.ndarray]) -> InputPlane | None:
    """The input plane `snapshot_arrays` kept, or None (other data, or a run recorded before planes)."""
    if "plane_clusters" not in arrays:
        return None
    return InputPlane(arrays["plane_x"], arrays["plane_y"], arrays["plane_clusters"], arrays.get("plane_centres"))


def view_fields(view: ClusterView) -> dict:
    """The ClusterView's non-array fields, as JSON types."""
    return {name: list(value) if isinstance(value, tuple) else value
            for name, value in ((name, getattr(view, name)) for name in VIEW_FIELDS)}


def snapshot_from(row, arrays: dict[str, np.ndarray], display_index: np.ndarray) -> Snapshot:
    """A display-size Snapshot from an EpochRow and its arrays (labels of the display rows only)."""
    meta = dict(row.view)
    view = ClusterView(title=meta["title"], axis_names=tuple(meta["axis_names"]),
                       default_axes=tuple(meta["default_axes"]), spectrum_name=meta["spectrum_name"],
                       point_values_name=meta["point_values_name"], note=meta["note"],
                       **{name: arrays.get(f"view_{name}") for name in VIEW_ARRAYS})
    return Snapshot(
        phase=row.phase, epoch=row.epoch, epochs_in_phase=row.epochs_in_phase, losses=row.losses,
        labels=arrays["labels"], metrics=row.metrics, changed=row.changed, cluster_sizes=arrays["cluster_sizes"],
        display_index=display_index, embedding=arrays["embedding"], centroids=arrays.get("centroids"), view=view,
        seconds=row.seconds, elapsed=row.elapsed, device=row.device, converged=row.converged, scalars=row.scalars,
        reference_metrics=row.reference_metrics, labels_cover_display_only=True, plane=plane_from(arrays),
    )


def cpu_weights(state: dict[str, torch.Tensor], dtype: str) -> dict[str, torch.Tensor]:
    """A detached CPU copy of a state_dict, floating tensors as `dtype` (as the store keeps them)."""
    import torch

    cast = getattr(torch, dtype)
    return {name: (t.detach().to("cpu", cast) if t.is_floating_point() else t.detach().cpu()) for name, t in state.items()}


def write_weights(path: Path, state: dict[str, torch.Tensor], dtype: str) -> int:
    """An autoencoder's state_dict, floating tensors as `dtype`; the file's size in bytes."""
    import torch

    state = cpu_weights(state, dtype)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(state, partial)
    os.replace(partial, path)
    return path.stat().st_size


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """Weights as float32 (load_state_dict would cast them anyway); never unpickles code."""
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    return {name: t.float() if t.is_floating_point() else t for name, t in state.items()}


def thinned_weights(saved: list[int], *, stride: int, pinned: int | None, newest: int, size: int,
                    budget: float) -> tuple[int, list[int]]:
    """Which snapshots keep their weights once snapshot `newest`'s are saved (`size` bytes each): those on the
    run's stride, doubled until they fit `budget` bytes, the first clustering snapshot (`pinned`) and the newest.
    Returns the new stride and the snapshots whose weights to delete."""
    def kept(stride: int) -> list[int]:
        return [s for s in saved if s % stride == 0 or s in (pinned, newest)]

    while len(kept(stride)) * size > budget and stride <= newest:
        stride *= 2
    return stride, sorted(set(saved) - set(kept(stride)))
