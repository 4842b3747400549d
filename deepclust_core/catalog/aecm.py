"""AE-CM's hyperparameters, lesson and card (the method: deepclust_core.methods.aecm)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings.optimisers import Optimiser
from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt

# Tuned_Param.py's AECM_UNIF rows, which AECM.py reads by data set: (embedding OUT, beta BETA, alpha CC, batch BATCH);
# lambda is 1 in every row (AECM.py hard-codes LBD = 1)
TUNED_ROWS = {
    "MNIST": (10, 5.0, 230.0, 500),
    "Fashion-MNIST": (10, 47.0, 13.0, 175),
    "USPS": (30, 0.04, 3.0, 45),
    "PENDIGITS": (70, 0.5, 13.0, 80),
}
# The shape (rows, dimensions) of the data set each row was tuned on, as the reference loads it
ROW_SHAPES = {"MNIST": (70000, 784), "Fashion-MNIST": (70000, 784), "USPS": (9298, 256), "PENDIGITS": (10992, 16)}
STARTS = ("rand", "pre")  # AECM.py's `init` argument: random weights, or AE.py's pretrained autoencoder
JOINT_EPOCHS = 1001  # AECM.py's 1,000 epochs (-e) and module_AECM.fit's averaging one
PRE_START = {"pretrain_epochs": 100, "cm_epochs": 100}  # AE.py's 100 epochs; pre_fit's 100 CM-only epochs
NORMALISED_WEIGHTS = (1.1, 100.0, 0.1)  # (alpha, beta, lambda): Example/MNIST_example.py, "parameters for normalized loss"


def tuned_row(data_name: str, n_rows: int, n_features: int) -> str:
    """The row of TUNED_ROWS for a data set: its own when its name is one of the reference's ("Fashion-MNIST (10000
    of 70000)", "usps.npz", "mnist-idx"), else the row of the data set closest in shape, by the distance of
    (log rows, log dimensions): digits (1,797 x 64) takes USPS's, a 178-row table of 13 columns PENDIGITS'.
    MNIST's row on digits trains 4,000 steps at batch 500 against MNIST's 140,000, from random weights; a row tuned
    on data of about the same size and width keeps the reference's balance of batch size, loss terms and steps.
    Reads the name and the shape only, never labels. No row makes the random start leave its uniform state on
    digits within the recipe's 1,001 epochs (methods/aecm.py: the assignment weights must grow to K/2 by Adam steps
    of about lr; the reference trains 207,000 steps on USPS, digits gives 40,000), which is why `recipe_for_data`
    starts "pre" on data smaller than the row's own."""
    plain = data_name.lower()
    for row, words in (("Fashion-MNIST", ("fashion",)), ("USPS", ("usps",)), ("PENDIGITS", ("pendigit",)),
                       ("MNIST", ("mnist",))):
        if any(word in plain for word in words):
            return row

    def distance(row: str) -> float:
        rows, dims = ROW_SHAPES[row]
        return float(np.hypot(np.log(n_rows / rows), np.log(n_features / dims)))

    return min(TUNED_ROWS, key=distance)


