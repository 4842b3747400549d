"""DEKM's hyperparameters and card (the method: deepclust_core.methods.dekm)."""
from __future__ import annotations

from dataclasses import dataclass

from .card import MethodCard


@dataclass(frozen=True, kw_only=True)
class DEKMConfig:
    update_interval: int = 0  # T, steps between k-means updates; 0: 10 for the MLP (DEKM_dense.py), 40 for conv (DEKM.py)
    stop_tolerance: float = 0.005  # stop when at most this share of labels changes (reference 0.5 %; the paper says 0.1 %)
    max_iterations: int = 14000  # the reference's cap, 140 x 100 steps
    first_n_init: int = 100  # k-means restarts at the first update; afterwards 2 x the previous run's iterations

    def __post_init__(self):
        if self.update_interval < 0:
            raise ValueError(f"update_interval must be 0 (automatic) or positive, got {self.update_interval}")
        if not 0 <= self.stop_tolerance < 1:
            raise ValueError(f"stop_tolerance must be in [0, 1), got {self.stop_tolerance}")
        if self.max_iterations < 1 or self.first_n_init < 1:
            raise ValueError("max_iterations and first_n_init must be positive")


DEKM_CARD = MethodCard(
    name="dekm", title="DEKM (Deep Embedded K-Means)", config_class=DEKMConfig,
    suggested={"pretrain_epochs": 200, "cluster_epochs": 200, "batch_size": 256, "lr": 1e-3},  # DEKM_dense.py
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 40},  # quick look: 38 s, ACC 0.81 (stops itself at epoch 20)
)
