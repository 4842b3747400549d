"""DEC's and IDEC's hyperparameters, lessons and cards (the methods: deepclust_core.methods.dec)."""
from __future__ import annotations

from dataclasses import dataclass

from ..settings.optimisers import ADAM_AT_LR, Optimiser
from ..settings.options import setting
from .card import Lesson, MethodCard, TryIt


def check_config(config) -> None:
    """The validation DECConfig and IDECConfig share."""
    if not config.alpha > 0:
        raise ValueError(f"alpha must be positive, got {config.alpha}")
    if config.n_init < 1:
        raise ValueError(f"n_init must be positive, got {config.n_init}")
    if config.update_interval < 0:
        raise ValueError(f"update_interval must be 0 (every epoch end) or a number of steps, got {config.update_interval}")
    if config.max_iterations < 1:
        raise ValueError(f"max_iterations must be positive, got {config.max_iterations}")
    if not 0 <= config.stop_tolerance < 1:
        raise ValueError(f"stop_tolerance must be in [0, 1), got {config.stop_tolerance}")
    if config.optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {config.optimizer!r}")
    if not config.sgd_lr > 0 or not 0 <= config.momentum < 1:
        raise ValueError(f"sgd_lr must be positive and momentum in [0, 1), got {config.sgd_lr} and {config.momentum}")


@dataclass(frozen=True)
class RefreshRule:
    """When DEC and IDEC refresh their target P, and how many steps apart the stopping rule compares labels."""

    refresh_every: int  # steps between two refreshes (an epoch's steps when at_epoch_end)
    at_epoch_end: bool  # refresh at every epoch end rather than every `refresh_every` steps
    check_every: int  # the 0.1 % rule compares the labels with those of a refresh at least this many steps before

    def describe(self) -> str:
        if not self.at_epoch_end:
            return f"every {self.refresh_every} steps"
        if self.check_every == 0:
            return "every epoch end"
        return (f"every epoch end: an epoch, {self.refresh_every} step{'s' * (self.refresh_every != 1)}, is shorter "
                f"than the {self.check_every}-step interval")


def refresh_rule(update_interval: int, steps_per_epoch: int) -> RefreshRule:
    """The references' refresh, kept on small data. DEC-keras and IDEC.py refresh P every `update_interval` steps
    (140 on MNIST: about twice an epoch of 274 steps) and stop when fewer than 0.1 % of the labels changed since
    the last refresh. When an epoch is shorter than the interval (digits at batch 256: 8 steps; a 178-row table:
    1 step), the interval alone would leave a short run on its first target (a 30-epoch quick look on a table: 30
    steps, no refresh), so P is refreshed at every epoch end instead, at least as often as the reference does;
    the 0.1 % rule still compares labels `update_interval` steps apart or more, since too few rows move in a few
    steps (on digits, comparing refreshes an epoch apart ends DEC after a few of them). 0: every epoch end, the
    rule at each refresh. Reads only the step counts, never the data's labels."""
    if update_interval == 0:
        return RefreshRule(max(steps_per_epoch, 1), True, 0)
    if steps_per_epoch < update_interval:
        return RefreshRule(max(steps_per_epoch, 1), True, update_interval)
    return RefreshRule(update_interval, False, update_interval)


@dataclass(frozen=True, kw_only=True)
class DECConfig:
    alpha: float = setting(1.0, help="degrees of freedom of the Student t kernel (DEC Eq. 1; 1 in the paper and the "
                                     "code)")
    n_init: int = setting(20, help="k-means restarts for the initial centroids (DEC-keras)")
    update_interval: int = setting(140, help="refresh the target P every this many steps (DEC-keras: 140 on MNIST and "
                                             "Fashion-MNIST, 30 on USPS), and at every epoch end when an epoch is "
                                             "shorter; 0: at every epoch end")
    stop_tolerance: float = setting(0.001, help="stop when fewer than this share of labels changes in update_interval "
                                                "steps, between target refreshes (0.1 %)")
    max_iterations: int = setting(20000, help="stop after this many steps at the latest (DEC-keras' maxiter, 2e4)")
    optimizer: str = setting("sgd", help="the clustering phase's optimiser: DEC-keras' SGD with momentum; \"adam\": "
                                         "Adam at the run's lr", choices=("sgd", "adam"))
    sgd_lr: float = setting(0.01, help='the clustering phase\'s SGD step size when optimizer="sgd" (DEC-keras: '
                                       "SGD(0.01, 0.9)); pretraining has its own optimiser (pretrain_optimizer)")
    momentum: float = setting(0.9, help='the clustering phase\'s SGD momentum when optimizer="sgd" (DEC-keras)')

    def __post_init__(self):
        check_config(self)