@dataclass(frozen=True, kw_only=True)
class AECMConfig:
    start: str = setting("rand", help='"rand": from random weights (AECM.py ... rand); "pre": from a pretrained '
                                      "autoencoder, the CM set by k-means on its embedding and trained alone first "
                                      "(AECM.py ... pre); the recipe starts \"pre\" on data smaller than its tuned "
                                      "row's", choices=STARTS)
    loss: str = setting("reference", help='"reference": module_AECM.py (sums, L1 penalty, Adam); "normalised": '
                                          "Example/lib_CM.py (AdamW)", choices=("reference", "normalised"))
    tuned_row: str = setting("MNIST", help="the row of Tuned_Param.py whose alpha and beta the reference loss takes "
                                           "when they are -1; the recipe picks the data set's own, else the one "
                                           "tuned on data closest in rows and dimensions",
                               choices=tuple(TUNED_ROWS))
    alpha: float = setting(-1.0, help="Dirichlet concentration in E4 (>1 penalises small clusters); -1: the tuned "
                                      "row's (reference; MNIST 230) or 1.1 (normalised)")
    beta: float = setting(-1.0, help="weight of the reconstruction; -1: the tuned row's (reference; MNIST 5) or 100 "
                                     "(normalised)")
    lbd: float = setting(-1.0, help="lambda, weight of the orthonormality penalty on U Uᵀ; -1: 1 (reference) or 0.1 "
                                    "(normalised)")
    cm_epochs: int = setting(100, help='"pre" only: the first clustering epochs train the CM alone on the frozen '
                                       "embedding (pre_fit: 100)")
    average_last_epoch: bool = setting(True, help="the last planned epoch (when joint) ends on the mean of its "
                                                  "weights after each step (module_AECM.fit)")
    n_init: int = setting(20, help='k-means restarts, for "pre" and for k-means on the final embedding (pre_fit: 20)')

    def __post_init__(self):
        if self.start not in STARTS:
            raise ValueError(f"start must be 'rand' or 'pre', got {self.start!r}")
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
    """AECM.py reads its embedding size, beta, alpha and batch size from the data set's tuned row (`tuned_row`).

    On data with fewer rows than the data set the row was tuned on, the recipe starts as `AECM.py DATA pre` does:
    AE.py's 100 pretraining epochs, k-means on that embedding sets the CM, pre_fit's 100 epochs train the CM alone,
    then the reference's 1,000 joint epochs and the averaging one. From random weights the CM must first leave a
    uniform start (methods/aecm.py), which takes far more optimiser steps than 1,000 epochs of a smaller data set
    give (digits at USPS's batch: 40,000 against USPS's 207,000). The rule reads the number of rows only, never
    labels; measured on digits over 5 seeds in docs/benchmarks.md ("AE-CM on digits")."""
    row = tuned_row(data.name, data.n_samples, data.n_features)
    embedding_dim, _, _, batch_size = TUNED_ROWS[row]
    recipe = {"tuned_row": row, "embedding_dim": embedding_dim, "batch_size": batch_size}
    if data.n_samples < ROW_SHAPES[row][0]:
        recipe.update(start="pre", **PRE_START, cluster_epochs=PRE_START["cm_epochs"] + JOINT_EPOCHS)
    return recipe


AECM_LESSON = Lesson(
    optimises="AE-CM trains an autoencoder and a clustering module (CM) on its embedding at the same time, "
              "from random weights on data as large as the reference's, or on smaller data from a pretrained "
              "autoencoder whose k-means partition sets the CM. The CM is a one-hidden-layer autoencoder whose "
              "loss is the expected k-means distortion of the embedding under soft assignments, plus a Dirichlet "
              "prior against small clusters; reconstructing the input keeps the embedding faithful to the data.",
    equations=(
        r"z_i = f(x_i),\qquad \gamma_i = \operatorname{softmax}(W_\gamma^\top z_i + b_\gamma),\qquad "
        r"\hat z_i = \sum_{k=1}^{K} \gamma_{ik} u_k",
        r"\underbrace{\sum_i \lVert z_i - \hat z_i \rVert^2}_{E_1}"
        r"+ \underbrace{\sum_k \Big(\sum_i \gamma_{ik}(1-\gamma_{ik})\Big) \lVert u_k \rVert^2}_{E_2}"
        r"\underbrace{- \sum_{k \neq l} \Big(\sum_i \gamma_{ik}\gamma_{il}\Big) u_k^\top u_l}_{E_3}"
        r"= \sum_i \sum_k \gamma_{ik} \lVert z_i - u_k \rVert^2",
        r"E_4 = \sum_{k=1}^{K} (1 - \alpha) \log\Big(\frac{1}{|B|} \sum_{i \in B} \gamma_{ik}\Big)",
        r"L = E_1 + \sum_{i,k} \gamma_{ik}(1-\gamma_{ik}) + \lambda \sum_{k,l} \big|(U U^\top - I)_{kl}\big| "
        r"+ E_4 + \beta \sum_i \lVert x_i - g(z_i) \rVert^2",
    ),
    idea="A Gaussian mixture with one shared isotropic covariance (soft k-means) is exactly the loss of a tiny "
         "autoencoder: its softmax encoder gives the soft assignments and its linear decoder holds the centroids. "
         "Being a network, it sits on the deep encoder and trains with it by gradient descent, with no k-means "
         "step to alternate with. E2 is zero only for one-hot assignments, so it sharpens them; orthonormal "
         "centroids stop the encoder and the centroids from shrinking together towards zero.",
    watch="From a pretrained start (the recipe on data smaller than the reference's), the CM first trains alone "
          "on the frozen embedding: the confidence colours brighten while the points stay put. Then the encoder "
          "joins, and the points gather at K centroids as the orthonormality error falls. From random weights the "
          "embedding starts as one blob; while the assignment weights along the centroids stay under K/2, every "
          "point is pulled to the centroids' mean and the confidence stays near 1/K: the reference trains 140,000 "
          "steps to leave that start. The bars "
          "under the view are the cluster shares: the Dirichlet prior keeps every cluster alive. The last epoch "
          "averages the weights after every step, often a small jump in the curves.",
    source="Boubekki, Kampffmeyer, Brefeld, Jenssen. Joint optimization of an autoencoder for clustering and "
           "embedding. Machine Learning 110, 2021 (arXiv 2012.03740); reference code "
           "github.com/Ahcene-B/clustering-Module (Module/module_AECM.py, Example/lib_CM.py)",
)

