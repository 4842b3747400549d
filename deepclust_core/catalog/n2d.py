"""N2D's hyperparameters, lesson and card (the method: deepclust_core.methods.n2d)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")  # scikit-learn's GaussianMixture covariance_type
METRICS = ("euclidean", "cosine", "manhattan")  # a few of UMAP's input metrics


@dataclass(frozen=True, kw_only=True)
class N2DConfig:
    n_neighbors: int = setting(20, help="UMAP's neighbourhood size (run.sh: --umap_neighbors=20; n2d.py's default is "
                                        "10)")
    min_dist: float = setting(0.0, help="UMAP's min_dist: 0 packs each cluster tightly (run.sh: --umap_min_dist=0.00)")
    umap_dim: int = setting(0, help="dimensions of the manifold, 0: K (run.sh: --umap_dim=10 for 10 classes, 6 for "
                                    "HAR); else at least 2")
    metric: str = setting("euclidean", help="UMAP's metric on the embedding (n2d.py: euclidean)", choices=METRICS)
    covariance: str = setting("full", help="the Gaussian mixture's covariance_type (n2d.py: full)",
                          choices=COVARIANCE_TYPES)
    n_init: int = setting(1, help="EM restarts of the Gaussian mixture, the best likelihood kept (n2d.py: "
                                  "scikit-learn's default, 1)")

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


N2D_LESSON = Lesson(
    optimises="Three objectives in turn, none of them trained together: the autoencoder's reconstruction, "
              "UMAP's cross-entropy between the neighbour graph of the embedding and that of a K-dimensional "
              "manifold, and the likelihood of a Gaussian mixture fitted to the manifold by EM.",
    equations=(
        r"\min_{f,g} \frac{1}{N} \sum_i \lVert x_i - g(f(x_i)) \rVert^2,\qquad z_i = f(x_i) \in \mathbb{R}^K",
        (r"v_{j|i} = \exp\Big(-\frac{\lVert z_i - z_j \rVert - \rho_i}{\sigma_i}\Big)\ "
         r"(j \text{ among the 20 nearest neighbours of } i),\qquad w_{ij} = v_{j|i} + v_{i|j} - v_{j|i} v_{i|j}"),
        (r"\min_{u} \sum_{i \neq j} w_{ij} \log \frac{w_{ij}}{\hat w_{ij}} "
         r"+ (1 - w_{ij}) \log \frac{1 - w_{ij}}{1 - \hat w_{ij}},\qquad "
         r"\hat w_{ij} = \big(1 + a \lVert u_i - u_j \rVert^{2b}\big)^{-1}"),
        (r"\max_{\pi, \mu, \Sigma} \sum_i \log \sum_k \pi_k \mathcal{N}(u_i; \mu_k, \Sigma_k),\qquad "
         r"c_i = \arg\max_k \frac{\pi_k \mathcal{N}(u_i; \mu_k, \Sigma_k)}{\sum_l \pi_l \mathcal{N}(u_i; \mu_l, \Sigma_l)}"),
    ),
    idea="Cluster the local manifold of the embedding rather than the embedding itself: the autoencoder "
         "removes the pixels' noise, UMAP keeps who is next to whom (ρ_i and σ_i adapt the scale to each "
         "point's neighbourhood) and, with min_dist 0, packs each cluster into a dense island, which a "
         "Gaussian mixture with full covariances then separates. The deep part stays shallow: no clustering "
         "loss ever reaches the network.",
    watch="Everything happens in pretraining, as for AE + k-means (the dashed line): the clustering phase is one "
          "step. Compare its ACC with that line: the gain is UMAP's alone. In the clustering space the manifold "
          "should show K compact islands; points coloured dark (low posterior) lie between islands, where the "
          "mixture hesitates. Two classes that share an island cannot be split by any mixture.",
    source="McConville, Santos-Rodriguez, Piechocki, Craddock. N2D: (Not Too) Deep clustering via clustering the "
           "local manifold of an autoencoded embedding. ICPR 2020 (arXiv 1908.05968); reference code "
           "github.com/rymc/n2d (n2d.py, run.sh); UMAP: McInnes, Healy, Melville 2018 (arXiv 1802.03426)",
)

N2D_CARD = MethodCard(
    name="n2d", title="N2D (Not Too Deep clustering)", config_class=N2DConfig, lesson=N2D_LESSON,
    # n2d.py: MLP d-500-500-2000-K with ReLU (embedding = K: set embedding_dim = K yourself), MSE, Adam (Keras
    # defaults, lr 1e-3), batch 256, 1000 pretraining epochs; no clustering epochs.
    suggested={"pretrain_epochs": 1000, "batch_size": 256, "lr": 1e-3},
    clustering_optimiser=None,  # no clustering epochs: nothing is fine-tuned
    quick_look={"pretrain_epochs": 50},  # quick look: 39 s, ACC 0.80 (AE + k-means 0.80)
    try_it=TryIt("moons", "Two moons that no straight cut separates: UMAP follows each moon, and the mixture finds them."),
    source="McConville et al., ICPR 2020 (arXiv 1908.05968); github.com/rymc/n2d, n2d.py and run.sh",
)
