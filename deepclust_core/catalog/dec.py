"""DEC's and IDEC's hyperparameters and cards (the methods: deepclust_core.methods.dec)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import MethodCard


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


@dataclass(frozen=True, kw_only=True)
class DECConfig:
    alpha: float = 1.0  # degrees of freedom of the Student t kernel (DEC Eq. 1; 1 in the paper and the code)
    n_init: int = 20  # k-means restarts for the initial centroids (DEC-keras)
    update_interval: int = 140  # refresh the target P every this many steps (DEC-keras: 140 on MNIST and Fashion-MNIST, 30 on USPS); 0: at every epoch end
    stop_tolerance: float = 0.001  # stop when fewer than this share of labels changes between target refreshes (0.1 %)
    max_iterations: int = 20000  # stop after this many steps at the latest (DEC-keras' maxiter, 2e4)
    optimizer: str = field(default="sgd", metadata={"choices": ("sgd", "adam")})  # DEC-keras: SGD with momentum; "adam": Adam at the run's lr
    sgd_lr: float = 0.01  # SGD step size (DEC-keras: SGD(0.01, 0.9)); the run's lr still drives pretraining
    momentum: float = 0.9  # SGD momentum (DEC-keras)

    def __post_init__(self):
        check_config(self)


@dataclass(frozen=True, kw_only=True)
class IDECConfig:
    gamma: float = 0.1  # weight of the clustering term KL(P||Q); the reconstruction has weight 1 (IDEC)
    alpha: float = 1.0  # degrees of freedom of the Student t kernel (DEC Eq. 1, kept by IDEC)
    n_init: int = 20  # k-means restarts for the initial centroids (IDEC.py)
    update_interval: int = 140  # refresh the target P every this many steps (IDEC.py: 140 on MNIST, 30 on USPS); 0: at every epoch end
    stop_tolerance: float = 0.001  # stop when fewer than this share of labels changes between target refreshes (0.1 %)
    max_iterations: int = 20000  # stop after this many steps at the latest (IDEC.py's maxiter, 2e4)
    optimizer: str = field(default="adam", metadata={"choices": ("adam", "sgd")})  # IDEC.py: Adam on MNIST; "sgd": SGD with momentum (USPS, Reuters)
    sgd_lr: float = 0.1  # SGD step size when optimizer="sgd" (IDEC.py: SGD(0.1, 0.99))
    momentum: float = 0.99  # SGD momentum when optimizer="sgd" (IDEC.py)

    def __post_init__(self):
        check_config(self)
        if not self.gamma >= 0:
            raise ValueError(f"gamma must be at least 0, got {self.gamma}")


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


DEC_CARD = MethodCard(
    name="dec", title="DEC (Deep Embedded Clustering)", config_class=DECConfig,
    # DEC.py on mnist and fmnist: the pretraining above, then k-means (n_init 20), SGD(0.01, 0.9), batch 256,
    # the target refreshed every 140 steps, at most 2e4 steps (73 epochs of 70,000 rows), tol 0.1 % (DECConfig)
    suggested={**DEC_KERAS_PRETRAINING, "cluster_epochs": 73, "lr": 1e-3},
    for_data=recipe_for_data,
    source="DEC.py's settings for mnist and fmnist (tables: Adam pretraining, as its usps), github.com/XifengGuo/DEC-keras",
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 30},  # quick look: 50 s (load 2 to 3), ACC 0.76; AE + k-means 0.77
)
IDEC_CARD = MethodCard(
    name="idec", title="IDEC (Improved Deep Embedded Clustering)", config_class=IDECConfig,
    # IDEC.py on mnist, on the pretraining above (not the Caffe weights IDEC's README loads): k-means (n_init 20),
    # Adam (Keras' default lr 1e-3), batch 256, gamma 0.1, the target refreshed every 140 steps, at most 2e4 steps,
    # tol 0.1 %
    suggested={**DEC_KERAS_PRETRAINING, "cluster_epochs": 73, "lr": 1e-3},
    for_data=recipe_for_data,
    source="IDEC.py's settings for mnist, github.com/XifengGuo/IDEC, on DEC-keras' pretraining (DEC.py; tables: Adam)",
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 30},  # quick look: 64 s (load 3 to 4), ACC 0.79; AE + k-means 0.77
)
