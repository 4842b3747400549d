"""DKM's hyperparameters and card (the method: deepclust_core.methods.dkm)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import MethodCard


@dataclass(frozen=True, kw_only=True)
class DKMConfig:
    schedule: str = field(default="constant", metadata={"choices": ("constant", "annealed")})  # constant: alpha fixed after pretraining (dkm.py -p); annealed: alpha_1 = 0.1, alpha_{n+1} = 2^(1/ln(n+1)^2) alpha_n (dkm.py -a)
    alpha: float = 1000.0  # the constant alpha (dkm.py with pretraining)
    alpha_first: float = 0.1  # alpha_1 of the annealed schedule (dkm.py)
    n_alphas: int = 0  # alpha values before training stops; 0: 20 when constant, 40 when annealed (dkm.py)
    epochs_per_alpha: int = 5  # epochs trained with each alpha value (dkm.py's f_epochs)
    lam: float = 1.0  # lambda, the weight of the k-means term (dkm.py's default)
    init: str = field(default="kmeans++", metadata={"choices": ("kmeans++", "uniform")})  # representatives: k-means++ on the pretrained embedding (dkm.py -p), or uniform in [-1, 1] (dkm.py without pretraining)

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


DKM_CARD = MethodCard(
    name="dkm", title="DKM (Deep k-Means)", config_class=DKMConfig,
    # dkm.py with pretraining (-p): 50 epochs, k-means++ representatives, then 20 alpha values x 5 epochs, Adam
    # (TensorFlow's default lr 1e-3), batch 256; MLP d-500-500-2000-K (mnist_specs.py: embedding size = K, which
    # is the default embedding size 10 only when K = 10).
    suggested={"pretrain_epochs": 50, "cluster_epochs": 100, "batch_size": 256, "lr": 1e-3},
    source="dkm.py with pretraining (-p), github.com/MaziarMF/deep-k-means",
    quick_look={"cluster_epochs": 40},  # quick look: 58 s (load 2), ACC 0.80; AE + k-means 0.80
)
