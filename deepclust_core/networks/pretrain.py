"""Pretraining's recipe (optimiser, loss, early stopping on a hold-out) and pretrained autoencoders as a
reusable artefact: cached on disk, keyed by what made them.

The key hashes the data (rows and shape), the architecture and its initialisation, the seed, the
epochs, the batch size and the optimiser with its settings, the hold-out and the loss: change any and
pretraining runs again. Files are written atomically and read back with
`torch.load(weights_only=True)`, which never unpickles code.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch
import torch.nn.functional as F

from ..settings.optimisers import pretraining_optimiser
from ..settings.train import TrainConfig
from ..user_cache import default_cache_dir
from .autoencoder import Autoencoder
from .optimiser import build_optimiser
from .pretrain_key import CACHE_VERSION, pretrain_key  # noqa: F401  (the key lives apart: torch-free)
from .pretrain_progress import ProgressFile
from .reconstruction import layerwise_reconstruction

HOLDOUT_BATCH = 1024  # rows per forward pass when the hold-out loss is measured


def pretrain_optimizer(params, config: TrainConfig) -> torch.optim.Optimizer:
    """Adam at the run's lr, or SGD with momentum (DEC-keras: SGD(lr=1, momentum=0.9)): `pretraining_optimiser`."""
    return build_optimiser(pretraining_optimiser(config), params, lambda name: getattr(config, name))


def reconstruction_terms(autoencoder: Autoencoder, x: torch.Tensor, hidden_weight: float,
                         noisy: bool = True) -> dict[str, torch.Tensor]:
    """Pretraining's loss terms on a batch, "total" included: the mean squared error of the reconstruction,
    or, with a hidden weight, DEPICT's layer-wise reconstruction. noisy=False: dropout off (the hold-out's)."""
    if hidden_weight:
        terms = layerwise_reconstruction(autoencoder, x, hidden_weight, noisy)
        return {"reconstruction (input)": terms.input_term, "reconstruction (hidden)": terms.hidden_term,
                "total": terms.input_term + terms.hidden_term}
    was_training = autoencoder.training
    autoencoder.train(noisy)
    try:
        loss = F.mse_loss(autoencoder(x)[1], x)
    finally:
        autoencoder.train(was_training)
    return {"reconstruction": loss, "total": loss}


class EarlyStopping:
    """functions.py's early stopping (train_depict_ae): a random share of the rows, drawn with the seed and
    never with the labels, is left out of pretraining; after every epoch their clean reconstruction loss is
    measured and the weights with the lowest kept; pretraining stops after more than `patience` epochs
    without a lower one, and ends on the kept weights."""

    def __init__(self, autoencoder: Autoencoder, X: torch.Tensor, config: TrainConfig):
        order = torch.randperm(len(X), generator=torch.Generator().manual_seed(config.seed))
        held = max(1, round(config.pretrain_holdout * len(X)))
        self.train_rows = order[held:].sort().values  # (n - held,) on the CPU, as the batches draw them
        self.X_held = X[order[:held].sort().values.to(X.device)]  # (held, d_in)
        self.autoencoder, self.config = autoencoder, config
        self.best, self.best_state, self.waited = float("inf"), None, 0

    @torch.no_grad()
    def after_epoch(self) -> float:
        """The hold-out loss of the current weights, which are kept when it is the lowest so far."""
        total = 0.0
        for start in range(0, len(self.X_held), HOLDOUT_BATCH):
            rows = self.X_held[start:start + HOLDOUT_BATCH]
            total += float(reconstruction_terms(self.autoencoder, rows, self.config.pretrain_hidden_weight,
                                                noisy=False)["total"]) * len(rows)
        loss = total / len(self.X_held)
        if loss < self.best:
            self.best, self.waited = loss, 0
            self.best_state = {name: value.detach().clone() for name, value in self.autoencoder.state_dict().items()}
        else:
            self.waited += 1
        return loss

    @property
    def should_stop(self) -> bool:
        return self.waited > self.config.pretrain_patience

    def state(self) -> dict:
        """What the next epoch's decision depends on (for `PretrainProgress`)."""
        return {"best": self.best, "best_state": self.best_state, "waited": self.waited}

    def restore(self, state: dict) -> None:
        self.best, self.best_state, self.waited = state["best"], state["best_state"], state["waited"]

    def restore_best(self) -> None:
        if self.best_state is not None:
            self.autoencoder.load_state_dict(self.best_state)


class PretrainCache:
    """A folder of `<key>.pt` files holding autoencoder weights and their loss history."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else default_cache_dir()

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pt"

    def load(self, key: str, autoencoder: Autoencoder) -> list[float] | None:
        """Fill `autoencoder` from the cache; the per-epoch losses, or None on a miss."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            autoencoder.load_state_dict(saved["state"])
        except (pickle.UnpicklingError, RuntimeError, KeyError, EOFError, OSError):  # corrupt or stale: pretrain again
            return None
        return [float(v) for v in saved["losses"].tolist()]

    def progress(self, key: str) -> ProgressFile:
        """Where an unfinished pretraining with this key keeps its state (`pretrain_progress.py`)."""
        return ProgressFile(self.folder, key)

    def save(self, key: str, autoencoder: Autoencoder, losses: list[float]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        state = {name: tensor.detach().cpu() for name, tensor in autoencoder.state_dict().items()}
        partial = self.path(key).with_suffix(f".{os.getpid()}.tmp")
        torch.save({"state": state, "losses": torch.tensor(losses, dtype=torch.float64)}, partial)
        os.replace(partial, self.path(key))
