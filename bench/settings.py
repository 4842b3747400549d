"""The training settings of one benchmark row: a method's recipe for the data set (its paper or
reference code: `suggested` and `for_data`) merged over TrainConfig's defaults, then the command
line's overrides (see deepclust_core.recipe.build), and their one-line description for the table.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict, dataclass

from deepclust_core import METHODS, TrainConfig
from deepclust_core.recipe.build import config_for
from deepclust_core.settings.train import PRECISIONS


@dataclass(frozen=True)
class Overrides:
    """Command-line values that win over every method's suggestion (None: keep the suggestion)."""

    pretrain_epochs: int | None = None
    cluster_epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    hidden: tuple[int, ...] | None = None
    embedding_dim: int | None = None
    precision: str | None = None


def comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in comma_list(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None


def choice_list(option: str, choices) -> Callable[[str], list[str]]:
    """An argparse type: a non-empty comma list of `choices` for `option`."""
    def parse(text: str) -> list[str]:
        chosen = comma_list(text)
        if not chosen or any(value not in choices for value in chosen):
            raise argparse.ArgumentTypeError(f"{option} takes a comma list of {', '.join(choices)}; got {text!r}")
        return chosen

    return parse


def add_override_arguments(parser, several_precisions: bool = False) -> None:
    """The command-line options that become Overrides (bench.quality and bench.peers share them); with
    `several_precisions`, --precision is a comma list (bench.peers: our runs in each)."""
    parser.add_argument("--pretrain-epochs", type=int, help="override every method's suggested pretraining epochs")
    parser.add_argument("--cluster-epochs", type=int, help="override every method's suggested clustering epochs")
    parser.add_argument("--batch-size", type=int, help="override every method's suggested batch size")
    parser.add_argument("--lr", type=float, help="override every method's suggested learning rate")
    parser.add_argument("--hidden", type=int_list, help="MLP hidden widths, comma separated (default 500,500,2000)")
    parser.add_argument("--embedding-dim", type=int, help="embedding size (default: the method's, else 10)")
    if several_precisions:
        parser.add_argument("--precision", type=choice_list("--precision", PRECISIONS), default="float32",
                            help="our runs once in each of these precisions (TrainConfig.precision), comma separated")
    else:
        parser.add_argument("--precision", choices=PRECISIONS, help="the autoencoder's arithmetic "
                                                                    "(TrainConfig.precision; default float32)")


def overrides_from(args) -> Overrides:
    """The Overrides of parsed arguments (see add_override_arguments)."""
    return Overrides(pretrain_epochs=args.pretrain_epochs, cluster_epochs=args.cluster_epochs,
                     batch_size=args.batch_size, lr=args.lr,
                     hidden=tuple(args.hidden) if args.hidden else None, embedding_dim=args.embedding_dim,
                     precision=args.precision if isinstance(args.precision, str) else None)


def build_config(method: str, n_clusters: int, seed: int, overrides: Overrides, *, data=None,
                 cache_dir: str | None = None, device: str = "auto", use_cache: bool = True) -> TrainConfig:
    """The TrainConfig of one run: TrainConfig defaults < the method's recipe for `data` < overrides."""
    values = asdict(overrides)
    autoencoder = {name: values.pop(name) for name in ("hidden", "embedding_dim")}
    return config_for(method, n_clusters, data=data, autoencoder=autoencoder, seed=seed, cache_dir=cache_dir,
                      device=device, use_cache=use_cache, **values)


def describe(config: TrainConfig) -> str:
    """One short line for the table's Settings column (no '|', it is a Markdown cell): the method's options
    where they differ from its config's defaults."""
    ae = config.autoencoder
    widths = "-".join(str(w) for w in (*ae.hidden, ae.embedding_dim)) if ae.kind == "mlp" else f"d{ae.embedding_dim}"
    clustering = f"clu ≤{config.cluster_epochs}" if METHODS[config.method].fine_tunes else "no clustering epochs"
    pretraining = f"pre {config.pretrain_epochs}"
    if config.pretrain_optimizer == "sgd":
        pretraining += f" SGD({config.pretrain_sgd_lr:g}, {config.pretrain_momentum:g})"
    if config.pretrain_holdout:
        pretraining += f" stop on {config.pretrain_holdout:.0%} hold-out ({config.pretrain_patience})"
    if config.pretrain_hidden_weight:
        pretraining += f" hidden {config.pretrain_hidden_weight:g}"
    init = "" if ae.init == "default" else f" init {ae.init}"
    parts = [pretraining, clustering, f"bs {config.batch_size}", f"lr {config.lr:g}",
             f"AE {ae.kind} {widths} {ae.activation}{init}"] + ([config.precision] if config.precision != "float32" else [])
    defaults = asdict(METHODS[config.method].card.config_class())
    parts += [f"{name}={value}" for name, value in sorted(config.method_options.items()) if value != defaults[name]]
    return ", ".join(parts)
