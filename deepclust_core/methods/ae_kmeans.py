"""AE + k-means: k-means on the pretrained embedding, no fine-tuning (the baseline)."""
from __future__ import annotations

import numpy as np

from ..catalog.ae_kmeans import AE_KMEANS_CARD
from .kmeans import kmeans
from .base import Lesson, Method, TrainingContext


class AEKMeans(Method):
    card = AE_KMEANS_CARD
    fine_tunes = False
    lesson = Lesson(
        optimises="Nothing beyond the autoencoder: the encoder is trained to reconstruct its input, then k-means "
                  "runs once on the embedding.",
        equations=(
            r"\min_{f,g} \frac{1}{N} \sum_i \lVert x_i - g(f(x_i)) \rVert^2",
            r"\min_{\mu, c} \sum_i \lVert f(x_i) - \mu_{c_i} \rVert^2",
        ),
        idea="The baseline every deep clustering method must beat: the embedding is learned for reconstruction "
             "alone, without knowing it will be clustered.",
        watch="During pretraining the autoencoder space already organises itself; the ACC of this baseline is the "
              "dashed reference line on every method's curves.",
        source="The standard two-stage baseline (e.g. Xie et al. 2016, Table 2).",
    )

    def setup(self, ctx: TrainingContext) -> None:
        self.centers = kmeans(ctx.embed(), self.n_clusters, self.seed, self.config.n_init).centers

    def centroids(self) -> np.ndarray:
        return self.centers
