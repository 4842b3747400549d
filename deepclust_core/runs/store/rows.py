"""What the run store says about a run and its epochs, as plain read-only values.

`RunRecord` is one row of the runs table (what the Runs page lists); `EpochRow` is one
epoch's numbers without its arrays (what curves and exports need); `Parent` ties a branched
run to the snapshot it started from; `SweepTag` ties a run to the sweep it is a trial of.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Mapping

from ...data.dataset import Dataset
from ...settings.run_file import config_from_dict
from ...settings.train import TrainConfig

STATUSES = ("running", "finished", "converged", "stopped", "failed", "interrupted")
EXAMPLE_ORIGIN = "gallery"  # the origin stored with the shipped examples (runs/examples.py): a stored value, kept


def epoch_position(phase: str, epoch: int, pretrain_epochs: int) -> int:
    """A run's epoch axis: pretraining epochs first, then clustering epochs."""
    return epoch if phase == "pretrain" else pretrain_epochs + epoch


@dataclass(frozen=True)
class Parent:
    run_id: str
    seq: int  # the parent's snapshot the child started from
    epoch: int  # that snapshot's place on the parent's epoch axis (`epoch_position`)


@dataclass(frozen=True)
class SweepTag:
    sweep_id: str  # the sweep's id (deepclust_core.sweeps), shared by all its trials
    setting: str  # the trial's setting, the same for every seed of it: "dekm stop_tolerance=0.005"


@dataclass(frozen=True)
class DataInfo:
    """The data set a run trained on: enough to name it, check it, load it again, and read new rows
    as its rows were read (its scaling, columns, ID column). The one record of a run's preprocessing."""

    name: str
    fingerprint: str  # Dataset.fingerprint()
    source: dict | None  # load_dataset(**source); None when it cannot be reloaded (an upload)
    n_samples: int
    n_features: int
    image_shape: tuple[int, ...] | None = None
    class_names: tuple[str, ...] | None = None
    scaling: str = "none"
    feature_names: tuple[str, ...] | None = None  # the Dataset fields of the same names (see data/dataset.py)
    column_means: tuple[float, ...] | None = None  # None in runs recorded before they were kept
    column_stds: tuple[float, ...] | None = None
    pixel_range: tuple[float, float] | None = None  # None in runs recorded before it was kept
    id_column: str | None = None
    label_column: str | None = None
    dropped_columns: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: Dataset) -> "DataInfo":
        def floats(values):
            return None if values is None else tuple(values.tolist())

        return cls(data.name, data.fingerprint(), data.source, data.n_samples, data.n_features, data.image_shape,
                   data.class_names, data.scaling, data.feature_names, floats(data.column_means),
                   floats(data.column_stds), data.pixel_range, data.id_column, data.label_column,
                   data.dropped_columns)

    def with_rows(self, X, y=None, ids=None) -> Dataset:
        """Rows of this data set (say the stored display rows) as a Dataset that says all this record does."""
        return Dataset(X=X, y=y, name=self.name, image_shape=self.image_shape, class_names=self.class_names,
                       scaling=self.scaling, feature_names=self.feature_names, column_means=self.column_means,
                       column_stds=self.column_stds, pixel_range=self.pixel_range, label_column=self.label_column,
                       id_column=self.id_column, ids=ids, dropped_columns=self.dropped_columns)


