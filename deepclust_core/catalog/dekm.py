"""DEKM's hyperparameters, lesson and card (the method: deepclust_core.methods.dekm)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt


@dataclass(frozen=True, kw_only=True)
class DEKMConfig:
    update_interval: int = setting(0, help="T, steps between k-means updates; 0: 10 for the MLP (DEKM_dense.py), 40 "
                                           "for conv (DEKM.py)")
    stop_tolerance: float = setting(0.005, help="stop when at most this share of labels changes (reference 0.5 %; the "
                                                "paper says 0.1 %)")
    max_iterations: int = setting(14000, help="the reference's cap, 140 x 100 steps")
    first_n_init: int = setting(100, help="k-means restarts at the first update; afterwards 2 x the previous run's "
                                          "iterations")

    def __post_init__(self):
        if self.update_interval < 0:
            raise ValueError(f"update_interval must be 0 (automatic) or positive, got {self.update_interval}")
        if not 0 <= self.stop_tolerance < 1:
            raise ValueError(f"stop_tolerance must be in [0, 1), got {self.stop_tolerance}")
        if self.max_iterations < 1 or self.first_n_init < 1:
            raise ValueError("max_iterations and first_n_init must be positive")


def network_for_data(data) -> dict:
    """DEKM.py's convolutional autoencoder for images, DEKM_dense.py's MLP for tables (update_interval 0 picks
    T = 40 or 10 to match). On 8x8 digits DEKM.py's own rule holds: the side divides by 8, so the third
    convolution pads 'same' and the network is 8 -> 4 -> 2 -> 1 (128 maps of 1x1, then Dense(10)), the
    reference's layers unchanged rather than a network of our own; see the card for what it gives."""
    return {"kind": "conv" if data.image_shape is not None else "mlp"}


DEKM_LESSON = Lesson(
    optimises="After pretraining, DEKM alternates k-means on the embedding with a rotation of the embedding "
              "space, and trains only the encoder so that the one rotated direction with the least cluster "
              "structure collapses onto the cluster centres.",
    equations=(
        r"S_w = \sum_{k=1}^{K} \sum_{i \in C_k} (h_i - \mu_k)(h_i - \mu_k)^\top",
        r"S_w V = V \Lambda,\quad \lambda_1 \le \dots \le \lambda_d,\qquad y_i = V^\top h_i",
        r"t_{ij} = y_{ij}\ (j < d),\qquad t_{id} = (V^\top \mu_{c_i})_d",
        r"L = \frac{1}{|B|} \sum_{i \in B} \frac{1}{d} \sum_{j=1}^{d} \big((V^\top f(x_i))_j - t_{ij}\big)^2",
    ),
    idea="The eigenvectors of the within-cluster scatter S_w give a coordinate system in which the last axis "
         "carries the most within-cluster spread. Pulling only that coordinate to its cluster centre, while the "
         "others stay where they are, makes clusters tighter without tearing the rest of the space apart.",
    watch="In the transformed space, the pulled coordinate (x axis by default) splits into K narrow stripes "
          "while the most compact one barely moves; the largest eigenvalue of S_w shrinks update after update, "
          "and the run stops when fewer than 0.5 % of labels change.",
    source="Guo, Lin, Ye. Deep Embedded K-Means Clustering. ICDM Workshops 2021 (arXiv 2109.15149); "
           "reference code github.com/spdj2271/DEKM",
)

DEKM_CARD = MethodCard(
    name="dekm", title="DEKM (Deep Embedded K-Means)", config_class=DEKMConfig, lesson=DEKM_LESSON,
    # DEKM.py and DEKM_dense.py alike: pretraining 200 epochs, Adam (Keras' default lr 1e-3), batch 256, embedding
    # 10; then Adam on batches of 256 until at most 0.5 % of labels change, or 14,000 steps (DEKMConfig). 200
    # clustering epochs hold the 14,000 steps from 17,900 rows up; on smaller data they are the bound, if the 0.5 %
    # rule has not ended the run first. Not copied: their 'uniform' (±0.05) kernels; PyTorch's default init is used.
    # On digits (seed 0, this recipe, one thread): the conv network 8 -> 4 -> 2 -> 1 goes from AE + k-means 0.770 to
    # DEKM 0.851 ACC in 61 s; the MLP (--autoencoder mlp) from 0.790 to 0.820 in 182 s.
    suggested={"pretrain_epochs": 200, "cluster_epochs": 200, "batch_size": 256, "lr": 1e-3, "embedding_dim": 10},
    for_data=network_for_data,
    source="DEKM.py (conv autoencoder, T = 40) for images, DEKM_dense.py (MLP, T = 10) for tables, "
           "github.com/spdj2271/DEKM",
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 40},  # quick look (conv): 22 s (load 3 to 4), ACC 0.80; AE + k-means 0.74
    try_it=TryIt("digits", "Ten digit classes: in DEKM's own space the pulled axis splits into ten stripes.", "example-digits-dekm"),
)