@dataclass(frozen=True, kw_only=True)
class IDECConfig(DECConfig):
    """DEC's settings (IDEC.py keeps DEC-keras' alpha, restarts, refresh interval, tolerance and maxiter), its
    own optimiser, and gamma."""

    optimizer: str = setting("adam", help='the clustering phase\'s optimiser: Adam at the run\'s lr (IDEC.py on MNIST); '
                                          '"sgd": SGD with momentum (USPS, Reuters)', choices=("adam", "sgd"))
    sgd_lr: float = setting(0.1, help='the clustering phase\'s SGD step size when optimizer="sgd" (IDEC.py: '
                                      "SGD(0.1, 0.99)); pretraining has its own optimiser (pretrain_optimizer)")
    momentum: float = setting(0.99, help='the clustering phase\'s SGD momentum when optimizer="sgd" (IDEC.py)')
    gamma: float = setting(0.1, help="weight of the clustering term KL(P||Q); the reconstruction has weight 1 (IDEC)")

    def __post_init__(self):
        super().__post_init__()
        if not self.gamma >= 0:
            raise ValueError(f"gamma must be at least 0, got {self.gamma}")


def clustering_optimiser(config: DECConfig) -> Optimiser:
    """DEC-keras' SGD(sgd_lr, momentum), or Adam at the run's lr (IDEC.py on MNIST)."""
    return ADAM_AT_LR if config.optimizer == "adam" else Optimiser("sgd", "sgd_lr", "momentum")


# DEC.py's pretraining for mnist and fmnist alike (its README and results/exp1 use it): pretrain() 300 epochs
# with SGD(lr=1, momentum=0.9), batch 256, MSE, VarianceScaling(1/3, fan_in, uniform) weights (PyTorch's default)
# and Keras' zero biases. IDEC.py trains no autoencoder: its README has it load weights pretrained by DEC's
# original Caffe code (github.com/piiswrong/dec); IDEC here starts from DEC-keras' pretraining instead, as DEC does.
DEC_KERAS_PRETRAINING = {"pretrain_epochs": 300, "batch_size": 256, "pretrain_optimizer": "sgd", "pretrain_sgd_lr": 1.0,
                         "pretrain_momentum": 0.9, "init": "zero_bias"}
MAX_STEPS = 20000  # DEC.py's and IDEC.py's maxiter


def pretraining_for_data(data) -> dict:
    """Images: DEC.py's SGD(1, 0.9); tables: Adam, as DEC.py pretrains usps and stl. SGD with step 1 suits pixels
    in [0, 1] but diverges on standardised columns (all four synthetic sets, in their second epoch)."""
    return {} if data.image_shape is not None else {"pretrain_optimizer": "adam"}


