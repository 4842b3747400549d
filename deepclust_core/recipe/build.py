"""A run's TrainConfig from three layers: TrainConfig's defaults, then one of the method's
presets, then what the user chose explicitly (`config_for`).

The presets are the card's recipe ("paper": its `suggested` settings, from its paper or
reference code, with what the card's `for_data` chooses for the data set on top) and the
same with the card's `quick_look` on top ("quick": shorter epochs for a first run in class).
This is the one place where (method, data set, user choices) becomes settings: the CLI's
options, `DeepClusterer`'s parameters and the app's widgets are the user's choices here, the
shipped examples and the benchmarks build their runs here too, and a branch (runs/branch.py) is the
parent's settings given as choices, with the branch's changes on top. Presets may hold
TrainConfig fields (TRAIN_FIELDS), AutoencoderConfig fields (kind, hidden, embedding_dim,
activation, init) and fields of the method's own config.
"""
from __future__ import annotations

from dataclasses import asdict, fields

from ..catalog import CARDS
from ..settings.autoencoder import AutoencoderConfig
from ..settings.small_data import EPOCH_FIELDS, epochs_on_small_data
from ..settings.train import TrainConfig

TRAIN_FIELDS = ("pretrain_epochs", "cluster_epochs", "batch_size", "lr", "pretrain_optimizer", "pretrain_sgd_lr",
                "pretrain_momentum", "pretrain_holdout", "pretrain_patience", "pretrain_hidden_weight", "precision")
AUTOENCODER_FIELDS = tuple(f.name for f in fields(AutoencoderConfig))
PRESETS = ("paper", "quick")  # the card's recipe (`suggested`, then `for_data`); the same with its `quick_look` on top


def preset(method: str, name: str = "paper", data=None) -> dict:
    """The settings of a method's preset for a data set (a Dataset, or None for the card's own `suggested`); on data
    smaller than digits, its epochs keep the steps they take on digits (settings/small_data.py), but for epochs that `for_data` set
    for this data set already (DEC's 2e4-step cap)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    card = CARDS[method]
    for_data = card.for_data(data) if card.for_data is not None and data is not None else {}
    quick_look = card.quick_look if name == "quick" else {}
    settings = {**card.suggested, **for_data, **quick_look}
    if data is None:
        return settings
    already_for_the_data = {key: for_data[key] for key in EPOCH_FIELDS if key in for_data and key not in quick_look}
    return {**epochs_on_small_data(settings, len(data.X)), **already_for_the_data}


def split_suggested(method: str, preset_name: str = "paper", data=None) -> tuple[dict, dict, dict]:
    """A method's preset as (TrainConfig fields, AutoencoderConfig fields, method options)."""
    option_names = {f.name for f in fields(CARDS[method].config_class)}
    train, autoencoder, options = {}, {}, {}
    for key, value in preset(method, preset_name, data).items():
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


def every_option(method: str, options: dict) -> dict:
    """All of the method's options: `options` over its config dataclass's defaults, checked by that dataclass
    (a ValueError names an unknown option or a bad value)."""
    config_class = CARDS[method].config_class
    known = {f.name for f in fields(config_class)}
    if set(options) - known:
        raise ValueError(f"{method} has no option {', '.join(sorted(set(options) - known))}; "
                         f"its options: {', '.join(sorted(known))}")
    return asdict(config_class(**options))


def config_for(method: str, n_clusters: int, *, autoencoder: dict | None = None, options: dict | None = None,
               preset_name: str = "paper", data=None, **train) -> TrainConfig:
    """TrainConfig defaults < the method's preset (`preset_name`, for `data`) < the explicit (non-None) choices.

    The choices: `train` holds TrainConfig fields (epochs, batch size, lr, seed, device, cache_dir, ...),
    `autoencoder` AutoencoderConfig fields, `options` the method's own; a None value is no choice.
    The config names every option of the method, so that two configs that train alike are equal.
    """
    if method not in CARDS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(CARDS)}")
    suggested_train, suggested_autoencoder, suggested_options = split_suggested(method, preset_name, data)
    return TrainConfig(
        n_clusters=n_clusters, method=method,
        method_options=every_option(method, {**suggested_options, **_given(options)}),
        autoencoder=AutoencoderConfig(**{**suggested_autoencoder, **_given(autoencoder)}),
        **{**suggested_train, **_given(train)},
    )
