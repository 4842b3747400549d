"""AE + k-means' hyperparameters, lesson and card (the method: deepclust_core.methods.ae_kmeans)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt
from .dec import DEC_KERAS_PRETRAINING, pretraining_for_data


@dataclass(frozen=True, kw_only=True)
class AEKMeansConfig:
    n_init: int = setting(10, help="k-means++ restarts (scikit-learn's classic default)")

    def __post_init__(self):
        if self.n_init < 1:
            raise ValueError(f"n_init must be positive, got {self.n_init}")


AE_KMEANS_LESSON = Lesson(
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

AE_KMEANS_CARD = MethodCard(
    name="ae-kmeans", title="AE + k-means (baseline)", config_class=AEKMeansConfig, lesson=AE_KMEANS_LESSON,
    # DEC-keras' baseline (results/exp1/results.csv, "AE+k-means"): its pretraining (Adam for tables, as DEC's card),
    # then k-means with n_init 20 as DEC.py starts from: on one seed exactly the partition DEC and IDEC start from
    suggested={**DEC_KERAS_PRETRAINING, "n_init": 20},
    for_data=pretraining_for_data,
    source="DEC-keras' AE + k-means: DEC.py's pretraining (tables: Adam) and its k-means (n_init 20), "
           "github.com/XifengGuo/DEC-keras",
    clustering_optimiser=None,  # no clustering epochs: nothing is fine-tuned
    quick_look={"pretrain_epochs": 50},  # quick look: 29 s (load 3 to 4), ACC 0.77
    try_it=TryIt("moons", "Two moons: k-means on the embedding draws straight borders there; watch where the baseline cuts the moons."),
)
