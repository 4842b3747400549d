"""The interface every clustering method implements, and what the loop hands it.

A method owns its loss, its assignment rule and its view of the clustering space: no loop,
no device juggling, no progress, no UI. The loop in `deepclust_core.training.loop` calls, in order:
`setup` once after pretraining, then per batch `batch_loss` and `after_step`, and per
epoch `end_epoch`, `assign` and `clustering_view`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np
import torch

from ..catalog import MethodCard
from ..networks.autoencoder import Autoencoder
from ..networks.optimiser import build_optimiser
from ..projection.cluster_view import ClusterView


@dataclass
class TrainingContext:
    """What the loop shares with a method: the model, the data on its device, the step count."""

    autoencoder: Autoencoder
    X: torch.Tensor  # (n, d_in) on the training device
    embed: Callable[[], np.ndarray]  # the current embedding of every row, (n, d_emb)
    seed: int
    step: int = 0  # optimiser steps taken in the clustering phase
    epoch: int = 0  # clustering epochs completed
    epochs: int = 0  # clustering epochs planned (TrainConfig.cluster_epochs); a method may stop sooner
    steps_per_epoch: int = 1  # optimiser steps in one pass over the rows, ceil(n / batch size)
    # between the parts of a long step (k-means restarts): holds while the run is paused; whether it must stop
    pause_point: Callable[[], bool] = lambda: False


class Method:
    """Base class: subclasses set `card` (from deepclust_core.catalog) and override the hooks."""

    card: ClassVar[MethodCard]  # name, title, config dataclass, lesson and suggested settings
    trains_decoder: ClassVar[bool] = True  # False: only the encoder is optimised (DEKM)
    fine_tunes: ClassVar[bool] = True  # False: no clustering epochs at all (AE + k-means): the card names no optimiser
    shuffle_batches: ClassVar[bool] = True  # False: batches in row order, as DEKM's reference
    # True: end_epoch needs every row embedded with the epoch's final weights (targets, k-means). False: the
    # embeddings the training batches computed will do (from the weights as the epoch went), so the loop
    # skips a pass over every row; the last planned or converged epoch is always embedded afresh
    fresh_embedding_each_epoch: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.fine_tunes = cls.card.clustering_optimiser is not None

    def __init__(self, config, n_clusters: int, seed: int = 0):
        self.config = config
        self.n_clusters = n_clusters
        self.seed = seed
        self.converged = False  # set by a method's own stopping rule
        # The partition the method starts from, when its first assignment is not that partition (DEPICT's head only
        # approximates the k-means it is then trained towards); None: its first assignment is. Evaluation only.
        self.start_labels: np.ndarray | None = None

    def setup(self, ctx: TrainingContext) -> None:
        """Initialise clusters from the pretrained embedding (k-means, usually)."""

    def parameters(self) -> list[torch.nn.Parameter]:
        """Trainable tensors the method owns besides the autoencoder (centroids, heads)."""
        return []

    def make_optimizer(self, params: list[torch.nn.Parameter], lr: float) -> torch.optim.Optimizer:
        """The card's clustering optimiser (MethodCard.clustering_optimiser); `lr` is the run's, other numbers are
        the method's options."""
        optimiser = self.card.clustering_optimiser(self.config)
        return build_optimiser(optimiser, params, lambda name: lr if name == "lr" else getattr(self.config, name))

    def batch_loss(self, x: torch.Tensor, index: torch.Tensor, ctx: TrainingContext) -> dict[str, torch.Tensor]:
        """Every loss term by name for one batch, plus "total", the one that is minimised."""
        raise NotImplementedError

    def after_step(self, ctx: TrainingContext) -> None:
        """Called after every optimiser step (DEKM refreshes its targets every T steps)."""

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        """Called with the full embedding at each epoch end (targets, schedules)."""

    def assign(self, H: np.ndarray) -> np.ndarray:
        """Labels of the training rows, embedded as H (n, d_emb), at an epoch end."""
        return self.predict(H)

    def predict(self, H: np.ndarray) -> np.ndarray:
        """Hard labels for any embedded rows: the nearest centroid by default."""
        centers = self.centroids()
        if centers is None:
            raise NotImplementedError(f"{self.card.name} must implement predict()")
        return np.argmin(((H[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)

    def centroids(self) -> np.ndarray | None:
        """(K, d_emb) cluster centres in the autoencoder space, if the method has them."""
        return None

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """The method's own space for the display rows H, as coordinates."""
        from .principal_view import principal_view

        return principal_view(H, self.centroids(), "Embedding (principal axes)")

    def scalars(self) -> dict[str, float]:
        """Extra per-epoch numbers worth a curve (alpha, number of k-means runs...)."""
        return {}
