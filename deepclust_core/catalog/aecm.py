"""AE-CM's hyperparameters and card (the method: deepclust_core.methods.aecm)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import MethodCard

# Tuned_Param.py's AECM_UNIF rows, which AECM.py reads by data set: (embedding OUT, beta BETA, alpha CC, batch BATCH);
# lambda is 1 in every row (AECM.py hard-codes LBD = 1)
TUNED_ROWS = {
    "MNIST": (10, 5.0, 230.0, 500),
    "Fashion-MNIST": (10, 47.0, 13.0, 175),
    "USPS": (30, 0.04, 3.0, 45),
}
NORMALISED_WEIGHTS = (1.1, 100.0, 0.1)  # (alpha, beta, lambda): Example/MNIST_example.py, "parameters for normalized loss"


def tuned_row(data_name: str) -> str:
    """The row of TUNED_ROWS for a data set, by its name ("Fashion-MNIST (10000 of 70000)", "usps.npz"): Fashion-MNIST,
    USPS, else MNIST."""
    plain = data_name.lower()
    return "Fashion-MNIST" if "fashion" in plain else "USPS" if "usps" in plain else "MNIST"


@dataclass(frozen=True, kw_only=True)
class AECMConfig:
    init: str = field(default="rand", metadata={"choices": ("rand", "pre")})  # "rand": from random weights (AECM.py); "pre": CM from k-means on the pretrained embedding, trained alone first
    loss: str = field(default="reference", metadata={"choices": ("reference", "normalised")})  # "reference": module_AECM.py (sums, L1 penalty, Adam); "normalised": Example/lib_CM.py (AdamW)
    tuned_row: str = field(default="MNIST", metadata={"choices": tuple(TUNED_ROWS)})  # the row of Tuned_Param.py whose alpha and beta the reference loss takes when they are -1; the recipe picks it by the data set's name
    alpha: float = -1.0  # Dirichlet concentration in E4 (>1 penalises small clusters); -1: the tuned row's (reference; MNIST 230) or 1.1 (normalised)
    beta: float = -1.0  # weight of the reconstruction; -1: the tuned row's (reference; MNIST 5) or 100 (normalised)
    lbd: float = -1.0  # lambda, weight of the orthonormality penalty on U Uᵀ; -1: 1 (reference) or 0.1 (normalised)
    cm_epochs: int = 100  # "pre" only: the first clustering epochs train the CM alone on the frozen embedding (pre_fit: 100)
    average_last_epoch: bool = True  # the last planned epoch (when joint) ends on the mean of its weights after each step (module_AECM.fit)
    n_init: int = 20  # k-means restarts, for "pre" and for k-means on the final embedding (pre_fit: 20)

    def __post_init__(self):
        if self.init not in ("rand", "pre"):
            raise ValueError(f"init must be 'rand' or 'pre', got {self.init!r}")
        if self.loss not in ("reference", "normalised"):
            raise ValueError(f"loss must be 'reference' or 'normalised', got {self.loss!r}")
        if self.tuned_row not in TUNED_ROWS:
            raise ValueError(f"tuned_row must be one of {', '.join(TUNED_ROWS)}, got {self.tuned_row!r}")
        if self.alpha != -1 and not self.alpha > 0:
            raise ValueError(f"alpha must be positive (or -1 for the variant's default), got {self.alpha}")
        for name, value in (("beta", self.beta), ("lbd", self.lbd)):
            if value != -1 and not value >= 0:
                raise ValueError(f"{name} must be at least 0 (or -1 for the variant's default), got {value}")
        if self.cm_epochs < 0 or self.n_init < 1:
            raise ValueError("cm_epochs must be at least 0 and n_init positive")

    def weights(self) -> tuple[float, float, float]:
        """(alpha, beta, lambda) with every -1 replaced by the variant's value (the tuned row's for "reference")."""
        _, beta, alpha, _ = TUNED_ROWS[self.tuned_row]
        defaults = NORMALISED_WEIGHTS if self.loss == "normalised" else (alpha, beta, 1.0)
        given = (self.alpha, self.beta, self.lbd)
        return tuple(float(d if v == -1 else v) for v, d in zip(given, defaults))


def recipe_for_data(data) -> dict:
    """AECM.py reads its embedding size, beta, alpha and batch size from the data set's tuned row."""
    row = tuned_row(data.name)
    embedding_dim, _, _, batch_size = TUNED_ROWS[row]
    return {"tuned_row": row, "embedding_dim": embedding_dim, "batch_size": batch_size}


AECM_CARD = MethodCard(
    name="aecm", title="AE-CM (autoencoder with a clustering module)", config_class=AECMConfig,
    # AECM.py: no pretraining ("rand"), 1000 epochs + the averaging one, Adam 1e-3 ('adam|3': eps 1e-3),
    # LeakyReLU(0.2), glorot_uniform weights and glorot_normal biases; the MNIST row of Tuned_Param.py here,
    # the data set's row through recipe_for_data. init="pre" wants a pretrained autoencoder (AE.py: 100 epochs).
    suggested={"pretrain_epochs": 0, "cluster_epochs": 1001, "batch_size": 500, "lr": 1e-3,
               "activation": "leaky_relu", "init": "glorot", "embedding_dim": 10},  # autoencoder fields by name
    for_data=recipe_for_data,
    source="AECM.py with the data set's row of Tuned_Param.py (AECM_UNIF: Fashion-MNIST, USPS, else MNIST), "
           "github.com/Ahcene-B/clustering-Module",
    quick_look={"cluster_epochs": 80},  # quick look: 48 s (load 3), ACC 0.36; AE + k-means 0.54 (random weights)
)
