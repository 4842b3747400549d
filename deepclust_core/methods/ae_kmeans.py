"""AE + k-means: k-means on the pretrained embedding, no fine-tuning (the baseline)."""
from __future__ import annotations

import numpy as np

from ..catalog.ae_kmeans import AE_KMEANS_CARD
from .base import Method, TrainingContext
from .kmeans import kmeans


class AEKMeans(Method):
    card = AE_KMEANS_CARD

    def setup(self, ctx: TrainingContext) -> None:
        self.centers = kmeans(ctx.embed(), self.n_clusters, self.seed, self.config.n_init,
                              pause_point=ctx.pause_point).centers

    def centroids(self) -> np.ndarray:
        return self.centers
