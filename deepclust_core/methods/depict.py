"""DEPICT: Deep Embedded Regularized Clustering (Ghasedi Dizaji, Herandi, Deng, Cai, Huang, ICCV 2017,
arXiv 1704.06327; code herandy/DEPICT, functions.py train_RLC and build_MdA).

A softmax head p_ik = softmax_k(theta_k^T z_i + b_k) sits on the embedding z of a denoising
autoencoder (`networks/depict.py`, AutoencoderConfig(kind="depict", embedding_dim=K)). Each batch
runs two paths through the same weights: a noisy one (dropout on) and a clean one (dropout
off), and minimises
    L = -mean_i sum_k q_ik log p~_ik + sum_l w_l mean ||z~^l_dec - z^l_clean||^2,
the cross-entropy of the noisy prediction p~ against a frozen target q, plus every noisy decoder
layer against the matching clean encoder layer (w = 1 for the input, 0.1 for hidden layers).
The target is recomputed once per epoch from the clean p of all rows (paper Sec. 3.1):
    paper:     q_ik ∝ p_ik / sqrt(sum_i p_ik)  (the relative entropy to a uniform cluster prior)
    reference: q_ik ∝ p_ik^2 / sum_i p_ik      (functions.py, DEC's target; the default here)
The paper's target does not sharpen p: on digits without warm-up it drifts towards uniform
(cross-entropy near log K after 40 epochs), which may be why the reference code squares p.
Training starts with a warm-up of cross-entropy on the hard k-means labels, which lasts until
the head's predictions stop getting closer to those labels (NMI, no ground truth involved), and
stops when the mean squared change of Q between epochs is below 1e-7. Unlike functions.py the
warm-up measures agreement on all rows (not a 10 % split) and keeps the last weights rather
than restoring the best ones, and the target uses one clean pass at the epoch's end (the
reference stores each batch's clean p right after its step).

Pretraining is the loop's, set by the card's recipe as in functions.py's train_depict_ae: the
same layer-wise reconstruction (`networks/reconstruction.py`, hidden weight 0.1) with Adam, stopped early
on a random 10 % hold-out (functions.py splits stratified on the true labels; here the split
never sees them) and ending on the weights with the lowest hold-out loss. With a plain
autoencoder ("mlp", "conv") DEPICT still runs: no dropout, so both paths coincide, and the
reconstruction is the input term alone.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..catalog.depict import DEPICT_CARD
from ..evaluation.metrics import nmi
from ..networks.reconstruction import layerwise_reconstruction
from ..projection.cluster_view import ClusterView
from .base import Method, TrainingContext
from .dkm import closest_pair
from .kmeans import kmeans


def target_distribution(P: np.ndarray, formula: str = "reference") -> np.ndarray:
    """Q (n, K) from the clean soft assignments P (n, K): rows sum to 1.

    reference: q_ik ∝ p_ik^2 / f_k; paper: q_ik ∝ p_ik / sqrt(f_k), with f_k = sum_i p_ik.
    """
    frequency = P.sum(axis=0)  # (K,) soft cluster sizes
    Q = P ** 2 / frequency if formula == "reference" else P / np.sqrt(frequency)
    return Q / Q.sum(axis=1, keepdims=True)


class DEPICT(Method):
    card = DEPICT_CARD

    def setup(self, ctx: TrainingContext) -> None:
        """Head from k-means on the clean embedding: centroids as unit-norm columns of theta, bias 0."""
        H = ctx.embed()  # (n, d), d = K with the DEPICT network
        result = kmeans(H, self.n_clusters, self.seed, n_init=self.config.n_init, pause_point=ctx.pause_point)
        columns = result.centers.T / np.maximum(np.linalg.norm(result.centers, axis=1), 1e-12)  # (d, K)
        device = ctx.X.device
        self.theta = torch.nn.Parameter(torch.as_tensor(columns, dtype=torch.float32, device=device))
        self.bias = torch.nn.Parameter(torch.zeros(self.n_clusters, device=device))
        self.axes = closest_pair(result.centers)
        self.soft_target: np.ndarray | None = None
        self.q_change: float | None = None
        P = self.probabilities(H)
        self.frequencies = P.mean(axis=0)
        self.kmeans_labels = self.start_labels = result.labels
        self.agreement = self.best_agreement = nmi(result.labels, P.argmax(axis=1))
        self.epochs_without_progress = 0
        self.warming_up = self.config.warmup_patience > 0
        if self.warming_up:
            self.q = F.one_hot(torch.as_tensor(result.labels, device=device), self.n_clusters).float()  # (n, K)
        else:
            self._new_target(P)

    def parameters(self) -> list[torch.nn.Parameter]:
        return [self.theta, self.bias]

    def probabilities(self, H: np.ndarray) -> np.ndarray:
        """Clean p (n, K) for embedded rows H."""
        with torch.no_grad():
            z = torch.tensor(H, dtype=torch.float32, device=self.theta.device)
            return torch.softmax(z @ self.theta + self.bias, dim=1).cpu().numpy()

    def batch_loss(self, x, index, ctx):
        terms = layerwise_reconstruction(ctx.autoencoder, x, self.config.hidden_weight)
        log_p = torch.log_softmax(terms.embedding @ self.theta + self.bias, dim=1)  # (b, K) from the noisy z~
        cross_entropy = -(self.q[index] * log_p).sum(dim=1).mean()
        total = cross_entropy + self.config.reconstruction_weight * (terms.input_term + terms.hidden_term)
        return {"cross-entropy": cross_entropy, "reconstruction (input)": terms.input_term,
                "reconstruction (hidden)": terms.hidden_term, "total": total}

    def end_epoch(self, ctx: TrainingContext, H: np.ndarray) -> None:
        """The new target from the clean p of every row, once the warm-up is over."""
        P = self.probabilities(H)
        self.frequencies = P.mean(axis=0)
        if self.warming_up:
            self._warm_up(P)
        if not self.warming_up:
            self._new_target(P)

    def _warm_up(self, P: np.ndarray) -> None:
        """Go on while the predictions keep getting closer to the k-means labels (functions.py's patience)."""
        self.agreement = nmi(self.kmeans_labels, P.argmax(axis=1))
        if self.agreement > self.best_agreement:
            self.best_agreement, self.epochs_without_progress = self.agreement, 0
        else:
            self.epochs_without_progress += 1
        self.warming_up = self.epochs_without_progress < self.config.warmup_patience

    def _new_target(self, P: np.ndarray) -> None:
        Q = target_distribution(P, self.config.target)
        if self.soft_target is not None:
            self.q_change = float(np.mean((Q - self.soft_target) ** 2))
            self.converged = self.q_change < self.config.stop_tolerance
        self.soft_target = Q
        self.q = torch.as_tensor(Q, dtype=torch.float32, device=self.theta.device)

    def predict(self, H: np.ndarray) -> np.ndarray:
        """argmax_k p_ik of the clean path."""
        return self.probabilities(H).argmax(axis=1)

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """The clean soft assignments as coordinates, and the cluster frequencies against 1/K."""
        P = self.probabilities(H)
        K = self.n_clusters
        if self.warming_up:
            note = (f"warm-up on the k-means labels: NMI(argmax p, k-means) = {self.agreement:.3f}, "
                    f"{self.epochs_without_progress} epoch(s) without progress")
        else:
            note = "first soft target" if self.q_change is None else f"mean squared change of Q: {self.q_change:.2e}"
        return ClusterView(
            title="DEPICT soft assignments p\u00a0=\u00a0softmax(θᵀz)",  # wrapped before the equation, not in it
            coords=P,
            axis_names=tuple(f"p(cluster {k + 1})" for k in range(K)),
            default_axes=self.axes,
            spectrum=self.frequencies,
            spectrum_name=f"cluster frequency, mean of p over all rows (the uniform prior is 1/K = {1 / K:.3g})",
            spectrum_reference=1 / K,
            point_values=P.max(axis=1),
            point_values_name="max_k p_ik (confidence)",
            note=note,
        )

    def scalars(self) -> dict[str, float]:
        if self.warming_up:
            return {"NMI(argmax p, k-means)": self.agreement}
        return {} if self.q_change is None else {"change of Q": self.q_change}
