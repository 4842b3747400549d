"""AE + k-means' hyperparameters and card (the method: deepclust_core.methods.ae_kmeans)."""
from __future__ import annotations

from dataclasses import dataclass

from .card import MethodCard
from .dec import DEC_KERAS_PRETRAINING, pretraining_for_data


@dataclass(frozen=True, kw_only=True)
class AEKMeansConfig:
    n_init: int = 10  # k-means++ restarts (scikit-learn's classic default)

    def __post_init__(self):
        if self.n_init < 1:
            raise ValueError(f"n_init must be positive, got {self.n_init}")


AE_KMEANS_CARD = MethodCard(
    name="ae-kmeans", title="AE + k-means (baseline)", config_class=AEKMeansConfig,
    # DEC-keras' baseline (results/exp1/results.csv, "AE+k-means"): its pretraining (Adam for tables, as DEC's card),
    # then k-means with n_init 20 as DEC.py starts from: on one seed exactly the partition DEC and IDEC start from
    suggested={**DEC_KERAS_PRETRAINING, "n_init": 20},
    for_data=pretraining_for_data,
    source="DEC-keras' AE + k-means: DEC.py's pretraining (tables: Adam) and its k-means (n_init 20), "
           "github.com/XifengGuo/DEC-keras",
    quick_look={"pretrain_epochs": 50},  # quick look: 29 s (load 3 to 4), ACC 0.77
)
