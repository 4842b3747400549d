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
    update_interval: int = 0  # refresh the target P every this many steps; 0: at every epoch end (DEC-keras: 140 on MNIST)
    stop_tolerance: float = 0.001  # stop when fewer than this share of labels changes between target refreshes (0.1 %)
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
    update_interval: int = 0  # refresh the target P every this many steps; 0: at every epoch end (IDEC.py: 140 on MNIST)
    stop_tolerance: float = 0.001  # stop when fewer than this share of labels changes between target refreshes (0.1 %)
    optimizer: str = field(default="adam", metadata={"choices": ("adam", "sgd")})  # IDEC.py: Adam on MNIST; "sgd": SGD with momentum (USPS, Reuters)
    sgd_lr: float = 0.1  # SGD step size when optimizer="sgd" (IDEC.py: SGD(0.1, 0.99))
    momentum: float = 0.99  # SGD momentum when optimizer="sgd" (IDEC.py)

    def __post_init__(self):
        check_config(self)
        if not self.gamma >= 0:
            raise ValueError(f"gamma must be at least 0, got {self.gamma}")


DEC_CARD = MethodCard(
    name="dec", title="DEC (Deep Embedded Clustering)", config_class=DECConfig,
    # DEC-keras: pretrain() 200 epochs (300 on MNIST), batch 256, at most 2e4 steps (about 73 MNIST epochs)
    suggested={"pretrain_epochs": 200, "cluster_epochs": 75, "batch_size": 256, "lr": 1e-3},
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 30},  # quick look: 35 s, ACC 0.78 (stops at epoch 18)
)
IDEC_CARD = MethodCard(
    name="idec", title="IDEC (Improved Deep Embedded Clustering)", config_class=IDECConfig,
    # IDEC.py on MNIST: DEC-keras' pretrained autoencoder, Adam (Keras default lr 1e-3), batch 256, 2e4 steps at most
    suggested={"pretrain_epochs": 200, "cluster_epochs": 75, "batch_size": 256, "lr": 1e-3},
    quick_look={"pretrain_epochs": 50, "cluster_epochs": 30},  # quick look: 47 s, ACC 0.82
)
