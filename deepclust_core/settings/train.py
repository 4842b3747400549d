"""Settings of one training run that do not belong to a particular method."""
from __future__ import annotations

from dataclasses import dataclass

from .autoencoder import AutoencoderConfig
from .options import setting

PRETRAIN_OPTIMIZERS = ("adam", "sgd")
PRECISIONS = ("float32", "bfloat16")  # networks/precision.py


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    n_clusters: int = setting(label="Clusters K", help="K, the number of clusters")
    method: str = setting("dekm", help="a name from deepclust_core.catalog.CARDS")
    method_options: dict = setting(default_factory=dict, help="fields of the method's config dataclass")
    autoencoder: AutoencoderConfig = setting(default_factory=AutoencoderConfig, help="the network's settings")
    pretrain_epochs: int = setting(200, label="Pretraining epochs", help="DEKM's reference pretrains 200 epochs (DKM: 50); with a hold-out, the "
                                             "most it may run; on data smaller than digits a preset raises it to "
                                             "the optimiser steps it takes on digits")
    cluster_epochs: int = setting(100, label="Clustering epochs (at most)", help="upper bound; a method's own stopping rule may end sooner; on data "
                                            "smaller than digits a preset raises it to the steps it takes on digits")
    batch_size: int = setting(256, label="Batch size", help="every reference uses 256 (DEPICT: 100)")
    lr: float = setting(1e-3, label="Learning rate", help="the step size of each phase's Adam: pretraining's unless pretrain_optimizer is "
                                   '"sgd", clustering\'s unless the method\'s optimiser is SGD (DEC); 1e-3 in most '
                                   "references")
    pretrain_optimizer: str = setting("adam", label="Optimiser", choices=PRETRAIN_OPTIMIZERS, help='"adam" at `lr` (DEKM, DKM, AE-CM, DEPICT, N2D); "sgd": SGD with '
                                                   "momentum (DEC-keras)")
    pretrain_sgd_lr: float = setting(1.0, label="SGD step size", help='SGD\'s step size when pretrain_optimizer is "sgd" (DEC-keras: '
                                               "SGD(lr=1, momentum=0.9))")
    pretrain_momentum: float = setting(0.9, label="SGD momentum", help='SGD\'s momentum when pretrain_optimizer is "sgd" (DEC-keras)')
    pretrain_holdout: float = setting(0.0, label="Hold-out share (early stopping)", help="share of rows, drawn with the seed, that pretraining leaves out to "
                                                "stop early on (DEPICT: 0.1); 0: none")
    pretrain_patience: int = setting(100, label="Patience (epochs)", help="with a hold-out: stop after more than this many epochs without a "
                                               "lower hold-out loss and keep the best weights (DEPICT: 100)")
    pretrain_hidden_weight: float = setting(0.0, label="Hidden layers' reconstruction weight", help="weight of each hidden layer's reconstruction in pretraining, "
                                                      "noisy decoder vs clean encoder (DEPICT: 0.1); 0: the input only")
    seed: int = setting(0, label="Seed", help="seeds the initial weights, the batch order, k-means and the rows shown: the same "
                                "seed gives the same labels on this machine")
    display_size: int = setting(2000, help="rows kept in every snapshot's embedding and view")
    device: str = setting("auto", help='"auto" picks CUDA when present, else "cpu"')
    precision: str = setting("float32", choices=PRECISIONS,
                             help='the autoencoder\'s arithmetic: "bfloat16" runs its layers in bfloat16 mixed precision '
                                  "where the device has it (about 1.7x faster steps on a CPU with AVX-512 BF16; digits' "
                                  "ACC in docs/benchmarks.md), float32 elsewhere; losses, weights and optimiser stay float32")
    cache_dir: str | None = setting(None, help="pretrained autoencoders; None: $DEEPCLUST_CACHE or ~/.cache/deepclust")
    use_cache: bool = setting(True, help="reuse the autoencoder pretrained on the same data with the same settings "
                                         "from cache_dir, and save new ones there")

    def __post_init__(self):
        checks = {
            "K": (self.n_clusters, 2), "pretraining epochs": (self.pretrain_epochs, 0),
            "clustering epochs": (self.cluster_epochs, 0), "batch size": (self.batch_size, 1),
            "display size": (self.display_size, 1),
        }
        for name, (value, least) in checks.items():
            if not isinstance(value, int) or value < least:
                raise ValueError(f"{name} must be an integer of at least {least}, got {value!r}")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be a whole number from 0 to {2**32 - 1}, got {self.seed!r}")
        if not self.lr > 0:
            raise ValueError(f"learning rate must be positive, got {self.lr}")
        if self.pretrain_optimizer not in PRETRAIN_OPTIMIZERS:
            raise ValueError(f"pretraining optimiser must be 'adam' or 'sgd', got {self.pretrain_optimizer!r}")
        if not self.pretrain_sgd_lr > 0 or not 0 <= self.pretrain_momentum < 1:
            raise ValueError(f"pretraining SGD needs a positive step size and a momentum in [0, 1), "
                             f"got {self.pretrain_sgd_lr} and {self.pretrain_momentum}")
        if not 0 <= self.pretrain_holdout < 1 or not isinstance(self.pretrain_patience, int) or self.pretrain_patience < 0:
            raise ValueError(f"the pretraining hold-out must be a share in [0, 1) and its patience a whole number of "
                             f"at least 0, got {self.pretrain_holdout} and {self.pretrain_patience!r}")
        if not self.pretrain_hidden_weight >= 0:
            raise ValueError(f"the hidden layers' reconstruction weight must be at least 0, got {self.pretrain_hidden_weight}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if self.device not in ("auto", "cpu") and not self.device.startswith("cuda"):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda[:n]', got {self.device!r}")
