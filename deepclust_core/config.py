"""Settings of one training run that do not belong to a particular method."""
from __future__ import annotations

from dataclasses import dataclass, field

from .autoencoder_config import AutoencoderConfig


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    n_clusters: int  # K
    method: str = "dekm"  # a name from deepclust_core.catalog.CARDS
    method_options: dict = field(default_factory=dict)  # fields of the method's config dataclass
    autoencoder: AutoencoderConfig = field(default_factory=AutoencoderConfig)
    pretrain_epochs: int = 200  # DEKM's reference pretrains 200 epochs (DKM: 50)
    cluster_epochs: int = 100  # upper bound; a method's own stopping rule may end sooner
    batch_size: int = 256  # every reference uses 256 (DEPICT: 100)
    lr: float = 1e-3  # Adam, as in every reference
    seed: int = 0
    display_size: int = 2000  # rows kept in every snapshot's embedding and view
    device: str = "auto"  # "auto" picks CUDA when present, else "cpu"
    cache_dir: str | None = None  # pretrained autoencoders; None: $DEEPCLUST_CACHE or ~/.cache/deepclust
    use_cache: bool = True

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
        if self.device not in ("auto", "cpu") and not self.device.startswith("cuda"):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda[:n]', got {self.device!r}")
