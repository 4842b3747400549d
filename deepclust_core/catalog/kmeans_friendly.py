"""K-means-friendly's hyperparameters, lesson and card (the method: deepclust_core.methods.kmeans_friendly)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt


@dataclass(frozen=True, kw_only=True)
class KMeansFriendlyConfig:
    reinit: bool = setting(True, help="k-means on the whole embedding after every epoch; False: the paper's ablation, "
                                      "DKM with pretraining")
    warm_start: bool = setting(False, help="start each k-means from the current centroids (one run) instead of fresh "
                                           "k-means++ restarts")
    n_init: int = setting(10, help="k-means++ restarts of the initial and of every fresh k-means (at least 10 "
                                   "recommended)")
    trainable_centroids: bool = setting(False, help="also move the centroids by gradient inside an epoch, as DKM; "
                                                    "always on when reinit is off")
    alpha: float = setting(1000.0, help="inverse temperature of G; DKM's value after pretraining (the paper leaves it "
                                        "as a parameter)")
    lam: float = setting(1.0, help="lambda, the weight of the centering term (DKM's default)")

    def __post_init__(self):
        if self.n_init < 1:
            raise ValueError(f"n_init must be positive, got {self.n_init}")
        if not self.alpha > 0:
            raise ValueError(f"alpha must be positive, got {self.alpha}")
        if self.lam < 0:
            raise ValueError(f"lam (lambda) must be non-negative, got {self.lam}")


KMEANS_FRIENDLY_LESSON = Lesson(
    optimises="DKM's loss, reconstruction plus the softmax-weighted distance of each embedded point to the "
              "centroids, but only the network learns from it; the centroids are set by classical k-means on "
              "the whole embedding at the end of every epoch.",
    equations=(
        r"G_k(h, \alpha) = \frac{e^{-\alpha \lVert h - r_k \rVert^2}}{\sum_{l} e^{-\alpha \lVert h - r_l \rVert^2}}",
        (r"\min_{f,g}\ \frac{1}{|B|} \sum_{i \in B} \Big[ \lVert x_i - g(f(x_i)) \rVert^2 "
         r"+ \lambda \sum_{k} \lVert f(x_i) - r_k \rVert^2\, G_k(f(x_i), \alpha) \Big]"
         r"\quad (r \text{ fixed within an epoch})"),
        r"\{r_k\} \leftarrow \text{k-means}\big(\{f(x_i)\}_{i=1}^{N}\big) \quad \text{after every epoch}",
    ),
    idea="Classical k-means assumes the space it clusters holds still. DKM moves centroids and space together, "
         "batch by batch; here they alternate: one epoch shapes the space around fixed centroids, then k-means "
         "on the new space resets the centroids. Switch reinit off to see the paper's ablation (plain DKM).",
    watch="After each epoch the centroid markers jump to the k-means solution of the new embedding and the "
          "points then move towards them. Compare a run with reinit off: the centroids drift slowly with the "
          "batches instead and are never reset to a k-means solution of the current space.",
    source="Roy. An Approach Towards Learning K-means-friendly Deep Latent Representation. ICPR 2024 "
           "(arXiv 2411.19496); no public code. Loss from DKM (Moradi Fard et al. 2020).",
)

KMEANS_FRIENDLY_CARD = MethodCard(
    name="kmeans-friendly", title="K-means-friendly (DKM loss + k-means re-initialisation)",
    config_class=KMeansFriendlyConfig, lesson=KMEANS_FRIENDLY_LESSON,
    # The paper fine-tunes a pretrained autoencoder with DKM's loss; these are DKM's settings (dkm.py -p).
    suggested={"pretrain_epochs": 50, "cluster_epochs": 100, "batch_size": 256, "lr": 1e-3},
    source="Roy, ICPR 2024 (arXiv 2411.19496; no public code), on DKM's settings (dkm.py -p)",
    quick_look={"cluster_epochs": 40},  # quick look: 51 s (load 2 to 3), ACC 0.80; AE + k-means 0.80
    try_it=TryIt("anisotropic", "Stretched blobs, where plain k-means misplaces the borders: watch the centroids jump to each epoch's k-means solution."),
)
