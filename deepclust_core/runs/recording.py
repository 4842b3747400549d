"""Training a run and saving it as it trains: the one way the app, the CLI, the Python API,
the shipped examples and the benchmarks train and record runs.

    training = RecordedTraining(data, config, store, origin="cli")   # store None: record nothing
    for snapshot in training.snapshots():
        ...
    training.run_id, training.method, training.autoencoder

`RecordedTraining` makes the run's autoencoder (or takes a branch's) and its method, opens its
`Recording`, and hands out the loop's snapshots through `recorded`, which saves every snapshot
(with the autoencoder's weights at that moment) before passing it on, and on the way out
records how the run ended: finished, converged, stopped, failed (with the reason) or
interrupted. A process killed before that leaves its run "running" with a dead owner, which
the store reads back as interrupted.

A run trained elsewhere (a sweep's trial on a Ray worker) is recorded without an autoencoder:
`Recording.save(snapshot, weights)` takes the weights that came with the snapshot.

A store that fails (damaged, not writable, a full disk: runs/store/unavailable.py) never stops training: the run
goes on unrecorded from there, and `Recording.problem` keeps the store's one line for the page or the CLI.
"""
from __future__ import annotations

import time
from typing import Iterator

import numpy as np
import torch

from ..data.dataset import Dataset
from ..methods import Method, make_method
from ..networks.autoencoder import Autoencoder
from ..settings.train import TrainConfig
from ..training.control import TrainingControl
from ..training.loop import TrainingDiverged, new_autoencoder, train
from ..training.snapshot import Snapshot
from .branch import BranchStart
from .store.files import stored_arrays
from .store import RunStore
from .store.rows import Parent, SweepTag
from .store.unavailable import StoreUnavailable

HEARTBEAT_SECONDS = 30.0  # while paused, a live run says "still here" this often


class Recording:
    """One run's record. With `store` None nothing is written, but the run's status is still kept; a store that
    fails stops being written, and `problem` says why in one line."""

    def __init__(self, store: RunStore | None, data: Dataset, config: TrainConfig, *, origin: str,
                 autoencoder: Autoencoder | None = None, parent: Parent | None = None, run_id: str | None = None,
                 sweep: SweepTag | None = None, name: str = ""):
        self.store, self.autoencoder = store, autoencoder
        self.status, self.error = "running", None
        self.problem: str | None = None  # why the run is no longer recorded (StoreUnavailable's line)
        self.run_id = self._written(lambda: store.create_run(data, config, origin=origin, parent=parent,
                                                             run_id=run_id, sweep=sweep, name=name))
        self.seq = -1  # the newest saved snapshot: the same arrival numbers as LiveRun's entries
        self.data = data
        self._results: tuple[int, Snapshot] | None = None  # the newest saved snapshot with every row's results
        self._beat = time.monotonic()

    @property
    def writing(self) -> bool:
        """Written to the store so far (False without a store, or once it failed)."""
        return self.store is not None and self.run_id is not None

    def _written(self, write):
        """`write()`'s result; a failing store is left alone from then on, its line kept in `problem`."""
        if self.store is None:
            return None
        try:
            return write()
        except StoreUnavailable as error:
            self.store, self.problem = None, str(error)
            return None

    def save(self, snapshot: Snapshot, weights: dict[str, torch.Tensor] | None = None) -> None:
        """Save `snapshot` with `weights`, else with the autoencoder's weights now (if it has one)."""
        self.seq += 1
        if self.writing:
            if weights is None and self.autoencoder is not None:
                weights = self.autoencoder.state_dict()
            self._written(lambda: self.store.save_epoch(self.run_id, self.seq, snapshot, weights))
            self._beat = time.monotonic()
            if snapshot.rows is not None:
                self._results = self.seq, snapshot

    def save_layout(self, seq: int, layout: np.ndarray) -> None:
        if self.writing:
            self._written(lambda: self.store.save_layout(self.run_id, seq, layout))

    def join_race(self, race_id: str) -> None:
        """Record the run as one method of race `race_id` (runs/race/)."""
        if self.writing:
            self._written(lambda: self.store.join_race(self.run_id, race_id))

    def heartbeat(self) -> None:
        """Call often; writes at most every HEARTBEAT_SECONDS."""
        if self.writing and time.monotonic() - self._beat > HEARTBEAT_SECONDS:
            self._written(lambda: self.store.heartbeat(self.run_id))
            self._beat = time.monotonic()

    def release(self) -> None:
        """Drop the autoencoder and the newest snapshot's per-row results, once the run has finished."""
        self.autoencoder = self._results = None

    def finish(self, status: str, error: str | None = None) -> None:
        """Record how the run ended, after every row's results at its newest snapshot (training/row_results.py)."""
        self.status, self.error = status, error
        if self.writing and self._results is not None:
            arrays = stored_arrays(*self._results, self.data, self.store.config.display_dtype)
            self._written(lambda: self.store.save_results(self.run_id, *arrays))
        if self.writing:
            self._written(lambda: self.store.finish(self.run_id, status, error))


def failure(error: BaseException) -> tuple[str, str | None]:
    """The status and the reason a run ends with when the loop raises `error`."""
    if isinstance(error, KeyboardInterrupt):
        return "stopped", None
    if isinstance(error, TrainingDiverged):
        return "failed", f"Training diverged: {error}. The history up to the last epoch is kept."
    if isinstance(error, ValueError):  # DataError included: the message is meant for the user
        return "failed", str(error)
    return "failed", f"Unexpected error: {type(error).__name__}: {error}"


def recorded(snapshots: Iterator[Snapshot], recording: Recording,
             control: TrainingControl | None = None) -> Iterator[Snapshot]:
    """Pass `snapshots` through, saving each first; record the ending when they stop coming."""
    status, error = "finished", None
    try:
        for snapshot in snapshots:
            recording.save(snapshot)
            if snapshot.converged:
                status = "converged"
            yield snapshot
    except GeneratorExit:  # the consumer stopped iterating
        status = "stopped"
        raise
    except BaseException as raised:
        status, error = failure(raised)
        raise
    finally:
        if control is not None and control.stopped and status in ("finished", "converged"):
            reason = control.interrupted_because
            status, error = ("interrupted", reason) if reason else ("stopped", None)
        recording.finish(status, error)


class RecordedTraining:
    """One run, trained by the loop and recorded in `store` (None: nothing is written) as it trains.

    `branch_from` starts from a stored run's weights (runs/branch.py), `control` pauses and stops it from
    another thread, `run_id` is its id in the store (the shipped examples), `name` the user's name for it;
    `origin` says who trained it."""

    def __init__(self, data: Dataset, config: TrainConfig, store: RunStore | None, *, origin: str,
                 control: TrainingControl | None = None, branch_from: BranchStart | None = None,
                 run_id: str | None = None, name: str = ""):
        self.data, self.config = data, config
        self.control = control or TrainingControl()
        self.autoencoder: Autoencoder = branch_from.autoencoder if branch_from else new_autoencoder(data, config)
        self.method: Method = make_method(config.method, config.n_clusters, config.seed, config.method_options)
        self.recording = Recording(store, data, config, origin=origin, autoencoder=self.autoencoder,
                                   parent=branch_from and branch_from.parent, run_id=run_id, name=name)
        self.run_id = self.recording.run_id  # None when nothing is recorded

    def snapshots(self) -> Iterator[Snapshot]:
        """Train, yielding a Snapshot after every epoch, each saved first; the ending is recorded when they stop."""
        return recorded(train(self.data, self.config, self.control, self.method, self.autoencoder), self.recording,
                        self.control)
