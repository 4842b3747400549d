"""One trial of a sweep, as it runs on a Ray worker: train one TrainConfig and stream it back.

The worker writes nothing to disk of its own (but the pretrained-autoencoder cache of the
loop, when the config uses one): it yields a `TrialStarted` (where it runs), then one
`TrialEpoch` per snapshot with the autoencoder's weights at that moment, already in the
store's dtype on the CPU (float16: half the bytes to send), then a `TrialEnded` with the
method's own initial partition, and the driver records them
(driver.py). Ray runs it as a streaming generator task (`num_returns="streaming"`), so each
snapshot reaches the driver as soon as it is made:
https://docs.ray.io/en/latest/ray-core/ray-generator.html
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch

from ..data.dataset import Dataset
from ..runs.store.files import cpu_weights
from ..runs.recording import RecordedTraining
from ..settings.train import TrainConfig
from ..training.loop import resolve_device
from ..training.snapshot import Snapshot


@dataclass(frozen=True)
class TrialStarted:
    """Where the trial runs: the Ray node, its host, the process and the torch device."""

    node_id: str
    host: str
    pid: int
    device: str


@dataclass(frozen=True, eq=False)
class TrialEpoch:
    snapshot: Snapshot
    weights: dict[str, torch.Tensor]  # the autoencoder's state_dict at this snapshot, CPU, floats as `weights_dtype`


@dataclass(frozen=True, eq=False)
class TrialEnded:
    start_labels: np.ndarray | None  # Method.start_labels: the partition its heads started from, where it sets one


def run_trial(data: Dataset, config: TrainConfig, threads: int = 1,
              weights_dtype: str = "float16") -> Iterator[TrialStarted | TrialEpoch]:
    """Train `config` on `data` in this process with `threads` torch threads; yield where, every snapshot, the end."""
    import ray  # only ever called inside a Ray worker

    torch.set_num_threads(max(1, threads))
    training = RecordedTraining(data, config, None, origin="sweep")  # no store here: the driver records
    yield TrialStarted(ray.get_runtime_context().get_node_id(), socket.gethostname(), os.getpid(),
                       str(resolve_device(config.device)))
    for snapshot in training.snapshots():
        yield TrialEpoch(snapshot, cpu_weights(training.autoencoder.state_dict(), weights_dtype))
    yield TrialEnded(training.method.start_labels)
