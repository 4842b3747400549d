"""Pretraining that survives an interruption: the state at an epoch boundary, kept beside the cache.

A long pretraining (DEC-keras' 300 epochs on the 70,000 Fashion-MNIST images take hours on two
cores) can be stopped, or its machine shut down, before it ends. With the cache on, the loop saves
everything the next epoch depends on under `<key>.progress.pt` at most every `SAVE_EVERY_S` seconds:
the weights, the optimiser's state, the losses so far, both random streams (the batch order's and
torch's, which dropout draws from), the divergence guard's scale and early stopping's best weights.
The same settings on the same data (the same cache key) then go on from that epoch and end on the
same weights as a pretraining that never stopped. The file goes once the finished autoencoder is
cached. Read back with `torch.load(weights_only=True)`, which never unpickles code.
"""
from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import torch

SAVE_EVERY_S = 60.0  # seconds between two saves: a save of the 500-500-2000 autoencoder and Adam is ~40 MB


@dataclass
class PretrainProgress:
    """Where a pretraining stood after `epoch` epochs (its snapshot was already published)."""

    epoch: int
    losses: list[float]  # the mean total loss of each epoch so far
    autoencoder: dict  # state_dict
    optimizer: dict  # state_dict
    batch_order: torch.Tensor  # the batches' torch.Generator state
    torch_rng: torch.Tensor  # torch's global CPU random state (dropout)
    guard: dict  # DivergenceGuard's scale and seen terms
    stopping: dict | None  # EarlyStopping's best loss, best weights and epochs waited


class ProgressFile:
    """`<cache>/<key>.progress.pt`, written atomically; `due()` says when the next save is wanted."""

    def __init__(self, folder: Path, key: str):
        self.path = folder / f"{key}.progress.pt"
        self.last_save = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self.last_save >= SAVE_EVERY_S

    def save(self, progress: PretrainProgress) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(f".{os.getpid()}.tmp")
        fields = dict(vars(progress), losses=torch.tensor(progress.losses, dtype=torch.float64))
        torch.save(fields, partial)
        os.replace(partial, self.path)
        self.last_save = time.monotonic()

    def load(self) -> PretrainProgress | None:
        """The saved progress, or None when there is none or it cannot be read (pretraining starts over)."""
        if not self.path.is_file():
            return None
        try:
            fields = torch.load(self.path, map_location="cpu", weights_only=True)
            fields["losses"] = [float(v) for v in fields["losses"].tolist()]
            return PretrainProgress(**fields)
        except (pickle.UnpicklingError, RuntimeError, KeyError, TypeError, EOFError, OSError):
            return None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
