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
    # Pretraining (functions.py's train_depict_ae): the layer-wise reconstruction with hidden weight 0.1, at most
    # 4000 epochs, stopped after more than 100 epochs without a lower loss on a 10 % hold-out, ending on the best
    # weights (its hold-out is stratified on the true labels; ours is random). Clustering: at most 4000 epochs,
    # until the mean squared change of Q is below 1e-7 (DEPICTConfig.stop_tolerance).
    suggested={"pretrain_epochs": 4000, "cluster_epochs": 4000, "batch_size": 100, "lr": 1e-4, "kind": "depict",
               "pretrain_hidden_weight": 0.1, "pretrain_holdout": 0.1, "pretrain_patience": 100},
    source="DEPICT.py and functions.py, github.com/herandy/DEPICT",
    quick_look={"pretrain_epochs": 20, "cluster_epochs": 20},  # quick look: 48 s (load 4 to 5), ACC 0.66; AE + k-means 0.67
)
