"""The settings of a race: 2 to 4 methods on the same data, K and seed, sharing one pretrained autoencoder.

    configs = race_configs(["dekm", "dec"], data, k=10, seed=0, preset_name="quick")

Every method's settings come from `config_for`, its own preset for the data set (the clustering epochs, learning
rate and options of its recipe), with the pretraining of the first method (the race's lead) as the user's
choices: its autoencoder, pretraining epochs, optimiser, batch size and loss. Then every method's
pretraining has the same key in the cache of pretrained autoencoders (networks/pretrain_key.py), so the lead
pretrains once and the others load what it saved (runs/race/). Where the lead pretrains with Adam, its step
size is the run's `lr`, which enters the key: the other methods take the lead's `lr` too (most recipes use 1e-3).
"""
from __future__ import annotations

from dataclasses import asdict

from ..data.dataset import Dataset
from ..settings.train import TrainConfig
from .build import config_for

MOST_METHODS = 4  # side by side on one screen
SHARED_PRETRAINING = ("pretrain_epochs", "batch_size", "pretrain_optimizer", "pretrain_sgd_lr", "pretrain_momentum",
                      "pretrain_holdout", "pretrain_patience", "pretrain_hidden_weight")


def race_configs(methods: list[str], data: Dataset | None, k: int, seed: int = 0, preset_name: str = "quick",
                 **train) -> list[TrainConfig]:
    """One TrainConfig per method, in order, all with the lead's (the first method's) pretraining; `train`:
    TrainConfig fields every method takes (cache_dir, display_size, device, ...). ValueError on a bad choice."""
    if not 2 <= len(methods) <= MOST_METHODS:
        raise ValueError(f"a race has 2 to {MOST_METHODS} methods, got {len(methods)}")
    if len(set(methods)) != len(methods):
        raise ValueError("each method runs once in a race")
    train = {**train, "seed": seed, "use_cache": True}  # the cache is how the methods share the lead's autoencoder
    lead = config_for(methods[0], k, preset_name=preset_name, data=data, **train)
    shared = {name: getattr(lead, name) for name in SHARED_PRETRAINING}
    if lead.pretrain_optimizer == "adam":
        shared["lr"] = lead.lr
    return [lead] + [config_for(method, k, preset_name=preset_name, data=data, autoencoder=asdict(lead.autoencoder),
                                **{**shared, **train}) for method in methods[1:]]
