"""A method's card: what the forms need without importing the training code (torch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class MethodCard:
    """A method's name, title, hyperparameters (its config dataclass) and its two presets of training
    settings, the paper's and a quick look: what the app's forms and the CLI need, without importing the
    method's training code."""

    name: str  # the key in CARDS and METHODS, and TrainConfig.method
    title: str  # what the app and the CLI show
    config_class: type  # the method's frozen config dataclass; option_specs builds the forms from it
    # Training settings of the paper or reference code (pretrain_epochs, cluster_epochs, batch_size, lr,
    # autoencoder fields); the CLI and the app start from these when the user changes nothing.
    suggested: Mapping = field(default_factory=dict)
    # A quick look: what replaces `suggested` for a first run in class (fewer epochs, the same recipe otherwise)
    # that ends within about a minute on digits on 2 CPU cores; the app's "Quick look" button and the CLI's --quick.
    # Each card's comment gives the time of `python -m deepclust_core train --data digits --method NAME --quick
    # --no-cache --no-store` on a 2-core machine that other work shared (load 2 to 4). The MLP methods share 50
    # pretraining epochs, so after the first quick look the others find the autoencoder in the cache.
    quick_look: Mapping = field(default_factory=dict)
