"""DEPICT's hyperparameters, lesson and card (the method: deepclust_core.methods.depict)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt


@dataclass(frozen=True, kw_only=True)
class DEPICTConfig:
    target: str = setting("reference", help="reference: q ∝ p^2 / sum_i p (functions.py); paper: q ∝ p / "
                                            "sqrt(sum_i p) (Sec. 3.1)", choices=("reference", "paper"))
    hidden_weight: float = setting(0.1, help="weight of each hidden layer's reconstruction term; the input layer "
                                             "weighs 1 (hlayer_loss_param)")
    reconstruction_weight: float = setting(1.0, help="weight of the whole reconstruction term (DEPICT.py's "
                                                     "reconstruct_hyperparam)")
    warmup_patience: int = setting(6, help="warm-up on the hard k-means labels ends after this many epochs without a "
                                           "better NMI(argmax p, k-means) (functions.py); 0: none")
    stop_tolerance: float = setting(1e-7, help="stop when the mean squared change of Q between epochs is below this "
                                               "(functions.py)")
    n_init: int = setting(40, help="k-means++ restarts for the head's initial centroids (functions.py's kmeans)")

    def __post_init__(self):
        if self.target not in ("reference", "paper"):
            raise ValueError(f"target must be 'reference' or 'paper', got {self.target!r}")
        if self.hidden_weight < 0 or self.reconstruction_weight < 0:
            raise ValueError("hidden_weight and reconstruction_weight must be non-negative")
        if self.warmup_patience < 0 or self.n_init < 1:
            raise ValueError("warmup_patience must be non-negative and n_init positive")
        if self.stop_tolerance < 0:
            raise ValueError(f"stop_tolerance must be non-negative, got {self.stop_tolerance}")


DEPICT_LESSON = Lesson(
    optimises="A softmax classifier on the embedding is trained, with the whole network, to predict a sharpened "
              "version of its own clean predictions from a noisy (dropout) pass, while every decoder layer of the "
              "noisy pass reconstructs the matching layer of the clean encoder.",
    equations=(
        r"p_{ik} = \frac{\exp(\theta_k^\top z_i)}{\sum_{k'} \exp(\theta_{k'}^\top z_i)}",
        r"\min_P\ \mathrm{KL}(Q \,\|\, P) + \mathrm{KL}(f \,\|\, u),\qquad f_k = \tfrac{1}{N} \sum_i q_{ik},\ u_k = \tfrac{1}{K}",
        (r"q_{ik} \propto \frac{p_{ik}}{\big(\sum_{i'} p_{i'k}\big)^{1/2}} \ \text{(paper)},\qquad "
         r"q_{ik} \propto \frac{p_{ik}^2}{\sum_{i'} p_{i'k}} \ \text{(reference code)}"),
        (r"L = -\frac{1}{N} \sum_i \sum_k q_{ik} \log \tilde p_{ik} "
         r"+ \sum_{l=0}^{L-1} w_l \frac{1}{|z^l|} \lVert \tilde z^{l}_{\mathrm{dec}} - z^l \rVert^2,"
         r"\qquad w_0 = 1,\ w_{l>0} = 0.1"),
    ),
    idea="Clustering as self-training of a classifier: the target Q sharpens the network's own predictions "
         "and divides by the cluster sizes, so large clusters cannot swallow small ones (a uniform prior on "
         "cluster frequencies). Predicting Q from a corrupted pass, while the decoder rebuilds the clean "
         "encoder layer by layer, regularises the embedding so it cannot simply overfit its own targets.",
    watch="First a warm-up: the head learns to reproduce the k-means labels (curve 'NMI(argmax p, k-means)') "
          "until that stops improving. Then, in the probability view, points move towards a corner (one "
          "cluster gets probability 1); colour by confidence to see max_k p_ik. The histogram compares "
          "the cluster frequencies with the uniform prior 1/K: the paper's target pulls them towards it more "
          "than the reference's. The curve 'change of Q' falls towards the 1e-7 stopping threshold.",
    source="Ghasedi Dizaji, Herandi, Deng, Cai, Huang. Deep Clustering via Joint Convolutional Autoencoder "
           "Embedding and Relative Entropy Minimization. ICCV 2017 (arXiv 1704.06327); reference code "
           "github.com/herandy/DEPICT",
)

DEPICT_CARD = MethodCard(
    name="depict", title="DEPICT (Deep Embedded Regularized Clustering)", config_class=DEPICTConfig, lesson=DEPICT_LESSON,
    # DEPICT.py: Adam lr 1e-4, batch 100, embedding = K (set embedding_dim = K yourself), the dropout network.
    # Pretraining (functions.py's train_depict_ae): the layer-wise reconstruction with hidden weight 0.1, at most
    # 4000 epochs, stopped after more than 100 epochs without a lower loss on a 10 % hold-out, ending on the best
    # weights (its hold-out is stratified on the true labels; ours is random). Clustering: at most 4000 epochs,
    # until the mean squared change of Q is below 1e-7 (DEPICTConfig.stop_tolerance).
    suggested={"pretrain_epochs": 4000, "cluster_epochs": 4000, "batch_size": 100, "lr": 1e-4, "kind": "depict",
               "pretrain_hidden_weight": 0.1, "pretrain_holdout": 0.1, "pretrain_patience": 100},
    source="DEPICT.py and functions.py, github.com/herandy/DEPICT",
    quick_look={"pretrain_epochs": 20, "cluster_epochs": 20},  # quick look: 48 s (load 4 to 5), ACC 0.66; AE + k-means 0.67
    try_it=TryIt("digits", "Ten digit classes: points move towards the corners of the probability view, the sizes held near 1/K."),
)
