"""K-means-friendly latent representation (Roy, ICPR 2024, arXiv 2411.19496; no public code).

DKM's loss, L = mean_B [ ||x - g(f(x))||^2 + lambda sum_k f(h, r_k) G_k(h, alpha) ] (see
`dkm.py`), fine-tunes a pretrained autoencoder; what changes is who moves the centroids. In DKM
they move batch by batch while the space moves under them; here they stay fixed during an
epoch (by default) and, after EACH epoch, are re-initialised by classical k-means
(k-means++, n_init restarts) on the embedding of the whole data set, as k-means would on a
space that holds still. The paper's ablation shows that this re-initialisation is what makes
it work; `reinit=False` gives that ablation, which is DKM with pretraining.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

from ..catalog.kmeans_friendly import KMEANS_FRIENDLY_CARD
from .base import TrainingContext
from .dkm import DKM
from .kmeans import kmeans


def match_centers(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """`new` centres reordered so that centre k is the one closest to old centre k (Hungarian)."""
    cost = ((old[:, None] - new[None]) ** 2).sum(-1)  # (K old, K new)
    rows, cols = linear_sum_assignment(cost)
    ordered = np.empty_like(new)
    ordered[rows] = new[cols]
    return ordered


class KMeansFriendly(DKM):
    card = KMEANS_FRIENDLY_CARD
    fresh_embedding_each_epoch = True  # its k-means re-initialisation needs every row at the epoch's final weights

    def setup(self, ctx: TrainingContext) -> None:
        super().setup(ctx)
        self.trainable = self.config.trainable_centroids or not self.config.reinit
        self.representatives.requires_grad_(self.trainable)
        self.kmeans_runs = 1

    def _initial_centers(self, ctx: TrainingContext) -> np.ndarray:
        return kmeans(ctx.embed(), self.n_clusters, self.seed, n_init=self.config.n_init,
                      pause_point=ctx.pause_point).centers

    def alpha_at(self, epoch: int) -> float:
        return self.config.alpha

    def parameters(self) -> list[torch.nn.Parameter]:
        return [self.representatives] if self.trainable else []

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        """k-means on the full embedding, its centres matched to the current ones so r_k keeps its identity."""
        self.epochs_done = ctx.epoch
        if not self.config.reinit:
            return
        current = self.centroids()
        if self.config.warm_start:
            result = kmeans(H, self.n_clusters, self.seed, init=current)
        else:
            result = kmeans(H, self.n_clusters, self.seed + ctx.epoch, n_init=self.config.n_init,
                            pause_point=ctx.pause_point)
        with torch.no_grad():
            self.representatives.copy_(torch.as_tensor(match_centers(result.centers, current)))
        self.kmeans_runs += 1

    def scalars(self) -> dict[str, float]:
        return {"alpha": self.config.alpha, "k-means runs": float(self.kmeans_runs)}