def recipe_for_data(data) -> dict:
    """Images: DEC.py's SGD(1, 0.9) pretraining, tables: Adam (SGD with step 1 diverges on standardised columns);
    clustering epochs enough for the 2e4-step cap at batch 256 (MNIST's 70,000 rows: 73; digits: 2,500), so that
    max_iterations or the 0.1 % rule ends the run, not the epoch count."""
    steps_per_epoch = -(-len(data.X) // DEC_KERAS_PRETRAINING["batch_size"])
    return {**pretraining_for_data(data), "cluster_epochs": -(-MAX_STEPS // steps_per_epoch)}


# DEC's Eq. 1 (the Student t soft assignment) and Eq. 3 (the target), which IDEC shares, and Eq. 2 (DEC's loss)
Q_EQUATION = (r"q_{ik} = \frac{(1 + \lVert z_i - \mu_k \rVert^2 / \alpha)^{-\frac{\alpha+1}{2}}}"
              r"{\sum_l (1 + \lVert z_i - \mu_l \rVert^2 / \alpha)^{-\frac{\alpha+1}{2}}},"
              r"\qquad z_i = f(x_i),\ \alpha = 1")
P_EQUATION = r"p_{ik} = \frac{q_{ik}^2 / f_k}{\sum_l q_{il}^2 / f_l},\qquad f_k = \sum_i q_{ik}"
KL_EQUATION = r"\mathrm{KL}(P \,\Vert\, Q) = \sum_i \sum_k p_{ik} \log \frac{p_{ik}}{q_{ik}}"

DEC_LESSON = Lesson(
    optimises="DEC keeps only the encoder of a pretrained autoencoder and fine-tunes it, together with K "
              "centroids, so that the soft assignments Q match a sharpened copy of themselves, P, which is "
              "frozen between refreshes.",
    equations=(Q_EQUATION, P_EQUATION, r"L = " + KL_EQUATION),
    idea="Self-training: squaring q and renormalising makes the target more confident than the model, so the "
         "network chases its own sharpened predictions, confident points first; dividing by the cluster "
         "frequency f_k stops large clusters from swallowing the others. The heavy-tailed Student t kernel "
         "(as in t-SNE) still gives far points a gradient.",
    watch="Points contract onto their centroids and the confidence colours brighten, the confident ones first. "
          "The share of labels changed at each refresh of P falls, and the run stops below 0.1 %. Nothing keeps "
          "the embedding faithful to the data (no decoder): compare the shape of the clusters with IDEC.",
    source="Xie, Girshick, Farhadi. Unsupervised deep embedding for clustering analysis. ICML 2016 "
           "(arXiv 1511.06335); reference code github.com/XifengGuo/DEC-keras (DEC.py)",
)

DEC_CARD = MethodCard(
    name="dec", title="DEC (Deep Embedded Clustering)", config_class=DECConfig, lesson=DEC_LESSON,
    # DEC.py on mnist and fmnist: the pretraining above, then k-means (n_init 20), SGD(0.01, 0.9), batch 256,
    # the target refreshed every 140 steps, at most 2e4 steps (73 epochs of 70,000 rows), tol 0.1 % (DECConfig)
    suggested={**DEC_KERAS_PRETRAINING, "cluster_epochs": 73, "lr": 1e-3},
    for_data=recipe_for_data, clustering_optimiser=clustering_optimiser,
    source="DEC.py's settings for mnist and fmnist (tables: Adam pretraining, as its usps), github.com/XifengGuo/DEC-keras",
    # quick look: 50 s (load 2 to 3), ACC 0.76; AE + k-means 0.77. With P refreshed at every epoch end (an epoch of
    # digits is 8 steps, under the 140-step interval): ACC 0.746 (seed 0, load about 30; 0.762 before)
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 30},
    try_it=TryIt("blobs", "Four blobs: points contract onto their centroids, the confident ones first.", "example-blobs-dec"),
)

IDEC_LESSON = Lesson(
    optimises="IDEC is DEC with the decoder kept: the encoder, the decoder and the centroids minimise the "
              "reconstruction error plus the DEC clustering loss KL(P‖Q) with the small weight γ = 0.1.",
    equations=(Q_EQUATION, P_EQUATION,
               r"L = \frac{1}{|B|} \sum_{i \in B} \Big( \frac{1}{D} \lVert x_i - g(z_i) \rVert^2 "
               r"+ \gamma \sum_k p_{ik} \log \frac{p_{ik}}{q_{ik}} \Big),\qquad \gamma = 0.1"),
    idea="DEC's clustering loss alone can distort the embedding until it no longer represents the data. Keeping "
         "the reconstruction term preserves the local structure of the data; the small weight γ lets clustering "
         "shape the space without tearing it.",
    watch="As in DEC the points contract onto their centroids and the confidence rises, but the clusters keep "
          "more of their shape, and the reconstruction loss should stay close to its pretrained value. The run "
          "stops when fewer than 0.1 % of labels change between two refreshes of P.",
    source="Guo, Gao, Liu, Yin. Improved deep embedded clustering with local structure preservation. IJCAI 2017; "
           "reference code github.com/XifengGuo/IDEC (IDEC.py)",
)

IDEC_CARD = MethodCard(
    name="idec", title="IDEC (Improved Deep Embedded Clustering)", config_class=IDECConfig, lesson=IDEC_LESSON,
    # IDEC.py on mnist, on the pretraining above (not the Caffe weights IDEC's README loads): k-means (n_init 20),
    # Adam (Keras' default lr 1e-3), batch 256, gamma 0.1, the target refreshed every 140 steps, at most 2e4 steps,
    # tol 0.1 %
    suggested={**DEC_KERAS_PRETRAINING, "cluster_epochs": 73, "lr": 1e-3},
    for_data=recipe_for_data, clustering_optimiser=clustering_optimiser,
    source="IDEC.py's settings for mnist, github.com/XifengGuo/IDEC, on DEC-keras' pretraining (DEC.py; tables: Adam)",
    # quick look: 64 s (load 3 to 4), ACC 0.79; AE + k-means 0.77. With P refreshed at every epoch end: ACC 0.775
    # (seed 0, load about 30; 0.790 before). On data smaller than digits the epochs keep their 400 + 240 steps
    # on digits (settings/small_data.py): wine's quick look runs 400 + 240 one-step epochs (docs/benchmarks.md)
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 30},
    try_it=TryIt("digits", "Ten digit classes: clusters contract as in DEC but keep more of their shape.", "example-digits-idec-branch"),
)
