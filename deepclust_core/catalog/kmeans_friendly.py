"""K-means-friendly's hyperparameters and card (the method: deepclust_core.methods.kmeans_friendly)."""
from __future__ import annotations

from dataclasses import dataclass

from .card import MethodCard


@dataclass(frozen=True, kw_only=True)
class KMeansFriendlyConfig:
    reinit: bool = True  # k-means on the whole embedding after every epoch; False: the paper's ablation, DKM with pretraining
    warm_start: bool = False  # start each k-means from the current centroids (one run) instead of fresh k-means++ restarts
    n_init: int = 10  # k-means++ restarts of the initial and of every fresh k-means (at least 10 recommended)
    trainable_centroids: bool = False  # also move the centroids by gradient inside an epoch, as DKM; always on when reinit is off
    alpha: float = 1000.0  # inverse temperature of G; DKM's value after pretraining (the paper leaves it as a parameter)
    lam: float = 1.0  # lambda, the weight of the centering term (DKM's default)

    def __post_init__(self):
        if self.n_init < 1:
            raise ValueError(f"n_init must be positive, got {self.n_init}")
        if not self.alpha > 0:
            raise ValueError(f"alpha must be positive, got {self.alpha}")
        if self.lam < 0:
            raise ValueError(f"lam (lambda) must be non-negative, got {self.lam}")


KMEANS_FRIENDLY_CARD = MethodCard(
    name="kmeans-friendly", title="K-means-friendly (DKM loss + k-means re-initialisation)",
    config_class=KMeansFriendlyConfig,
    # The paper fine-tunes a pretrained autoencoder with DKM's loss; these are DKM's settings (dkm.py -p).
    suggested={"pretrain_epochs": 50, "cluster_epochs": 100, "batch_size": 256, "lr": 1e-3},
    source="Roy, ICPR 2024 (arXiv 2411.19496; no public code), on DKM's settings (dkm.py -p)",
    quick_look={"cluster_epochs": 40},  # quick look: 51 s (load 2 to 3), ACC 0.80; AE + k-means 0.80
)
