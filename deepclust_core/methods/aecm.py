"""AE-CM: an autoencoder with a clustering module (Boubekki, Kampffmeyer, Brefeld, Jenssen,
Machine Learning 2021, arXiv 2012.03740; code Ahcene-B/clustering-Module).

The clustering module (CM) is a one-hidden-layer autoencoder on the embedding z:
gamma_i = softmax(W_g^T z_i + b_g) in the K-simplex, centroids u_k = rows of the linear decoder
(plus its bias), z_hat_i = sum_k gamma_ik u_k. Its loss on a batch is the expected k-means
distortion E1 + E2 + E3 = sum_i sum_k gamma_ik ||z_i - u_k||^2 with
E1 = sum_i ||z_i - z_hat_i||^2, E2 = sum_k (sum_i gamma_ik (1 - gamma_ik)) ||u_k||^2,
E3 = - sum_{k != l} (sum_i gamma_ik gamma_il) u_k^T u_l, plus the Dirichlet prior
E4 = sum_k (1 - alpha) log(mean_i gamma_ik + 1e-10).
AE-CM (module_AECM.py, `loss`) trains encoder, decoder and CM together on
L = E1 + sum_i sum_k gamma_ik (1 - gamma_ik) + lambda sum_{k,l} |(U U^T - I)_kl| + E4
    + beta sum_i ||x_i - g(z_i)||^2:
the orthonormality penalty replaces E3 (and sets ||u_k|| = 1 in E2) so that encoder and
centroids cannot collapse together. loss="normalised" is Example/lib_CM.py instead: E1 and E2
divided by batch x d, a squared Frobenius penalty, mean squared reconstruction, no CM biases, AdamW.

From random weights ("rand") the CM starts in a trap. With orthonormal centroids U, W_g = c U and every z at the
centroids' mean m, gamma is uniform, and along the centroids (z = m + e) the clustering terms are
E1 + sum_k gamma_k (1 - gamma_k) = const + (1 - 2c/K) ||e||^2 to second order: while the assignment weights along the centroids
(c_k = w_k . u_k, about 0 at Keras' glorot initialisation) stay under K/2, this pulls every z to m and keeps gamma
uniform. E1's pull and the reconstruction set how far z spreads; W_g's gradient shrinks with that spread and
Adam moves it by at most about lr a step, so leaving the trap takes thousands of steps (the reference trains
140,000 on MNIST, 207,000 on USPS; digits gives 4,000 at batch 500, 40,000 at batch 45). `assignment_scale`
(mean_k c_k) and the note of the view show where a run is.

Not copied from the reference: its learning-rate decay (it never applies there) and the
sorting of log(mean gamma) in E4 (a no-op for one alpha shared by all clusters).
The reference's extra averaging epoch is the last of `cluster_epochs` here (1000 + 1 = 1001 in the card's `suggested`).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from torch import nn

from ..catalog.aecm import AECM_CARD, AECMConfig
from ..evaluation.metrics import cluster_accuracy
from ..networks.autoencoder import glorot_normal_bias_
from ..projection.cluster_view import ClusterView
from .base import Method, TrainingContext
from .kmeans import kmeans
from .principal_view import principal_view


class ClusteringModule(nn.Module):
    """gamma = softmax(W_g^T z + b_g), z_hat = gamma U; Keras' glorot initialisation, as the reference."""

    def __init__(self, dim: int, n_clusters: int, bias: bool, seed: int):
        super().__init__()
        self.assign = nn.Linear(dim, n_clusters, bias=bias)  # W_g, b_g
        self.decode = nn.Linear(n_clusters, dim, bias=bias)  # W_mu, b_mu
        generator = torch.Generator().manual_seed(seed)
        for layer in (self.assign, self.decode):
            nn.init.xavier_uniform_(layer.weight, generator=generator)
            if bias:
                glorot_normal_bias_(layer.bias, generator)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        gamma = torch.softmax(self.assign(z), dim=1)  # (b, K)
        return gamma, self.decode(gamma)  # (b, K), (b, d)

    def centroids(self) -> torch.Tensor:
        """U, (K, d): the decoder applied to the corners of the simplex, u_k = W_mu e_k + b_mu."""
        return self.decode(torch.eye(self.assign.out_features, device=self.decode.weight.device))


