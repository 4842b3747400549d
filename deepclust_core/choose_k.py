"""Choosing K without labels: how well K = 2, 3, ... clusters fit the pretrained embedding.

Every method here starts from the pretrained autoencoder's embedding, so that is where K is
judged, before any clustering loss has bent it. For each K two scores:

- silhouette (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
  validation of cluster analysis"): the mean over points of (b - a) / max(a, b), a the mean
  distance to the point's own k-means cluster, b to the nearest other one; higher is better.
- BIC of a Gaussian mixture (Schwarz 1978): -2 log L + p log n, p the mixture's free
  parameters; lower is better.

The labels are never read: only `data.X` goes through the autoencoder. The pretrained
autoencoder is the one `train` would use (same cache key), so pretraining here is not
repeated when the run starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .data.dataset import DataError, Dataset
from .settings.train import TrainConfig

Progress = Callable[[float, str], None]  # (fraction done, what is being done)
K_RANGE = range(2, 16)  # K = 2 .. 15
MAX_ROWS = 3000  # rows scored: a seeded subsample above this (the silhouette costs n² distances)
PRETRAIN_SHARE = 0.8  # of the progress bar, when the autoencoder still has to be pretrained
PARSIMONY = 0.01  # the suggestion: the smallest K whose silhouette is within 1 % of the best (the 1-SE idea)


@dataclass(frozen=True)
class KScores:
    ks: np.ndarray  # (m,) the K tried
    silhouette: np.ndarray  # (m,) higher is better
    bic: np.ndarray  # (m,) lower is better
    n_rows: int  # rows scored

    @property
    def best_by_silhouette(self) -> int:
        return int(self.ks[np.argmax(self.silhouette)])

    @property
    def suggested(self) -> int:
        """The smallest K whose silhouette is within PARSIMONY of the best: fewer clusters when more barely help."""
        best = self.silhouette.max()
        return int(self.ks[np.argmax(self.silhouette >= best - PARSIMONY * abs(best))])

    @property
    def best_by_bic(self) -> int:
        return int(self.ks[np.argmin(self.bic)])


def suggest_k(data: Dataset, config: TrainConfig, ks: range = K_RANGE, on_progress: Progress | None = None) -> KScores:
    """The scores of every K in `ks` on the embedding of `config`'s pretrained autoencoder."""
    report = on_progress or (lambda fraction, text: None)
    if config.pretrain_epochs < 1:
        raise DataError("suggesting K needs a pretrained autoencoder: set pretraining epochs to 1 or more")
    embedding = pretrained_embedding(data, config, lambda f, text: report(PRETRAIN_SHARE * f, text))
    return score_k(embedding, ks, config.seed, lambda f, text: report(PRETRAIN_SHARE + (1 - PRETRAIN_SHARE) * f, text))


def pretrained_embedding(data: Dataset, config: TrainConfig, on_progress: Progress | None = None) -> np.ndarray:
    """(n, d_emb) every row's embedding by the autoencoder `train(data, config)` clusters from:
    read from the pretraining cache, or pretrained now (and cached)."""
    import torch

    from .training.control import TrainingControl
    from .training.loop import embed, new_autoencoder, resolve_device, train

    report = on_progress or (lambda fraction, text: None)
    autoencoder, control = new_autoencoder(data, config), TrainingControl()
    report(0.0, "pretraining the autoencoder (or reading it from the cache)")
    for snapshot in train(data, config, control, autoencoder=autoencoder):
        report(snapshot.epoch / snapshot.epochs_in_phase, f"pretraining epoch {snapshot.epoch}/{snapshot.epochs_in_phase}")
        if snapshot.epoch == snapshot.epochs_in_phase:
            control.stop()  # the loop saves the pretrained weights to the cache, then ends before clustering
    return embed(autoencoder, torch.tensor(data.X, device=resolve_device(config.device)))


def score_k(embedding: np.ndarray, ks: range = K_RANGE, seed: int = 0, on_progress: Progress | None = None) -> KScores:
    """Silhouette of k-means and BIC of a full-covariance Gaussian mixture for each K in `ks`."""
    from sklearn.metrics import silhouette_score
    from sklearn.mixture import GaussianMixture

    from .methods.kmeans import kmeans

    report = on_progress or (lambda fraction, text: None)
    H = np.asarray(embedding, dtype=np.float64)
    if len(H) > MAX_ROWS:
        H = H[np.sort(np.random.default_rng(seed).choice(len(H), MAX_ROWS, replace=False))]
    ks = [k for k in ks if 2 <= k <= len(H) // 2]
    if not ks:
        raise DataError(f"{len(H)} rows are too few to compare numbers of clusters")
    silhouettes, bics = [], []
    for i, k in enumerate(ks):
        report(i / len(ks), f"scoring K = {k}")
        silhouettes.append(float(silhouette_score(H, kmeans(H, k, seed).labels)))
        bics.append(float(GaussianMixture(k, covariance_type="full", random_state=seed).fit(H).bic(H)))
    report(1.0, "done")
    return KScores(np.array(ks), np.array(silhouettes), np.array(bics), len(H))
