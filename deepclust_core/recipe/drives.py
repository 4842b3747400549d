"""What each setting of a run drives: its phase and, for a step size or a momentum, the optimiser that reads it;
or why the run's recipe reads it nowhere (DEC on images: SGD in both phases, so the run's lr drives nothing).

The optimisers come from their descriptions (settings/optimisers.py: pretraining's, the method card's for the
clustering phase), the ones the loop builds, so a step size is "read" exactly when an optimiser of the run takes
it. The app's form shows each setting with what `uses` says, and disables the ones it reads nowhere.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from ..catalog import CARDS
from ..settings.optimisers import Optimiser, pretraining_optimiser
from ..settings.train import TrainConfig

NAMES = {"lr": "the learning rate", "pretrain_sgd_lr": "its SGD step size (under Pretraining)",
         "pretrain_momentum": "its SGD momentum (under Pretraining)"}  # a setting by where the form shows it


@dataclass(frozen=True)
class Use:
    read: bool  # does the run read the setting?
    says: str  # what it drives (phase, optimiser) or, unread, why not


def clustering_optimiser(config: TrainConfig) -> Optimiser | None:
    """The clustering phase's optimiser (the card's, for the method's options); None: no clustering epochs."""
    card = CARDS[config.method]
    if card.clustering_optimiser is None:
        return None
    return card.clustering_optimiser(card.config_class(**config.method_options))


def _named(name: str) -> str:
    return NAMES.get(name, f"the option {name.replace('_', ' ')} (under Method options)")


def _optimiser_settings(config: TrainConfig) -> dict[str, list[str]]:
    """Each step size and momentum an optimiser of the run reads, with the phases that read it."""
    phases = []
    if config.pretrain_epochs:
        phases.append(("pretraining", pretraining_optimiser(config)))
    if (clustering := clustering_optimiser(config)) is not None:
        phases.append(("clustering", clustering))
    read: dict[str, list[str]] = {}
    for phase, optimiser in phases:
        read.setdefault(optimiser.step_size, []).append(f"{phase}: {optimiser.title}'s step size")
        if optimiser.momentum:
            read.setdefault(optimiser.momentum, []).append(f"{phase}: {optimiser.title}'s momentum")
    return read


def _optimiser_options(method: str) -> set[str]:
    """The method's options that its clustering optimiser may name, for some value of its closed-set options."""
    card = CARDS[method]
    if card.clustering_optimiser is None:
        return set()
    names, found = {f.name for f in fields(card.config_class)}, set()
    closed = [f for f in fields(card.config_class) if f.metadata.get("choices")]
    for f in closed or [None]:
        for choice in f.metadata["choices"] if f else [None]:
            config = card.config_class(**({f.name: choice} if f else {}))
            found |= set(card.clustering_optimiser(config).settings) & names
    return found


def _unread_optimiser_setting(name: str, config: TrainConfig) -> str:
    """Why no optimiser of the run reads the step size or momentum `name`."""
    clustering = clustering_optimiser(config)
    said = []
    if config.pretrain_epochs:
        optimiser = pretraining_optimiser(config)
        said.append(f"pretraining uses {optimiser.title} at {_named(optimiser.step_size)}")
    else:
        said.append("no pretraining (0 epochs)")
    if clustering is None:
        said.append(f"{CARDS[config.method].title} has no clustering epochs")
    else:
        said.append(f"clustering uses {clustering.title} at {_named(clustering.step_size)}")
    return "Not used: " + "; ".join(said) + "."


def uses(config: TrainConfig, image: bool) -> dict[str, Use]:
    """Every setting the form shows (TrainConfig's, the autoencoder's, the method's options) by field name:
    what it drives in this run, or why it is not read. `image`: the data are images."""
    optimisers = _optimiser_settings(config)
    pretrains, clusters = config.pretrain_epochs > 0, clustering_optimiser(config) is not None
    phases = " and ".join(p for p, on in (("pretraining", pretrains), ("clustering", clusters)) if on) or "no phase"
    no_pretraining = "Not used: no pretraining (0 epochs)."
    result = {
        "pretrain_epochs": Use(True, "Pretraining: reconstruction epochs of the autoencoder (cached once done)."),
        "cluster_epochs": Use(True, "Clustering: at most this many epochs; the method's own stopping rule may end "
                                    "sooner.") if clusters else
        Use(False, f"Not used: {CARDS[config.method].title} has no clustering epochs."),
        "batch_size": Use(True, f"Rows per optimiser step in {phases}."),
        "seed": Use(True, "Initial weights, batch order, k-means and the rows shown: same seed, same labels."),
        "pretrain_optimizer": Use(True, "Pretraining's optimiser.") if pretrains else Use(False, no_pretraining),
        "pretrain_holdout": Use(True, "Pretraining: share of rows left out to stop early on; 0: none.")
        if pretrains else Use(False, no_pretraining),
        "pretrain_patience": Use(pretrains and config.pretrain_holdout > 0,
                                 "Pretraining: epochs without a lower hold-out loss before it stops."
                                 if config.pretrain_holdout > 0 else "Not used: no hold-out share."),
        "pretrain_hidden_weight": Use(True, "Pretraining: weight of each hidden layer's reconstruction.")
        if pretrains else Use(False, no_pretraining),
        "kind": Use(True, "The autoencoder's network, in both phases."),
        "hidden": Use(False, "Not used: the conv network has its own layers.") if config.autoencoder.kind == "conv"
        or (config.autoencoder.kind == "depict" and image) else Use(True, "The MLP's hidden layer widths."),
        "embedding_dim": Use(True, "Size of the embedding the methods cluster."),
        "init": Use(True, "The autoencoder's initial weights."),
    }
    for name in ("lr", "pretrain_sgd_lr", "pretrain_momentum", *_optimiser_options(config.method)):
        said = "; ".join(optimisers.get(name, []))
        result[name] = (Use(True, said[:1].upper() + said[1:] + ".") if name in optimisers
                        else Use(False, _unread_optimiser_setting(name, config)))
    card = CARDS[config.method]
    unread = dict(card.unread_options(card.config_class(**config.method_options))) if card.unread_options else {}
    for f in fields(card.config_class):
        if f.name not in result:
            result[f.name] = Use(False, f"Not used: {unread[f.name]}.") if f.name in unread else Use(True, "")
    return result
