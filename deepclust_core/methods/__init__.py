"""The registry of clustering methods: name -> class, in the order of deepclust_core.catalog.CARDS
(the cards hold what the CLI and the app build their choices and hyperparameter forms from)."""
from __future__ import annotations

from dataclasses import fields

from .ae_kmeans import AEKMeans
from .aecm import AECM
from .base import Method, TrainingContext
from .dec import DEC, IDEC
from .dekm import DEKM
from .depict import DEPICT
from .dkm import DKM
from .kmeans_friendly import KMeansFriendly
from .n2d import N2D

METHODS: dict[str, type[Method]] = {cls.card.name: cls for cls in (DEKM, AEKMeans, DKM, KMeansFriendly, DEPICT, AECM, DEC, IDEC, N2D)}


def make_method(name: str, n_clusters: int, seed: int = 0, options: dict | None = None) -> Method:
    """An instance of method `name` with its config built from `options` (validated)."""
    if name not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose one of {', '.join(METHODS)}")
    cls = METHODS[name]
    known = {f.name for f in fields(cls.card.config_class)}
    unknown = set(options or {}) - known
    if unknown:
        raise ValueError(f"{name} has no option {', '.join(sorted(unknown))}; its options: {', '.join(sorted(known))}")
    return cls(cls.card.config_class(**(options or {})), n_clusters, seed)


__all__ = ["METHODS", "Method", "TrainingContext", "make_method"]
