"""DEPICT's hyperparameters and card (the method: deepclust_core.methods.depict)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import MethodCard


@dataclass(frozen=True, kw_only=True)
class DEPICTConfig:
    target: str = field(default="reference", metadata={"choices": ("reference", "paper")})  # reference: q ∝ p^2 / sum_i p (functions.py); paper: q ∝ p / sqrt(sum_i p) (Sec. 3.1)
    hidden_weight: float = 0.1  # weight of each hidden layer's reconstruction term; the input layer weighs 1 (hlayer_loss_param)
    reconstruction_weight: float = 1.0  # weight of the whole reconstruction term (DEPICT.py's reconstruct_hyperparam)
    warmup_patience: int = 6  # warm-up on the hard k-means labels ends after this many epochs without a better NMI(argmax p, k-means) (functions.py); 0: none
    stop_tolerance: float = 1e-7  # stop when the mean squared change of Q between epochs is below this (functions.py)
    n_init: int = 40  # k-means++ restarts for the head's initial centroids (functions.py's kmeans)

    def __post_init__(self):
        if self.target not in ("reference", "paper"):
            raise ValueError(f"target must be 'reference' or 'paper', got {self.target!r}")
        if self.hidden_weight < 0 or self.reconstruction_weight < 0:
            raise ValueError("hidden_weight and reconstruction_weight must be non-negative")
        if self.warmup_patience < 0 or self.n_init < 1:
            raise ValueError("warmup_patience must be non-negative and n_init positive")
        if self.stop_tolerance < 0:
            raise ValueError(f"stop_tolerance must be non-negative, got {self.stop_tolerance}")


DEPICT_CARD = MethodCard(
    name="depict", title="DEPICT (Deep Embedded Regularized Clustering)", config_class=DEPICTConfig,
    # DEPICT.py: Adam lr 1e-4, batch 100, embedding = K (set embedding_dim = K yourself), the dropout network.
    # Its caps are 4000 epochs for each phase (pretraining stops after 100 epochs without validation progress,
    # clustering when Q stops changing); 200 + 200 keeps a live run affordable.
    suggested={"pretrain_epochs": 200, "cluster_epochs": 200, "batch_size": 100, "lr": 1e-4, "kind": "depict"},
    quick_look={"pretrain_epochs": 20, "cluster_epochs": 20},  # quick look: 64 s, ACC 0.67
)
