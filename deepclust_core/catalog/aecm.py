"""AE-CM's hyperparameters and card (the method: deepclust_core.methods.aecm)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import MethodCard

VARIANT_WEIGHTS = {  # (alpha, beta, lambda) of each loss variant
    "reference": (230.0, 5.0, 1.0),  # Tuned_Param.py, MNIST (with batch 500, embedding 10); AECM.py: lambda 1
    "normalised": (1.1, 100.0, 0.1),  # Example/MNIST_example.py, "parameters for normalized loss"
}


@dataclass(frozen=True, kw_only=True)
class AECMConfig:
    init: str = field(default="rand", metadata={"choices": ("rand", "pre")})  # "rand": from random weights (AECM.py); "pre": CM from k-means on the pretrained embedding, trained alone first
    loss: str = field(default="reference", metadata={"choices": ("reference", "normalised")})  # "reference": module_AECM.py (sums, L1 penalty, Adam); "normalised": Example/lib_CM.py (AdamW)
    alpha: float = -1.0  # Dirichlet concentration in E4 (>1 penalises small clusters); -1: 230 (reference, MNIST) or 1.1 (normalised)
    beta: float = -1.0  # weight of the reconstruction; -1: 5 (reference, MNIST) or 100 (normalised)
    lbd: float = -1.0  # lambda, weight of the orthonormality penalty on U Uᵀ; -1: 1 (reference) or 0.1 (normalised)
    cm_epochs: int = 100  # "pre" only: the first clustering epochs train the CM alone on the frozen embedding (pre_fit: 100)
    average_last_epoch: bool = True  # the last planned epoch (when joint) ends on the mean of its weights after each step (module_AECM.fit)
    n_init: int = 20  # k-means restarts, for "pre" and for k-means on the final embedding (pre_fit: 20)

    def __post_init__(self):
        if self.init not in ("rand", "pre"):
            raise ValueError(f"init must be 'rand' or 'pre', got {self.init!r}")
        if self.loss not in VARIANT_WEIGHTS:
            raise ValueError(f"loss must be one of {', '.join(VARIANT_WEIGHTS)}, got {self.loss!r}")
        if self.alpha != -1 and not self.alpha > 0:
            raise ValueError(f"alpha must be positive (or -1 for the variant's default), got {self.alpha}")
        for name, value in (("beta", self.beta), ("lbd", self.lbd)):
            if value != -1 and not value >= 0:
                raise ValueError(f"{name} must be at least 0 (or -1 for the variant's default), got {value}")
        if self.cm_epochs < 0 or self.n_init < 1:
            raise ValueError("cm_epochs must be at least 0 and n_init positive")

    def weights(self) -> tuple[float, float, float]:
        """(alpha, beta, lambda) with every -1 replaced by the variant's value."""
        given = (self.alpha, self.beta, self.lbd)
        return tuple(float(d if v == -1 else v) for v, d in zip(given, VARIANT_WEIGHTS[self.loss]))


AECM_CARD = MethodCard(
    name="aecm", title="AE-CM (autoencoder with a clustering module)", config_class=AECMConfig,
    # AECM.py on MNIST: no pretraining ("rand"), 1000 epochs + the averaging one, batch 500 (Tuned_Param.py),
    # Adam 1e-3, LeakyReLU(0.2), embedding 10. init="pre" wants a pretrained autoencoder (AE.py: 100 epochs).
    suggested={"pretrain_epochs": 0, "cluster_epochs": 1001, "batch_size": 500, "lr": 1e-3,
               "activation": "leaky_relu", "embedding_dim": 10},  # autoencoder fields by name, as the app reads them
    quick_look={"cluster_epochs": 80},  # quick look: about 60 s (100 epochs: 75 s), ACC 0.47
)
