"""DEKM: Deep Embedded K-Means (Guo, Lin, Ye, 2021, arXiv 2109.15149; code spdj2271/DEKM).

Every T optimiser steps, on the whole data set: k-means on H = f(X) (Hungarian-aligned to
the previous labels), the within-cluster scatter S_w = sum_k sum_{i in k} (h_i - mu_k)(h_i - mu_k)^T,
its eigenvectors V in ascending order of eigenvalue, and frozen targets t_i = V^T h_i with the
last coordinate replaced by (V^T mu_{c_i})_last. Each step minimises
L = mean_{i in B} mean_j ((V^T f(x_i))_j - t_ij)^2 (Eq. 5 of the paper): only the last rotated
coordinate, the one with the least cluster structure, is pulled to its centre. No
reconstruction term; the decoder is not trained.
"""
from __future__ import annotations

import numpy as np
import torch

from ..catalog.dekm import DEKM_CARD
from ..evaluation.metrics import align_labels
from ..projection.cluster_view import ClusterView
from .base import Method, TrainingContext
from .kmeans import kmeans


class DEKM(Method):
    card = DEKM_CARD
    trains_decoder = False
    shuffle_batches = False  # the reference walks through the rows in order
    fresh_embedding_each_epoch = False  # its labels come from the k-means every T steps, which embeds all rows itself

    def setup(self, ctx: TrainingContext) -> None:
        self.interval = self.config.update_interval or (40 if ctx.autoencoder.kind == "conv" else 10)
        self.n_init = self.config.first_n_init
        self.assignment: np.ndarray | None = None
        self.n_updates = 0
        self.last_changed = 1.0
        self._update(ctx)

    def _update(self, ctx: TrainingContext) -> None:
        """k-means, S_w, its eigenvectors and the frozen targets (step 2 of the algorithm)."""
        H = ctx.embed()  # (n, d)
        result = kmeans(H, self.n_clusters, seed=self.seed + self.n_updates, n_init=self.n_init,
                        pause_point=ctx.pause_point)
        self.n_init = max(1, 2 * result.n_iter)
        labels = align_labels(result.labels, self.assignment)
        centers = np.zeros_like(result.centers)
        centers[labels] = result.centers[result.labels]  # the same centres under the aligned ids
        if self.assignment is not None:
            self.last_changed = float(np.mean(labels != self.assignment))
            self.converged = self.last_changed <= self.config.stop_tolerance
        self.assignment, self.centers = labels, centers
        scatter = H - centers[labels]  # (n, d)
        self.eigenvalues, V = np.linalg.eigh(scatter.T.astype(np.float64) @ scatter)  # ascending
        targets = H @ V  # (n, d)
        targets[:, -1] = (centers @ V)[labels, -1]
        device = ctx.X.device
        self.V = torch.as_tensor(V, dtype=torch.float32, device=device)  # (d, d)
        self.targets = torch.as_tensor(targets, dtype=torch.float32, device=device)  # (n, d)
        self.n_updates += 1

    def batch_loss(self, x, index, ctx):
        y = ctx.autoencoder.encoder(x) @ self.V  # (b, d) rotated embedding
        squared = (y - self.targets[index]) ** 2  # (b, d)
        d = squared.shape[1]
        pulled = squared[:, -1].mean() / d
        held = squared[:, :-1].sum(dim=1).mean() / d
        return {"pulled coordinate": pulled, "held coordinates": held, "total": pulled + held}

    def after_step(self, ctx: TrainingContext) -> None:
        if ctx.step >= self.config.max_iterations:
            self.converged = True
        elif ctx.step % self.interval == 0:
            self._update(ctx)

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        """Between k-means updates the embedding moves on: each centre becomes the mean of its cluster's
        rows now, so that predict() (new rows) and the view agree with the labels shown. The targets stay
        those of the last update, as in the reference."""
        for k in np.unique(self.assignment):
            self.centers[k] = H[self.assignment == k].mean(axis=0)

    def assign(self, H: np.ndarray) -> np.ndarray:
        """The last k-means labelling, as the reference outputs it."""
        return self.assignment

    def centroids(self) -> np.ndarray:
        return self.centers

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """The transformed space y = V^T h in its own coordinates, with the spectrum of S_w."""
        V = self.V.cpu().numpy()
        d = V.shape[1]
        names = [f"y{j + 1}" for j in range(d)]
        names[0] += " (most compact)"
        names[-1] += " (pulled)"
        return ClusterView(
            title="DEKM transformed space y\u00a0=\u00a0Vᵀh",  # no-break spaces: wraps before the equation
            coords=H @ V,
            axis_names=tuple(names),
            default_axes=(d - 1, 0),
            centroids=self.centers @ V,
            spectrum=self.eigenvalues,
            spectrum_name="eigenvalues of S_w (ascending)",
            note=f"k-means update {self.n_updates}, {self.last_changed:.2%} of labels changed",
        )

    def scalars(self) -> dict[str, float]:
        return {"k-means updates": float(self.n_updates), "changed at last update": self.last_changed}