def distortion_terms(z: torch.Tensor, gamma: torch.Tensor, U: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """E1, E2, E3 of the CM; they sum to sum_i sum_k gamma_ik ||z_i - u_k||^2 (z (b, d), gamma (b, K), U (K, d))."""
    e1 = ((z - gamma @ U) ** 2).sum()
    e2 = ((gamma * (1 - gamma)).sum(0) * (U ** 2).sum(1)).sum()
    cross = (gamma.T @ gamma) * (U @ U.T)  # (K, K)
    e3 = -(cross.sum() - cross.diagonal().sum())
    return e1, e2, e3


def dirichlet_prior(gamma: torch.Tensor, alpha: float) -> torch.Tensor:
    """E4 = sum_k (1 - alpha) log(mean_i gamma_ik + 1e-10): with alpha > 1, small clusters cost more."""
    return (1 - alpha) * torch.log(gamma.mean(0) + 1e-10).sum()


class WeightAverage:
    """The running mean of a list of tensors, written back into them at the end."""

    def __init__(self, params: list[torch.Tensor]):
        self.sums = [torch.zeros_like(p) for p in params]
        self.count = 0

    def add(self, params: list[torch.Tensor]) -> None:
        for total, p in zip(self.sums, params):
            total += p.detach()
        self.count += 1

    @torch.no_grad()
    def load_into(self, params: list[torch.Tensor]) -> None:
        for total, p in zip(self.sums, params):
            p.copy_(total / self.count)


class AECM(Method):
    """Encoder, decoder and CM trained jointly; labels are argmax gamma. With start="pre" the first
    `cm_epochs` clustering epochs train the CM alone on E1 + E2 + E3 + E4 (pre_fit), then Adam restarts.
    Every loss term is reported with its weight applied, so the terms add up to "total".
    `kmeans_labels_` holds k-means on the final embedding (the reference's predict_km)."""
    card = AECM_CARD
    fresh_embedding_each_epoch = False  # H only feeds the view's statistics, and the last epoch's k-means (fresh)

    def __init__(self, config: AECMConfig, n_clusters: int, seed: int = 0):
        super().__init__(config, n_clusters, seed)
        self.alpha, self.beta, self.lbd = config.weights()
        self.normalised = config.loss == "normalised"
        self.kmeans_labels_: np.ndarray | None = None

    def setup(self, ctx: TrainingContext) -> None:
        H = ctx.embed()  # (n, d)
        self.device = ctx.X.device
        self.cm = ClusteringModule(H.shape[1], self.n_clusters, not self.normalised, self.seed).to(self.device)
        self.cm_only_epochs = self.config.cm_epochs if self.config.start == "pre" else 0
        if self.config.start == "pre":
            self._init_from_kmeans(H)
        self.rows_seen, self.average, self.kmeans_agreement = 0, None, None
        self.phase = "CM alone on the frozen embedding" if self.cm_only_epochs else "joint training"
        self._summarise(H)

    @torch.no_grad()
    def _init_from_kmeans(self, H: np.ndarray) -> None:
        """pre_fit: W_mu = k-means centroids, W_g = pinv(centroids), biases zero."""
        result = kmeans(H, self.n_clusters, self.seed, self.config.n_init)
        self.start_labels, centers = result.labels, result.centers.astype(np.float64)  # (n,), (K, d)
        weights = (np.linalg.pinv(centers).T, centers.T)  # (K, d): logits = z pinv(U); (d, K): z_hat = gamma U
        for layer, weight in zip((self.cm.assign, self.cm.decode), weights):
            layer.weight.copy_(torch.as_tensor(weight, dtype=torch.float32))
            if layer.bias is not None:
                layer.bias.zero_()

    def parameters(self) -> list[torch.nn.Parameter]:
        return list(self.cm.parameters())

    def make_optimizer(self, params, lr):
        """The card's (catalog.aecm.clustering_optimiser), kept: joint training starts it afresh (end_epoch)."""
        self.optimizer = super().make_optimizer(params, lr)
        return self.optimizer

    def batch_loss(self, x, index, ctx):
        self.rows_seen += len(index)
        if ctx.epoch < self.cm_only_epochs:
            return self._cm_loss(x, ctx)
        return self._joint_loss(x, ctx)

    def _cm_loss(self, x, ctx) -> dict[str, torch.Tensor]:
        """The pure CM loss E1 + E2 + E3 + E4 on the frozen embedding (module_AECM.loss_cm)."""
        with torch.no_grad():
            z = ctx.autoencoder.encoder(x)  # (b, d)
        gamma, _ = self.cm(z)  # (b, K)
        scale = z.numel() if self.normalised else 1.0
        e1, e2, e3 = distortion_terms(z, gamma, self.cm.centroids())
        terms = {"E1 embedding fit": e1 / scale, "E2 gamma(1-gamma)": e2 / scale, "E3 centroid cross terms": e3 / scale,
                 "prior": dirichlet_prior(gamma, self.alpha)}
        return {**terms, "total": sum(terms.values())}

    def _joint_loss(self, x, ctx) -> dict[str, torch.Tensor]:
        """AE-CM's loss (module_AECM.loss), or the normalised one of Example/lib_CM.py."""
        z, x_hat = ctx.autoencoder(x)  # (b, d), (b, d_in)
        gamma, z_hat = self.cm(z)  # (b, K), (b, d)
        U = self.cm.centroids()  # (K, d)
        gram_error = U @ U.T - torch.eye(self.n_clusters, device=U.device)  # (K, K)
        scale = z.numel() if self.normalised else 1.0
        squared_error = (x_hat - x) ** 2
        terms = {
            "E1 embedding fit": ((z - z_hat) ** 2).sum() / scale,
            "E2 gamma(1-gamma)": (gamma * (1 - gamma)).sum() / scale,
            "orthonormality": self.lbd * (gram_error.square().sum() if self.normalised else gram_error.abs().sum()),
            "prior": dirichlet_prior(gamma, self.alpha),
            "reconstruction": self.beta * (squared_error.mean() if self.normalised else squared_error.sum()),
        }
        return {**terms, "total": sum(terms.values())}

    def after_step(self, ctx: TrainingContext) -> None:
        """In the last planned epoch of joint training, accumulate the weights after every step; load their mean
        at its end (module_AECM.fit's averaging epoch)."""
        last = ctx.epoch == ctx.epochs - 1 and ctx.epoch >= self.cm_only_epochs
        if not (self.config.average_last_epoch and last):
            return
        params = list(ctx.autoencoder.parameters()) + self.parameters()
        self.average = self.average or WeightAverage(params)
        self.average.add(params)
        if self.rows_seen >= len(ctx.X):
            self.average.load_into(params)
            self.phase = f"weights averaged over the {self.average.count} steps of the last epoch"

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        self.rows_seen = 0
        if self.cm_only_epochs and ctx.epoch == self.cm_only_epochs:
            self.optimizer.state.clear()  # joint training starts with a fresh Adam, as in the reference
            self.phase = "joint training"
        if ctx.epoch == ctx.epochs:
            self.embedding_kmeans(H)
        self._summarise(H)

    def embedding_kmeans(self, H: np.ndarray) -> np.ndarray:
        """k-means on the embedding H (the reference reports it beside argmax gamma); kept in `kmeans_labels_`."""
        self.kmeans_labels_ = kmeans(H, self.n_clusters, self.seed, self.config.n_init).labels
        self.kmeans_agreement = cluster_accuracy(self.kmeans_labels_, self.predict(H))
        return self.kmeans_labels_

    @torch.no_grad()
    def gamma(self, H: np.ndarray) -> np.ndarray:
        """Soft assignments of embedded rows, (n, K)."""
        return self.cm(torch.as_tensor(H, dtype=torch.float32, device=self.device))[0].cpu().numpy()

    def _summarise(self, H: np.ndarray) -> None:
        gamma = self.gamma(H)
        U = self.centroids()
        self.shares = gamma.mean(0)  # (K,)
        self.confidence = float(gamma.max(1).mean())
        self.orthonormality_error = float(np.abs(U @ U.T - np.eye(self.n_clusters)).max())
        self.assignment_scale = self.assignment_weights_along_centroids()

    @torch.no_grad()
    def assignment_weights_along_centroids(self) -> float:
        """mean_k w_k . u_k / ||u_k|| (w_k: row k of W_g): the uniform start is stable while it is under K/2."""
        W, U = self.cm.assign.weight, self.cm.centroids()  # (K, d), (K, d)
        return float(((W * U).sum(1) / U.norm(dim=1).clamp_min(1e-12)).mean())

    def uniform_trap_note(self) -> str:
        """A line when, in joint training, gamma is almost uniform and the assignment weights are under K/2, else ""."""
        k = self.n_clusters
        if self.phase.startswith("CM alone") or self.confidence >= 1.5 / k or self.assignment_scale >= k / 2:
            return ""
        return (f"assignments almost uniform (mean confidence {self.confidence:.2f}, 1/K = {1 / k:.2f}): the CM has "
                f"not left its start; its weights along the centroids ({self.assignment_scale:.2f}) must pass "
                f"K/2 = {k / 2:g}")

    def predict(self, H: np.ndarray) -> np.ndarray:
        return self.gamma(H).argmax(1)

    @torch.no_grad()
    def centroids(self) -> np.ndarray:
        return self.cm.centroids().cpu().numpy()

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """The embedding on its principal axes with the CM centroids; colour = confidence, bars = cluster shares."""
        gamma = self.gamma(H)  # (n_display, K)
        view = principal_view(H, self.centroids(), "AE-CM embedding and CM centroids (principal axes)")
        return replace(view, point_values=gamma.max(1), point_values_name="confidence max_k γ_ik",
                       spectrum=np.sort(self.shares)[::-1], spectrum_name="cluster shares mean_i γ_ik, largest first",
                       note="; ".join(filter(None, (self.phase, self.uniform_trap_note()))))

    def scalars(self) -> dict[str, float]:
        values = {"mean confidence": self.confidence, "smallest cluster share": float(self.shares.min()),
                  "orthonormality error max|UUᵀ-I|": self.orthonormality_error,
                  "assignment weights along the centroids mean_k w_k·u_k": self.assignment_scale}
        if self.kmeans_agreement is not None:
            values["agreement with k-means on z"] = self.kmeans_agreement
        return values
