"""Each row's embedding as its training batch computed it: a snapshot's data without a second pass.

Embedding every row again after an epoch costs about a tenth of an MLP epoch (one encoder
forward pass against the epoch's forward and backward passes). When the encoder behaves the
same in training and evaluation mode, the forward pass of each batch already holds its rows'
embeddings, from the weights as they were during the epoch; this keeps them. The rows the
panels draw (`fresh_rows`, the display subsample) are embedded again with the epoch's final
weights, so what the page shows is what the weights saved with the epoch give.

    with BatchEmbeddings(autoencoder, len(X), display_index, embed_rows) as seen:
        seen.start_epoch()
        for index in batches:
            with seen.batch(index):
                loss = loss_fn(X[index])  # the encoder's first output with gradients is kept
        H = seen.take()  # (n, d_emb) numpy, or None when some row was not seen this epoch
"""
from __future__ import annotations

import contextlib
from typing import Callable

import numpy as np
import torch

from .autoencoder import Autoencoder

STOCHASTIC_LAYERS = (torch.nn.modules.dropout._DropoutNd, torch.nn.modules.batchnorm._BatchNorm)


def trains_differently(autoencoder: Autoencoder) -> bool:
    """True when a module acts differently in training and evaluation mode (dropout, batch norm)."""
    return any(isinstance(module, STOCHASTIC_LAYERS) for module in autoencoder.modules())


class BatchEmbeddings:
    """Collects, per epoch, the encoder's output for every training batch (a forward hook)."""

    def __init__(self, autoencoder: Autoencoder, n_rows: int, fresh_rows: np.ndarray,
                 embed_rows: Callable[[np.ndarray], np.ndarray]):
        """`embed_rows(rows)` embeds those rows with the current weights (the fresh ones at each `take`)."""
        device = next(autoencoder.parameters()).device
        self.fresh_rows, self.embed_rows = fresh_rows, embed_rows
        self.usable = not trains_differently(autoencoder)
        self.rows = torch.empty(n_rows, autoencoder.embedding_dim, device=device)
        self.seen = torch.zeros(n_rows, dtype=torch.bool, device=device)
        self.index: torch.Tensor | None = None
        self.encoder = autoencoder.encoder
        self.handle = None

    def __enter__(self) -> "BatchEmbeddings":
        if self.usable:
            self.handle = self.encoder.register_forward_hook(self._keep)
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.remove()

    @contextlib.contextmanager
    def batch(self, index: torch.Tensor):
        """Within this block the encoder's first training pass is taken as the rows `index`."""
        self.index = index
        try:
            yield
        finally:
            self.index = None

    def _keep(self, module, inputs, output: torch.Tensor) -> None:
        index = self.index
        if index is None or not torch.is_grad_enabled() or output.shape[0] != len(index):
            return  # not a training batch (an embedding pass, or a second call in the same batch)
        self.rows[index] = output.detach()
        self.seen[index] = True
        self.index = None

    def start_epoch(self) -> None:
        self.seen.zero_()

    def take(self) -> np.ndarray | None:
        """This epoch's embeddings of every row (n, d_emb), those of `fresh_rows` from `embed_rows(fresh_rows)`;
        None when some row was not seen."""
        if not (self.usable and bool(self.seen.all())):
            return None
        H = self.rows.float().cpu().numpy().copy()
        H[self.fresh_rows] = self.embed_rows(self.fresh_rows)
        return H
