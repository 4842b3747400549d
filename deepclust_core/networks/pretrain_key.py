"""The key of a pretrained autoencoder in the cache (networks/pretrain.py's `PretrainCache`), torch-free so
that the form can tell whether a run's pretraining is cached (runs/duration.py) without importing torch.

It hashes the data (rows and shape), the architecture and its initialisation, the seed, the epochs,
the batch size and the optimiser with its settings, the hold-out, the loss and the arithmetic (precision)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from ..data.dataset import Dataset
from ..settings.autoencoder import AutoencoderConfig
from ..settings.train import TrainConfig

CACHE_VERSION = 1  # bump when the training of the autoencoder changes meaning


def pretrain_key(data: Dataset, config: TrainConfig) -> str:
    autoencoder = asdict(config.autoencoder)
    if config.autoencoder.init == AutoencoderConfig.init:
        del autoencoder["init"]  # settings newer than the key enter it only when set, so older caches stay valid
    recipe = {
        "version": CACHE_VERSION, "data": data.fingerprint(), "autoencoder": autoencoder,
        "seed": config.seed, "epochs": config.pretrain_epochs, "batch_size": config.batch_size, "lr": config.lr,
    }
    if config.pretrain_optimizer == "sgd":  # the run's lr drives Adam only
        recipe["lr"] = {"sgd": config.pretrain_sgd_lr, "momentum": config.pretrain_momentum}
    if config.pretrain_holdout:
        recipe["holdout"] = {"share": config.pretrain_holdout, "patience": config.pretrain_patience}
    if config.pretrain_hidden_weight:
        recipe["hidden_weight"] = config.pretrain_hidden_weight
    if config.precision != "float32":  # asked for, whether or not the device has it (the key stays torch-free)
        recipe["precision"] = config.precision
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:24]
