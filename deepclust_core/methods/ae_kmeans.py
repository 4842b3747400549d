"""AE + k-means: k-means on the pretrained embedding, no fine-tuning (the baseline)."""
from __future__ import annotations

from dataclasses import dataclass

from ..kmeans import kmeans
from .base import Method, TrainingContext


@dataclass(frozen=True, kw_only=True)
class AEKMeansConfig:
    n_init: int = 10  # k-means++ restarts (scikit-learn's classic default)

    def __post_init__(self):
        if self.n_init < 1:
            raise ValueError(f"n_init must be positive, got {self.n_init}")


class AEKMeans(Method):
    name = "ae-kmeans"
    title = "AE + k-means (baseline)"
    config_class = AEKMeansConfig
    fine_tunes = False

    def setup(self, ctx: TrainingContext) -> None:
        self.centers = kmeans(ctx.embed(), self.n_clusters, self.seed, self.config.n_init).centers

    def centroids(self) -> np.ndarray:
        return self.centers
