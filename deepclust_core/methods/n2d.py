"""N2D: (Not Too) Deep clustering (McConville, Santos-Rodriguez, Piechocki, Craddock, ICPR 2020,
arXiv 1908.05968; reference code rymc/n2d, n2d.py and run.sh).

No clustering epochs: the pretrained autoencoder's embedding z = f(x) (d-500-500-2000-K) is mapped
by UMAP (McInnes, Healy, Melville 2018, arXiv 1802.03426) to a manifold u of K dimensions, with 20
neighbours and min_dist 0, and a Gaussian mixture with full covariances is fitted there by EM. A
row's label is the argmax of its posterior p(k | u_i) = pi_k N(u_i; mu_k, Sigma_k) / sum_l pi_l
N(u_i; mu_l, Sigma_l). UMAP learns the local structure of the embedding that k-means on z ignores;
the mixture then clusters a space whose clusters are compact and well separated.

UMAP and the mixture are seeded with the run's seed (the reference uses 0 for both), which makes
UMAP single-threaded. Rows of the training embedding keep the coordinates UMAP fitted; other rows
go through UMAP.transform, as predicting new data with the reference's objects would. UMAP's
compiled code is kept on disk (`import_umap`), except NN-descent's, which finds the neighbours
from 4,096 rows on: numba cannot cache it, so the first such run in a process compiles it again
(tens of seconds on 2 cores).
"""
from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import torch

from ..catalog.n2d import N2D_CARD
from ..projection.cluster_view import ClusterView
from ..projection.umap import cache_compiled_code, compiled_code_folder
from .base import Method, TrainingContext
from .principal_view import principal_view


def import_umap():
    """umap-learn, with numba's compiled code kept on disk in the folder the projection process uses,
    so that only the first N2D run on a machine waits for UMAP to compile. Caching can only be asked
    for before umap is first imported in this process."""
    if "umap" not in sys.modules:
        os.environ.setdefault("NUMBA_CACHE_DIR", str(compiled_code_folder()))
        if "numba" in sys.modules:
            sys.modules["numba"].core.config.reload_config()  # numba read its settings before the folder was set
        cache_compiled_code()
    import umap

    return umap


@contextmanager
def umap_call():
    """Around UMAP's fit and transform: its warnings silenced, and PyTorch's thread count as it was before.
    numba's OpenMP layer shares the OpenMP runtime with PyTorch, and UMAP, done, sets numba's thread count
    back to every core: a training thread limited to fewer (runs/live.py) would then fight the page for them."""
    threads = torch.get_num_threads()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numba's notes on caching, UMAP's on seeds and spectral initialisation
            yield
    finally:
        torch.set_num_threads(threads)


class N2D(Method):
    """UMAP of the pretrained embedding, then a Gaussian mixture on the manifold; nothing is fine-tuned."""

    card = N2D_CARD

    @property
    def manifold_dim(self) -> int:
        return self.config.umap_dim or self.n_clusters

    def setup(self, ctx: TrainingContext) -> None:
        """UMAP of every row's embedding, then EM for the Gaussian mixture on the manifold (n2d.py)."""
        from scipy.spatial import cKDTree
        from sklearn.mixture import GaussianMixture

        H = ctx.embed()  # (n, d)
        umap = import_umap()
        self.reducer = umap.UMAP(n_components=self.manifold_dim, n_neighbors=min(self.config.n_neighbors, len(H) - 1),
                                 min_dist=self.config.min_dist, metric=self.config.metric, random_state=self.seed,
                                 n_jobs=1)
        with umap_call():
            self.fitted = self.reducer.fit_transform(H).astype(np.float32)  # (n, m)
        self.training_rows = cKDTree(H)
        self.mixture = GaussianMixture(n_components=self.n_clusters, covariance_type=self.config.covariance,
                                       n_init=self.config.n_init, random_state=self.seed).fit(self.fitted)
        self.confidence = float(self.mixture.predict_proba(self.fitted).max(axis=1).mean())

    def manifold(self, H: np.ndarray) -> np.ndarray:
        """u (n, m) for embedded rows H: rows of the training embedding keep their fitted coordinates,
        any other row is placed by UMAP.transform."""
        distances, rows = self.training_rows.query(H, k=1)
        known = distances == 0
        U = np.empty((len(H), self.fitted.shape[1]), dtype=np.float32)
        U[known] = self.fitted[rows[known]]
        if not known.all():
            with umap_call():
                U[~known] = self.reducer.transform(np.asarray(H[~known], dtype=np.float32))
        return U

    def posteriors(self, H: np.ndarray) -> np.ndarray:
        """p(k | u_i), (n, K): the mixture's posterior on the manifold."""
        return self.mixture.predict_proba(self.manifold(H))

    def predict(self, H: np.ndarray) -> np.ndarray:
        return self.posteriors(H).argmax(axis=1)

    def clustering_view(self, H: np.ndarray, labels: np.ndarray) -> ClusterView:
        """The UMAP manifold with the mixture's means, coloured by the posterior's max. A manifold of more
        than two dimensions is shown on its principal axes (the user may pick others)."""
        U = self.manifold(H)
        confidence = self.mixture.predict_proba(U).max(axis=1)
        m = U.shape[1]
        title = f"N2D: UMAP manifold ({m}-D) and Gaussian mixture means"
        if m == 2:
            view = ClusterView(title=title, coords=U, axis_names=("UMAP 1", "UMAP 2"), centroids=self.mixture.means_)
        else:
            view = principal_view(U, self.mixture.means_, title + " (principal axes of the manifold)")
            view = replace(view, axis_names=tuple(f"manifold {name}" for name in view.axis_names))
        fitted = "converged" if self.mixture.converged_ else "stopped before converging"
        return replace(view, point_values=confidence, point_values_name="confidence max_k p(k | u_i), the mixture's posterior",
                       note=f"UMAP: {self.reducer.n_neighbors} neighbours, min_dist {self.config.min_dist:g}; "
                            f"EM {fitted} after {self.mixture.n_iter_} iterations")

    def scalars(self) -> dict[str, float]:
        return {"mean confidence": self.confidence}
