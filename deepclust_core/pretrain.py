"""Pretrained autoencoders as a reusable artefact: cached on disk, keyed by what made them.

The key hashes the data (rows and shape), the architecture, the seed, the epochs, the batch
size and the learning rate: change any and pretraining runs again. Files are written
atomically and read back with `torch.load(weights_only=True)`, which never unpickles code.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import torch

from .autoencoder import Autoencoder
from .config import TrainConfig
from .dataset import Dataset
from .user_cache import default_cache_dir

CACHE_VERSION = 1  # bump when the training of the autoencoder changes meaning


def pretrain_key(data: Dataset, config: TrainConfig) -> str:
    recipe = {
        "version": CACHE_VERSION, "data": data.fingerprint(), "autoencoder": asdict(config.autoencoder),
        "seed": config.seed, "epochs": config.pretrain_epochs, "batch_size": config.batch_size, "lr": config.lr,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:24]


class PretrainCache:
    """A folder of `<key>.pt` files holding autoencoder weights and their loss history."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else default_cache_dir()

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pt"

    def load(self, key: str, autoencoder: Autoencoder) -> list[float] | None:
        """Fill `autoencoder` from the cache; the per-epoch losses, or None on a miss."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            autoencoder.load_state_dict(saved["state"])
        except (RuntimeError, KeyError, EOFError, OSError):  # corrupt or stale: pretrain again
            return None
        return [float(v) for v in saved["losses"].tolist()]

    def save(self, key: str, autoencoder: Autoencoder, losses: list[float]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        state = {name: tensor.detach().cpu() for name, tensor in autoencoder.state_dict().items()}
        partial = self.path(key).with_suffix(f".{os.getpid()}.tmp")
        torch.save({"state": state, "losses": torch.tensor(losses, dtype=torch.float64)}, partial)
        os.replace(partial, self.path(key))
