"""N2D's hyperparameters and card (the method: deepclust_core.methods.n2d)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import MethodCard

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")  # scikit-learn's GaussianMixture covariance_type
METRICS = ("euclidean", "cosine", "manhattan")  # a few of UMAP's input metrics


@dataclass(frozen=True, kw_only=True)
class N2DConfig:
    n_neighbors: int = 20  # UMAP's neighbourhood size (run.sh: --umap_neighbors=20; n2d.py's default is 10)
    min_dist: float = 0.0  # UMAP's min_dist: 0 packs each cluster tightly (run.sh: --umap_min_dist=0.00)
    umap_dim: int = 0  # dimensions of the manifold, 0: K (run.sh: --umap_dim=10 for 10 classes, 6 for HAR); else at least 2
    metric: str = field(default="euclidean", metadata={"choices": METRICS})  # UMAP's metric on the embedding (n2d.py: euclidean)
    covariance: str = field(default="full", metadata={"choices": COVARIANCE_TYPES})  # the Gaussian mixture's covariance_type (n2d.py: full)
    n_init: int = 1  # EM restarts of the Gaussian mixture, the best likelihood kept (n2d.py: scikit-learn's default, 1)

    def __post_init__(self):
        if self.n_neighbors < 2:
            raise ValueError(f"n_neighbors must be at least 2, got {self.n_neighbors}")
        if not 0 <= self.min_dist:
            raise ValueError(f"min_dist must be at least 0, got {self.min_dist}")
        if self.umap_dim == 1 or self.umap_dim < 0 or self.n_init < 1:
            raise ValueError("umap_dim must be 0 (K) or at least 2, and n_init positive")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {self.metric!r}")
        if self.covariance not in COVARIANCE_TYPES:
            raise ValueError(f"covariance must be one of {', '.join(COVARIANCE_TYPES)}, got {self.covariance!r}")


N2D_CARD = MethodCard(
    name="n2d", title="N2D (Not Too Deep clustering)", config_class=N2DConfig,
    # n2d.py: MLP d-500-500-2000-K with ReLU (embedding = K: set embedding_dim = K yourself), MSE, Adam (Keras
    # defaults, lr 1e-3), batch 256, 1000 pretraining epochs; no clustering epochs.
    suggested={"pretrain_epochs": 1000, "batch_size": 256, "lr": 1e-3},
    quick_look={"pretrain_epochs": 50},  # quick look: 39 s, ACC 0.80 (AE + k-means 0.80)
    source="McConville et al., ICPR 2020 (arXiv 1908.05968); github.com/rymc/n2d, n2d.py and run.sh",
)
