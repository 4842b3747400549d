"""Branching: continue a stored run from one of its snapshots, with other settings, as a new run.

    child_config = branch_config(parent_config, at, {"lr": 5e-4})
    start = branch_start(store, run_id, seq, data, child_config)
    RecordedTraining(data, child_config, store, origin="cli", branch_from=start)   # or LiveRun(..., branch_from=start)

The child starts from the autoencoder weights the parent had at that snapshot (kept by the
store as float16, see StoreConfig). What the store does not keep is the method's own state
(centroids, heads, targets): the child's method is set up afresh on the branched embedding,
exactly as after pretraining (k-means for most methods). Branched during pretraining, the
child first finishes the pretraining epochs that were left, from those weights.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from ..data.dataset import DataError, Dataset
from ..data.loaders import load_dataset
from ..recipe.build import config_for
from ..settings.train import TrainConfig
from .store import RunStore
from .store.rows import EpochRow, Parent, RunRecord, epoch_position

if TYPE_CHECKING:  # torch: branch_start imports it when called; the branch form (ui.branch) needs none
    from ..networks.autoencoder import Autoencoder

FIXED = ("autoencoder", "display_size")  # the weights fix the architecture; the display rows stay comparable


@dataclass(frozen=True)
class BranchStart:
    autoencoder: Autoencoder  # holding the parent's weights at the snapshot
    parent: Parent


def branch_config(parent: TrainConfig, at: EpochRow, changes: dict) -> TrainConfig:
    """The parent's settings with `changes`, no pretraining (or what was left of it), never the cache.

    Built by `config_for` like every run's settings, with the parent's settings as the user's choices
    and `changes` on top of them: the method's recipe shows only where the parent says nothing, in the
    options of a method it did not run (unless `changes` gives them)."""
    fixed = [name for name in FIXED if name in changes and changes[name] != getattr(parent, name)]
    if fixed:
        raise ValueError(f"a branch keeps the parent's {', '.join(fixed)}")
    unknown = set(changes) - {f.name for f in fields(TrainConfig)}
    if unknown:
        raise ValueError(f"unknown settings {', '.join(sorted(unknown))}")
    if changes.get("method", parent.method) != parent.method:
        changes = {"method_options": {}, **changes}  # the parent's options belong to its method
    left = parent.pretrain_epochs - at.epoch if at.phase == "pretrain" else 0
    settings = {**asdict(parent), "pretrain_epochs": left, **changes, "use_cache": False}
    settings["autoencoder"] = asdict(parent.autoencoder)  # changes may name it, unchanged, as an AutoencoderConfig
    return config_for(settings.pop("method"), settings.pop("n_clusters"), autoencoder=settings.pop("autoencoder"),
                      options=settings.pop("method_options"), **settings)


def branch_start(store: RunStore, run_id: str, seq: int, data: Dataset, config: TrainConfig) -> BranchStart:
    """A fresh autoencoder of the child's architecture holding the parent's weights at snapshot `seq`."""
    from ..training.loop import new_autoencoder

    record = store.run_record(run_id)
    if data.fingerprint() != record.data.fingerprint:
        raise DataError(f"{data.name} is not the data run {run_id} trained on")
    weights = store.load_weights(run_id, seq)  # KeyError when the store kept none for `seq`
    row = store.epoch_rows(run_id, after=seq - 1)[0]
    autoencoder = new_autoencoder(data, config)
    autoencoder.load_state_dict(weights)
    return BranchStart(autoencoder, Parent(run_id, seq, epoch_position(row.phase, row.epoch, record.config.pretrain_epochs)))


def reload_data(record: RunRecord) -> Dataset:
    """The data set a stored run trained on, loaded again and checked; DataError when it cannot be."""
    if record.data.source is None:
        raise DataError(f"{record.data.name} was uploaded, not loaded from a name or a path: "
                        "branch from it on the Train page while its run is open there")
    data = load_dataset(**record.data.source)
    if data.fingerprint() != record.data.fingerprint:
        raise DataError(f"{record.data.name} has changed on disk since run {record.id} trained on it")
    return data
