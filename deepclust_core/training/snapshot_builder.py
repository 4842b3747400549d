"""Turns the loop's state at an epoch end into a Snapshot: labels aligned to the previous
epoch, metrics, cluster sizes, the display subsample, timings, and every row's results
(training/row_results.py: embedding, confidence, what assigns new rows), and for data of two columns the
input plane (training/input_plane.py)."""
from __future__ import annotations

import time

import numpy as np

from ..data.dataset import Dataset
from ..evaluation.metrics import alignment, changed_fraction, clustering_scores
from ..methods import Method
from ..methods.assigners import METHOD_STATE, nearest_centre
from ..methods.kmeans import kmeans
from ..methods.principal_view import principal_view
from ..projection.cluster_view import ClusterView
from ..settings.train import TrainConfig
from .input_plane import InputPlane, has_plane, input_plane, plane_axes, plane_step
from .row_results import centre_results, method_results
from .snapshot import Snapshot, display_subsample


class SnapshotBuilder:
    def __init__(self, data: Dataset, config: TrainConfig, device: str, autoencoder=None):
        """`autoencoder`: the run's, for the input plane of data with two columns (None: no plane)."""
        self.data, self.config, self.device = data, config, device
        planned = autoencoder is not None and has_plane(data.n_features, data.image_shape)
        self.plane_step = plane_step(autoencoder) if planned else None  # None: no plane (a network too large)
        self.autoencoder = autoencoder if self.plane_step else None
        self.plane_axes = plane_axes(data.X) if self.autoencoder is not None else None
        self.display_index = display_subsample(data.n_samples, config.display_size, config.seed)
        self.previous: np.ndarray | None = None
        self.started = self.last = time.perf_counter()

    def pretrain_snapshot(self, epoch: int, epochs: int, losses: dict, H: np.ndarray, cached: bool = False) -> Snapshot:
        """During pretraining the picture is AE + k-means: one quick k-means run per epoch."""
        result = kmeans(H, self.config.n_clusters, self.config.seed, n_init=1)
        view = principal_view(H[self.display_index], result.centers, "Autoencoder space (principal axes)")
        scalars = {"cached": 1.0} if cached else {}
        return self._snapshot("pretrain", epoch, epochs, losses, H, result.labels, result.centers, view, scalars=scalars)

    def cluster_snapshot(self, epoch: int, epochs: int, losses: dict, H: np.ndarray, method: Method,
                         reference: dict) -> Snapshot:
        labels = method.assign(H)
        view = method.clustering_view(H[self.display_index], labels[self.display_index])
        return self._snapshot("cluster", epoch, epochs, losses, H, labels, method.centroids(), view,
                              converged=method.converged, scalars=method.scalars(), reference=reference, method=method)

    def _snapshot(self, phase, epoch, epochs, losses, H, method_labels, centroids, view: ClusterView,
                  converged=False, scalars=None, reference=None, method: Method | None = None) -> Snapshot:
        """`method_labels`, `centroids`: as the method (or pretraining's k-means) numbers its clusters."""
        K = self.config.n_clusters
        mapping = alignment(method_labels, self.previous, n_ids=K)
        labels = mapping[method_labels]
        if centroids is not None:
            centroids = _permute_rows(centroids, mapping)
            if view.centroids is not None:
                view = _with_centroids(view, _permute_rows(view.centroids, mapping))
        changed = changed_fraction(labels, self.previous)
        self.previous = labels
        rows = centre_results(H, labels, centroids) if method is None else method_results(method, H, method_labels, mapping)
        plane = self._plane(method, mapping, centroids)
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        return Snapshot(
            phase=phase, epoch=epoch, epochs_in_phase=epochs, losses=losses, labels=labels,
            metrics={} if self.data.y is None else clustering_scores(self.data.y, labels),
            changed=changed, cluster_sizes=np.bincount(labels, minlength=K),
            display_index=self.display_index, embedding=H[self.display_index], centroids=centroids,
            view=view, seconds=seconds, elapsed=now - self.started, device=self.device,
            converged=converged, scalars=scalars or {}, reference_metrics=reference or {},
            rows=rows, plane=plane,
        )

    def _plane(self, method: Method | None, mapping: np.ndarray, centroids: np.ndarray | None) -> InputPlane | None:
        """The input plane with the rule that assigns new rows (methods/assigners.py): the method's predict, in
        the ids shown (`mapping`), or in pretraining the nearest of the k-means `centroids` (already shown ids).
        None without two columns, or for a method whose rule is not kept (N2D: its UMAP model)."""
        if self.autoencoder is None:
            return None
        if method is None:
            def rule(H):
                return nearest_centre(H, centroids)[0]
        elif METHOD_STATE.get(method.card.name) is not None and METHOD_STATE[method.card.name].stored:
            def rule(H):
                return mapping[method.predict(H)]
        else:
            return None
        return input_plane(self.autoencoder, self.plane_axes, rule, centroids, self.plane_step)


def _permute_rows(rows: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """Row j moves to position mapping[j], the id its cluster now has."""
    out = np.array(rows, copy=True)
    out[mapping[:len(rows)]] = rows
    return out


def _with_centroids(view: ClusterView, centroids: np.ndarray) -> ClusterView:
    from dataclasses import replace

    return replace(view, centroids=centroids)