@dataclass(frozen=True)
class RunRecord:
    id: str
    created: float  # seconds since the epoch
    origin: str  # "app", "cli", "python", "sweep" or EXAMPLE_ORIGIN
    status: str  # one of STATUSES
    error: str | None  # why it failed or was interrupted
    config: TrainConfig
    data: DataInfo
    n_snapshots: int  # snapshots saved so far
    final_step: str  # the newest snapshot's step name, "cluster 12/100"
    final_metrics: Mapping[str, float]  # the newest snapshot's ACC / NMI / ARI (empty without labels)
    elapsed: float  # seconds of training up to the newest snapshot
    parent: Parent | None = None
    sweep: SweepTag | None = None  # the sweep the run is a trial of
    read_only: bool = False  # a shipped example (runs/examples.py): open and branch, never delete
    name: str = ""  # the user's name for the run ('' when nobody named it)
    race: str | None = None  # the race the run ran in beside other methods (runs/race/)

    @classmethod
    def from_row(cls, row: sqlite3.Row, *, status: str, error: str | None, read_only: bool) -> "RunRecord":
        """A row of the runs table, with the status and error to report (an "interrupted" run is stored as
        "running" until a writer marks it)."""
        info = json.loads(row["data"])
        for name in ("image_shape", "class_names", "feature_names", "column_means", "column_stds", "pixel_range"):
            info[name] = None if info.get(name) is None else tuple(info[name])
        info["dropped_columns"] = tuple(info.get("dropped_columns", ()))
        parent = None if row["parent_id"] is None else Parent(row["parent_id"], row["parent_seq"], row["parent_epoch"])
        sweep = None if row["sweep_id"] is None else SweepTag(row["sweep_id"], row["sweep_setting"])
        return cls(
            id=row["id"], name=row["name"], created=row["created"], origin=row["origin"], status=status, error=error,
            config=config_from_dict(json.loads(row["config"])), data=DataInfo(**info), n_snapshots=row["n_snapshots"],
            final_step=row["final_step"], final_metrics=json.loads(row["final_metrics"]), elapsed=row["elapsed"],
            parent=parent, sweep=sweep, read_only=read_only, race=row["race_id"])

    @property
    def method(self) -> str:
        return self.config.method

    @property
    def active(self) -> bool:
        return self.status == "running"

    @property
    def date(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.created))

    @property
    def label(self) -> str:
        """One line that tells runs apart in a list: its name first, when it has one."""
        acc = self.final_metrics.get("acc")
        score = f" · ACC {acc:.3f}" if acc is not None else ""
        example = " (example)" if self.read_only else ""
        named = f"{self.name}: " if self.name else ""
        return f"{named}{self.config.method} on {self.data.name}{score} · {self.date} · {self.id}{example}"

    @property
    def title(self) -> str:
        """The run's name, else its method and data: what a heading or a file name calls it."""
        return self.name or f"{self.config.method} on {self.data.name}"

    def key_settings(self) -> str:
        """K, epochs, batch, learning rate, seed and the method's options, in one line."""
        c = self.config
        options = " ".join(f"{k}={v}" for k, v in c.method_options.items())
        return (f"K={c.n_clusters} · {c.pretrain_epochs}+{c.cluster_epochs} epochs · batch {c.batch_size} · "
                f"lr {c.lr:g} · seed {c.seed}" + (f" · {options}" if options else ""))


@dataclass(frozen=True)
class EpochRow:
    """One snapshot's numbers, as stored (its arrays live in the run's files)."""

    seq: int  # arrival number within the run, 0-based: the same as LiveRun's Entry.seq
    phase: str
    epoch: int
    epochs_in_phase: int
    losses: Mapping[str, float]
    metrics: Mapping[str, float]
    scalars: Mapping[str, float]
    reference_metrics: Mapping[str, float]
    changed: float
    seconds: float
    elapsed: float
    device: str
    converged: bool
    view: Mapping = field(default_factory=dict)  # the ClusterView's non-array fields
    has_layout: bool = False  # a UMAP frame is stored
    has_weights: bool = False  # the autoencoder's weights are stored (see StoreConfig)

    @classmethod
    def from_row(cls, r: sqlite3.Row) -> "EpochRow":
        """A row of the epochs table."""
        return cls(
            seq=r["seq"], phase=r["phase"], epoch=r["epoch"], epochs_in_phase=r["epochs_in_phase"],
            losses=json.loads(r["losses"]), metrics=json.loads(r["metrics"]), scalars=json.loads(r["scalars"]),
            reference_metrics=json.loads(r["reference"]), changed=r["changed"], seconds=r["seconds"],
            elapsed=r["elapsed"], device=r["device"], converged=bool(r["converged"]), view=json.loads(r["view"]),
            has_layout=bool(r["has_layout"]), has_weights=bool(r["has_weights"]))

    @property
    def step_name(self) -> str:
        return f"{self.phase} {self.epoch}/{self.epochs_in_phase}"
