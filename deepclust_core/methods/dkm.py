"""DKM: Deep k-Means (Moradi Fard, Thonet, Gaussier, Pattern Recognition Letters 2020, arXiv 1806.10069;
code MaziarMF/deep-k-means, compgraph.py and dkm.py).

k-means made differentiable (paper Sec. 3): with trainable representatives r_1..r_K and
f(h, r) = ||h - r||^2, each point's hard "closest representative" becomes the softmax
G_k(h, alpha) = exp(-alpha f(h, r_k)) / sum_l exp(-alpha f(h, r_l)), and every batch minimises
L = mean_{i in B} [ ||x_i - g(f(x_i))||^2 + lambda sum_k f(h_i, r_k) G_k(h_i, alpha) ]
with gradients through f and G, so encoder, decoder and representatives move together. As
alpha grows, G tends to the one-hot argmin and the second term to the k-means loss. Two alpha
schedules, as in dkm.py: constant 1000 after pretraining ("DKMp", the default here) or
annealed from 0.1 ("DKMa"), a new value every 5 epochs. The reconstruction term is the
per-row sum of squares (compgraph.py's g_func), not a mean over features.
"""
from __future__ import annotations

import numpy as np
import torch

from ..catalog.dkm import DKM_CARD, DKMConfig
from ..projection.cluster_view import ClusterView
from .base import Method, TrainingContext
from .kmeans import kmeans


def alpha_schedule(config: DKMConfig) -> np.ndarray:
    """The alpha values in order, one per `epochs_per_alpha` epochs (dkm.py's `alphas`)."""
    if config.schedule == "constant":
        return np.full(config.n_alphas or 20, config.alpha)
    alphas = np.empty(config.n_alphas or 40)
    alphas[0] = config.alpha_first
    for n in range(1, len(alphas)):  # alpha_{n+1} = 2^(1 / ln(n+1)^2) alpha_n, with n 1-based
        alphas[n] = 2 ** (1 / np.log(n + 1) ** 2) * alphas[n - 1]
    return alphas


def soft_assignment(h: torch.Tensor, representatives: torch.Tensor, alpha: float) -> tuple[torch.Tensor, torch.Tensor]:
    """f (b, K) squared distances to the representatives and G (b, K) = softmax_k(-alpha f).

    torch.softmax subtracts the row maximum of -alpha f, i.e. shifts f by its row minimum as
    compgraph.py does, so alpha = 1000 cannot underflow to 0/0.
    """
    f = ((h[:, None, :] - representatives[None]) ** 2).sum(-1)  # (b, K)
    return f, torch.softmax(-alpha * f, dim=1)


def dkm_loss(x: torch.Tensor, x_hat: torch.Tensor, h: torch.Tensor, representatives: torch.Tensor,
             alpha: float, lam: float) -> dict[str, torch.Tensor]:
    """mean_B ||x - x_hat||^2 + lambda mean_B sum_k f(h, r_k) G_k(h, alpha), every term by name."""
    reconstruction = ((x - x_hat) ** 2).sum(dim=1).mean()
    f, G = soft_assignment(h, representatives, alpha)
    k_means = (f * G).sum(dim=1).mean()
    return {"reconstruction": reconstruction, "k-means": k_means, "total": reconstruction + lam * k_means}


def closest_pair(centers: np.ndarray) -> tuple[int, int]:
    """The two centres nearest each other: the boundary most worth watching."""
    distances = ((centers[:, None] - centers[None]) ** 2).sum(-1)
    distances[np.diag_indices(len(centers))] = np.inf
    i, j = np.unravel_index(np.argmin(distances), distances.shape)
    return int(min(i, j)), int(max(i, j))


class DKM(Method):
    card = DKM_CARD
    kmeans_restarts = 10  # n_init of the initial k-means++ (scikit-learn's default, which dkm.py uses)
    fresh_embedding_each_epoch = False  # the schedule alone decides the epoch end

    def setup(self, ctx: TrainingContext) -> None:
        centers = self._initial_centers(ctx)  # (K, d)
        self.representatives = torch.nn.Parameter(torch.as_tensor(centers, dtype=torch.float32, device=ctx.X.device))
        self.axes = closest_pair(centers)
        self.epochs_done = 0

    def _initial_centers(self, ctx: TrainingContext) -> np.ndarray:
        """k-means++ on the pretrained embedding, or uniform in [-1, 1] as compgraph.py's initialiser."""
        if self.config.init == "uniform":
            generator = torch.Generator().manual_seed(self.seed)
            shape = (self.n_clusters, ctx.autoencoder.embedding_dim)
            return (2 * torch.rand(shape, generator=generator) - 1).numpy()
        return kmeans(ctx.embed(), self.n_clusters, self.seed, n_init=self.kmeans_restarts,
                      pause_point=ctx.pause_point).centers

    def alpha_at(self, epoch: int) -> float:
        """alpha during clustering epoch `epoch` (1-based): the schedule's value for it."""
        alphas = alpha_schedule(self.config)
        return float(alphas[min((epoch - 1) // self.config.epochs_per_alpha, len(alphas) - 1)])

    def parameters(self) -> list[torch.nn.Parameter]:
        return [self.representatives]

    def batch_loss(self, x, index, ctx):
        h, x_hat = ctx.autoencoder(x)  # (b, d), (b, d_in)
        return dkm_loss(x, x_hat, h, self.representatives, self.alpha_at(ctx.epoch + 1), self.config.lam)

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        """Training ends with the schedule: n_alphas values x epochs_per_alpha epochs (dkm.py)."""
        self.epochs_done = ctx.epoch
        self.converged = ctx.epoch >= len(alpha_schedule(self.config)) * self.config.epochs_per_alpha

    def centroids(self) -> np.ndarray:
        return self.representatives.detach().cpu().numpy().copy()

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """Every point's Euclidean distance to each representative (sqrt f); a point belongs to its smallest."""
        reps = self.centroids()
        alpha = self.alpha_at(max(self.epochs_done, 1))
        f, G = soft_assignment(torch.tensor(H), torch.tensor(reps), alpha)
        return ClusterView(
            title=f"{self.card.title}: distance to each representative",
            coords=np.sqrt(f.numpy()),
            axis_names=tuple(f"distance to r{k + 1}" for k in range(len(reps))),
            default_axes=self.axes,
            centroids=np.sqrt(((reps[:, None] - reps[None]) ** 2).sum(-1)),  # r_k sits at 0 on its own axis
            point_values=G.max(dim=1).values.numpy(),
            point_values_name=f"max_k G_k at alpha = {alpha:.3g} (soft assignment confidence)",
            note=f"alpha = {alpha:.4g}; the default axes are the two closest representatives",
        )

    def scalars(self) -> dict[str, float]:
        """alpha of the epoch just finished (at the start: of the first epoch)."""
        return {"alpha": self.alpha_at(max(self.epochs_done, 1))}
