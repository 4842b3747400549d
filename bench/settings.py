"""The training settings of one benchmark row: a method's `suggested` settings (from its
paper or reference code) merged over TrainConfig's defaults, then the command line's overrides.

`suggested` may hold TrainConfig fields (pretrain_epochs, cluster_epochs, batch_size, lr),
AutoencoderConfig fields (kind, hidden, embedding_dim, activation, or a nested
"autoencoder" dict) and fields of the method's own config; anything else is reported and
ignored, so a new method cannot break the benchmark with a key it does not understand.
"""
from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, fields, is_dataclass

from deepclust_core import METHODS, AutoencoderConfig, TrainConfig

TRAIN_FIELDS = ("pretrain_epochs", "cluster_epochs", "batch_size", "lr")  # what a method may suggest
AUTOENCODER_FIELDS = tuple(f.name for f in fields(AutoencoderConfig))


@dataclass(frozen=True)
class Overrides:
    """Command-line values that win over every method's suggestion (None: keep the suggestion)."""

    pretrain_epochs: int | None = None
    cluster_epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    hidden: tuple[int, ...] | None = None
    embedding_dim: int | None = None

    def train(self) -> dict:
        return {name: value for name in TRAIN_FIELDS if (value := getattr(self, name)) is not None}

    def autoencoder(self) -> dict:
        return {name: value for name in ("hidden", "embedding_dim") if (value := getattr(self, name)) is not None}


def split_suggested(method: str) -> tuple[dict, dict, dict]:
    """A method's `suggested` dict as (TrainConfig fields, AutoencoderConfig fields, method options)."""
    cls = METHODS[method]
    option_names = {f.name for f in fields(cls.config_class)}
    train, autoencoder, options = {}, {}, {}
    for key, value in dict(getattr(cls, "suggested", {}) or {}).items():
        if key == "autoencoder":
            autoencoder.update(asdict(value) if is_dataclass(value) else dict(value))
        elif key in TRAIN_FIELDS:
            train[key] = value
        elif key in AUTOENCODER_FIELDS:
            autoencoder[key] = value
        elif key in option_names:
            options[key] = value
        else:
            print(f"warning: {method}.suggested[{key!r}] is not a training, autoencoder or method setting; ignored",
                  file=sys.stderr)
    return train, autoencoder, options


def build_config(method: str, n_clusters: int, seed: int, overrides: Overrides, *, cache_dir: str | None = None,
                 device: str = "auto", use_cache: bool = True) -> TrainConfig:
    """The TrainConfig of one run: TrainConfig defaults < method's suggested < overrides."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} in --methods; registered: {', '.join(METHODS)}")
    train, autoencoder, options = split_suggested(method)
    train.update(overrides.train())
    autoencoder.update(overrides.autoencoder())
    return TrainConfig(n_clusters=n_clusters, method=method, method_options=options,
                       autoencoder=AutoencoderConfig(**autoencoder), seed=seed, cache_dir=cache_dir,
                       device=device, use_cache=use_cache, **train)


def describe(config: TrainConfig) -> str:
    """One short line for the table's Settings column (no '|', it is a Markdown cell)."""
    ae = config.autoencoder
    widths = "-".join(str(w) for w in (*ae.hidden, ae.embedding_dim)) if ae.kind == "mlp" else f"d{ae.embedding_dim}"
    clustering = f"clu ≤{config.cluster_epochs}" if METHODS[config.method].fine_tunes else "no clustering epochs"
    parts = [f"pre {config.pretrain_epochs}", clustering, f"bs {config.batch_size}",
             f"lr {config.lr:g}", f"AE {ae.kind} {widths} {ae.activation}"]
    parts += [f"{name}={value}" for name, value in sorted(config.method_options.items())]
    return ", ".join(parts)
