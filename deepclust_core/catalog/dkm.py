"""DKM's hyperparameters, lesson and card (the method: deepclust_core.methods.dkm)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt


@dataclass(frozen=True, kw_only=True)
class DKMConfig:
    schedule: str = setting("constant", help="constant: alpha fixed after pretraining (dkm.py -p); annealed: "
                                             "alpha_1 = 0.1, alpha_{n+1} = 2^(1/ln(n+1)^2) alpha_n (dkm.py -a)",
                            choices=("constant", "annealed"))
    alpha: float = setting(1000.0, help="the constant alpha (dkm.py with pretraining)")
    alpha_first: float = setting(0.1, help="alpha_1 of the annealed schedule (dkm.py)")
    n_alphas: int = setting(0, help="alpha values before training stops; 0: 20 when constant, 40 when annealed "
                                    "(dkm.py)")
    epochs_per_alpha: int = setting(5, help="epochs trained with each alpha value (dkm.py's f_epochs)")
    lam: float = setting(1.0, help="lambda, the weight of the k-means term (dkm.py's default)")
    init: str = setting("kmeans++", help="representatives: k-means++ on the pretrained embedding (dkm.py -p), or "
                                         "uniform in [-1, 1] (dkm.py without pretraining)",
                        choices=("kmeans++", "uniform"))

    def __post_init__(self):
        if self.schedule not in ("constant", "annealed"):
            raise ValueError(f"schedule must be 'constant' or 'annealed', got {self.schedule!r}")
        if self.init not in ("kmeans++", "uniform"):
            raise ValueError(f"init must be 'kmeans++' or 'uniform', got {self.init!r}")
        if not (self.alpha > 0 and self.alpha_first > 0):
            raise ValueError(f"alpha and alpha_first must be positive, got {self.alpha} and {self.alpha_first}")
        if self.n_alphas < 0 or self.epochs_per_alpha < 1:
            raise ValueError("n_alphas must be 0 (automatic) or positive, and epochs_per_alpha positive")
        if self.lam < 0:
            raise ValueError(f"lam (lambda) must be non-negative, got {self.lam}")


DKM_LESSON = Lesson(
    optimises="Reconstruction plus a differentiable k-means loss: each embedded point pays its squared "
              "distance to every representative, weighted by a softmax that, for large alpha, puts all the "
              "weight on the closest one. Encoder, decoder and representatives are trained together by SGD.",
    equations=(
        r"f(h, r_k) = \lVert h - r_k \rVert^2",
        r"G_k(h, \alpha) = \frac{e^{-\alpha f(h, r_k)}}{\sum_{l=1}^{K} e^{-\alpha f(h, r_l)}}",
        (r"L = \frac{1}{|B|} \sum_{i \in B} \Big[ \lVert x_i - g(f(x_i)) \rVert^2 "
         r"+ \lambda \sum_{k=1}^{K} f(h_i, r_k)\, G_k(h_i, \alpha) \Big]"),
        (r"\alpha_1 = 0.1,\quad \alpha_{n+1} = 2^{1/\ln(n+1)^2}\, \alpha_n \quad\text{(annealed)},"
         r"\qquad \alpha = 1000 \quad\text{(after pretraining)}"),
        r"c_i = \arg\min_k f(h_i, r_k)",
    ),
    idea="Replace k-means' hard argmin by a softmax with inverse temperature alpha: the k-means loss becomes "
         "differentiable, so the representatives are ordinary parameters learned jointly with the network, "
         "and alpha -> infinity recovers k-means exactly.",
    watch="Each axis is the distance to one representative; a point is assigned to the axis on which it is "
          "closest to 0. As training goes on, clusters hug their own axis (small distance to their r_k, large to "
          "the others). Colour by confidence to see max_k G_k: near 1 everywhere when alpha = 1000; with the "
          "annealed schedule it starts soft and sharpens as the alpha curve climbs.",
    source="Moradi Fard, Thonet, Gaussier. Deep k-Means: Jointly clustering with k-Means and learning "
           "representations. Pattern Recognition Letters 138, 2020 (arXiv 1806.10069); reference code "
           "github.com/MaziarMF/deep-k-means",
)

DKM_CARD = MethodCard(
    name="dkm", title="DKM (Deep k-Means)", config_class=DKMConfig, lesson=DKM_LESSON,
    # dkm.py with pretraining (-p): 50 epochs, k-means++ representatives, then 20 alpha values x 5 epochs, Adam
    # (TensorFlow's default lr 1e-3), batch 256; MLP d-500-500-2000-K (mnist_specs.py: embedding size = K, which
    # is the default embedding size 10 only when K = 10).
    suggested={"pretrain_epochs": 50, "cluster_epochs": 100, "batch_size": 256, "lr": 1e-3},
    source="dkm.py with pretraining (-p), github.com/MaziarMF/deep-k-means",
    quick_look={"cluster_epochs": 40},  # quick look: 58 s (load 2), ACC 0.80; AE + k-means 0.80
    try_it=TryIt("blobs", "Four blobs: each cluster comes to hug its own distance axis, and the confidence sharpens as alpha climbs."),
)
