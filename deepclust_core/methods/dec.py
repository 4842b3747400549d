"""DEC (Xie, Girshick, Farhadi, ICML 2016, arXiv 1511.06335) and IDEC (Guo, Gao, Liu, Yin, IJCAI 2017);
reference code XifengGuo/DEC-keras (DEC.py) and XifengGuo/IDEC (IDEC.py).

Trainable centroids mu_k start from k-means (n_init 20) on the pretrained embedding z = f(x).
Soft assignment, a Student t kernel (DEC Eq. 1): q_ik ∝ (1 + ||z_i - mu_k||^2 / a)^(-(a+1)/2), a = 1.
Target (DEC Eq. 3): p_ik ∝ q_ik^2 / f_k with f_k = sum_i q_ik, frozen between refreshes.
Loss (DEC Eq. 2): KL(P || Q) = sum_i sum_k p_ik log(p_ik / q_ik), averaged over the batch (Keras 'kld').
IDEC keeps the decoder: L = L_r + gamma KL(P || Q), L_r the mean squared reconstruction, gamma = 0.1.
P is refreshed every `update_interval` steps (both references: 140 on MNIST, 30 on USPS), or at
every epoch end with 0, and the run stops when fewer than 0.1 % of labels change over
`update_interval` steps, or after `max_iterations` steps (2e4). Small data keeps both meanings
(catalog/dec.py, `refresh_rule`): when an epoch is shorter than the interval (MNIST: 274 steps
an epoch, digits 8, a 178-row table 1), P is refreshed at every epoch end instead, so that it
follows the model even in a 30-epoch run, while the stopping rule still compares the labels
with those of the refresh at least `update_interval` steps before: 8 steps are too few for 0.1 %
of the labels to move, and comparing refreshes an epoch apart would end DEC after a few of them.
As in both references, batches walk through the rows in order. DEC trains the encoder and the
centroids only; IDEC also the decoder.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
import torch.nn.functional as F

from ..catalog.dec import DEC_CARD, IDEC_CARD, refresh_rule
from ..projection.cluster_view import ClusterView
from .base import Method, TrainingContext
from .kmeans import kmeans
from .principal_view import principal_view


def student_t(z: torch.Tensor, mu: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """q (n, K), DEC Eq. 1, for embedded rows z (n, d) and centroids mu (K, d)."""
    squared = ((z[:, None, :] - mu[None]) ** 2).sum(-1)  # (n, K)
    kernel = (1.0 + squared / alpha) ** (-(alpha + 1.0) / 2.0)
    return kernel / kernel.sum(1, keepdim=True)


def target_distribution(q: torch.Tensor) -> torch.Tensor:
    """p (n, K), DEC Eq. 3: q squared, divided by the cluster frequency sum_i q_ik, rows renormalised."""
    weight = q ** 2 / q.sum(0)
    return weight / weight.sum(1, keepdim=True)


class DEC(Method):
    """Self-training on the encoder and the centroids: KL(P || Q), P refreshed at every epoch end or every T steps."""

    card = DEC_CARD
    trains_decoder = False
    shuffle_batches = False  # DEC-keras and IDEC.py walk through the rows in order

    def setup(self, ctx: TrainingContext) -> None:
        H = ctx.embed()  # (n, d)
        centers = kmeans(H, self.n_clusters, self.seed, self.config.n_init, pause_point=ctx.pause_point).centers
        self.mu = torch.nn.Parameter(torch.as_tensor(centers, device=ctx.X.device))  # (K, d)
        self.rule = refresh_rule(self.config.update_interval, ctx.steps_per_epoch)
        self.labels: np.ndarray | None = None  # argmax q at the last refresh
        self.checked_labels, self.checked_at = None, 0  # ... and at the last check of the stopping rule
        self.refreshes, self.changed = 0, 1.0
        self._refresh(H, step=0)

    @torch.no_grad()
    def _refresh(self, H: np.ndarray, step: int) -> None:
        """A new target P from Q on every row. The stopping rule compares the labels argmax q with those of
        the check at least `rule.check_every` steps before."""
        q = student_t(torch.as_tensor(H, device=self.mu.device), self.mu, self.config.alpha)  # (n, K)
        self.target = target_distribution(q)  # (n, K)
        labels = q.argmax(1).cpu().numpy()
        if self.labels is not None:
            self.changed = float(np.mean(labels != self.labels))
        if self.checked_labels is None:
            self.checked_labels = labels
        elif step - self.checked_at >= self.rule.check_every:
            self.converged = float(np.mean(labels != self.checked_labels)) < self.config.stop_tolerance
            self.checked_labels, self.checked_at = labels, step
        self.labels = labels
        self.confidence = float(q.max(1).values.mean())
        self.refreshes += 1

    def parameters(self) -> list[torch.nn.Parameter]:
        return [self.mu]

    def clustering_loss(self, z: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """KL(P || Q) on a batch, summed over clusters and averaged over rows (DEC Eq. 2)."""
        q = student_t(z, self.mu, self.config.alpha)  # (b, K)
        return F.kl_div(q.log(), self.target[index], reduction="batchmean")

    def batch_loss(self, x, index, ctx):
        kl = self.clustering_loss(ctx.autoencoder.encoder(x), index)
        return {"KL(P||Q)": kl, "total": kl}

    @property
    def fresh_embedding_each_epoch(self) -> bool:
        """Only a refresh at the epoch end needs every row embedded with the epoch's final weights."""
        rule = getattr(self, "rule", None)
        return self.config.update_interval == 0 if rule is None else rule.at_epoch_end

    def after_step(self, ctx: TrainingContext) -> None:
        """Every update_interval steps (DEC-keras' update_interval), a new P from every row embedded now, unless
        epochs are shorter than that (then `end_epoch` refreshes); the end after max_iterations steps (DEC-keras'
        maxiter)."""
        if ctx.step >= self.config.max_iterations:
            self.converged = True
        elif not self.rule.at_epoch_end and ctx.step % self.rule.refresh_every == 0:
            self._refresh(ctx.embed(), ctx.step)

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        if self.rule.at_epoch_end:
            self._refresh(H, ctx.step)

    def centroids(self) -> np.ndarray:
        """mu (K, d); the nearest centroid is also argmax q, so the base class's predict applies."""
        return self.mu.detach().cpu().numpy()

    @torch.no_grad()
    def soft_assignments(self, H: np.ndarray) -> np.ndarray:
        """q (n, K) for embedded rows H."""
        return student_t(torch.as_tensor(H, device=self.mu.device), self.mu, self.config.alpha).cpu().numpy()

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """The embedding on its principal axes with the centroids, coloured by confidence max_k q_ik."""
        view = principal_view(H, self.centroids(), f"{self.card.name.upper()} embedding and centroids (principal axes)")
        return replace(view, point_values=self.soft_assignments(H).max(1), point_values_name="confidence max_k q_ik",
                       note=self.refresh_note())

    def refresh_note(self) -> str:
        """What the view says about the target: how often it is refreshed, and the labels changed at the last
        refresh."""
        if self.refreshes == 1:
            return f"first target P, from k-means; refreshed {self.rule.describe()}"
        return (f"target refresh {self.refreshes} ({self.rule.describe()}): {self.changed:.2%} of labels changed "
                "since the previous one")

    def scalars(self) -> dict[str, float]:
        return {"mean confidence": self.confidence, "changed at last refresh": self.changed}


class IDEC(DEC):
    """DEC plus the reconstruction term: L = L_r + gamma KL(P || Q); the decoder keeps training."""

    card = IDEC_CARD
    trains_decoder = True

    def batch_loss(self, x, index, ctx):
        """Unweighted terms, as Keras logs them; total = reconstruction + gamma KL."""
        z, x_hat = ctx.autoencoder(x)  # (b, d), (b, d_in)
        kl = self.clustering_loss(z, index)
        reconstruction = F.mse_loss(x_hat, x)
        return {"KL(P||Q)": kl, "reconstruction": reconstruction, "total": reconstruction + self.config.gamma * kl}
