"""A method's card: what the forms need without importing the training code (torch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class MethodCard:
    """A method's name, title, hyperparameters (its config dataclass) and suggested training settings:
    what the app's forms and the CLI need, without importing the method's training code."""

    name: str  # the key in CARDS and METHODS, and TrainConfig.method
    title: str  # what the app and the CLI show
    config_class: type  # the method's frozen config dataclass; option_specs builds the forms from it
    # Training settings of the paper or reference code (pretrain_epochs, cluster_epochs, batch_size, lr,
    # autoencoder fields); the CLI and the app start from these when the user changes nothing.
    suggested: Mapping = field(default_factory=dict)