def clustering_optimiser(config: AECMConfig) -> Optimiser:
    """Adam(eps 1e-3), 'adam|3' of module_AECM.py; AdamW(eps 1e-3) for the normalised loss (Example/lib_CM.py)."""
    return Optimiser("adamw" if config.loss == "normalised" else "adam", "lr", eps=1e-3)


def unread_options(config: AECMConfig) -> dict[str, str]:
    """cm_epochs trains the CM alone only from a pretrained embedding; the tuned row gives the reference loss the
    alpha and beta left at -1."""
    unread = {}
    if config.start != "pre":
        unread["cm_epochs"] = 'only with start "pre"'
    if config.loss == "normalised" or (config.alpha != -1 and config.beta != -1):
        unread["tuned_row"] = "only for the reference loss's alpha or beta left at -1"
    return unread


AECM_CARD = MethodCard(
    name="aecm", title="AE-CM (autoencoder with a clustering module)", config_class=AECMConfig, lesson=AECM_LESSON,
    # AECM.py: no pretraining ("rand"), 1000 epochs + the averaging one, Adam 1e-3 ('adam|3': eps 1e-3),
    # LeakyReLU(0.2), glorot_uniform weights and glorot_normal biases; the MNIST row of Tuned_Param.py here,
    # the data set's row through recipe_for_data, which also starts "pre" (AE.py's 100 pretraining epochs, pre_fit's
    # 100 CM-only ones) on data smaller than the row's own.
    suggested={"pretrain_epochs": 0, "cluster_epochs": JOINT_EPOCHS, "batch_size": 500, "lr": 1e-3,
               "activation": "leaky_relu", "init": "glorot", "embedding_dim": 10},  # autoencoder fields by name
    for_data=recipe_for_data, clustering_optimiser=clustering_optimiser, unread_options=unread_options,
    source="AECM.py with the data set's row of Tuned_Param.py (AECM_UNIF: MNIST, Fashion-MNIST, USPS, PENDIGITS; "
           "other data: the row tuned on data closest in rows and dimensions); from random weights, or on data "
           "smaller than the row's own from AE.py's pretrained autoencoder (AECM.py ... pre), "
           "github.com/Ahcene-B/clustering-Module",
    # Quick look on digits (start "pre": 100 pretraining epochs, 30 CM-only, 50 joint): 503 s at load 15 to 23, most
    # of it pretraining (cached for the next run), ACC 0.825 against AE + k-means 0.774 (seed 0). From random weights
    # (before the "pre" rule, USPS's row): ACC 0.26 against 0.72 (docs/benchmarks.md, "AE-CM on digits").
    quick_look={"cluster_epochs": 80, "cm_epochs": 30},
    try_it=TryIt("blobs", "Four blobs: the CM starts from k-means on the pretrained embedding and sharpens alone, then "
                          "the encoder and the orthonormal centroids move together."),
)
