"""A run's TrainConfig from three layers: TrainConfig's defaults, then the method's
card's `suggested` settings (its paper or reference code), then what the user set explicitly.

`suggested` may hold TrainConfig fields (pretrain_epochs, cluster_epochs, batch_size, lr),
AutoencoderConfig fields (kind, hidden, embedding_dim, activation) and fields of the
method's own config. The CLI and the benchmarks build their configs here; the app starts
its widgets from the same `suggested` values.
"""
from __future__ import annotations

from dataclasses import fields

from .autoencoder_config import AutoencoderConfig
from .catalog import CARDS
from .config import TrainConfig

TRAIN_FIELDS = ("pretrain_epochs", "cluster_epochs", "batch_size", "lr")
AUTOENCODER_FIELDS = tuple(f.name for f in fields(AutoencoderConfig))


def split_suggested(method: str) -> tuple[dict, dict, dict]:
    """A method's `suggested` dict as (TrainConfig fields, AutoencoderConfig fields, method options)."""
    card = CARDS[method]
    option_names = {f.name for f in fields(card.config_class)}
    train, autoencoder, options = {}, {}, {}
    for key, value in card.suggested.items():
        if key in TRAIN_FIELDS:
            train[key] = value
        elif key in AUTOENCODER_FIELDS:
            autoencoder[key] = value
        elif key in option_names:
            options[key] = value
        else:
            raise ValueError(f"{method}.suggested[{key!r}] is not a training, autoencoder or method setting")
    return train, autoencoder, options


def _given(values: dict | None) -> dict:
    return {name: value for name, value in (values or {}).items() if value is not None}


def config_for(method: str, n_clusters: int, *, train: dict | None = None, autoencoder: dict | None = None,
               options: dict | None = None, **run) -> TrainConfig:
    """TrainConfig defaults < `CARDS[method].suggested` < the explicit (non-None) values given.

    `run` takes the remaining TrainConfig fields as they are (seed, device, cache_dir, ...).
    """
    if method not in CARDS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(CARDS)}")
    suggested_train, suggested_autoencoder, suggested_options = split_suggested(method)
    return TrainConfig(
        n_clusters=n_clusters, method=method,
        method_options={**suggested_options, **_given(options)},
        autoencoder=AutoencoderConfig(**{**suggested_autoencoder, **_given(autoencoder)}),
        **{**suggested_train, **_given(train)}, **run,
    )
