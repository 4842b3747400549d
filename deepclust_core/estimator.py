"""A scikit-learn style estimator over the same training loop, for notebooks.

    model = DeepClusterer(n_clusters=10, method="dekm", seed=0).fit(X)
    model.labels_, model.cluster_centers_, model.transform(X)

Every fit is recorded in the run store (`model.run_id_`), unless `record=False`.
"""
from __future__ import annotations

from dataclasses import asdict

import numpy as np
import torch

from .settings.autoencoder import AutoencoderConfig
from .data.dataset import Dataset
from .training.loop import embed, new_autoencoder, resolve_device, train
from .methods import make_method
from .runs.recording import Recording, recorded
from .settings.build import config_for
from .runs.store import RunStore


class DeepClusterer:
    """Deep clustering with any registered method. Parameters are only stored here;
    randomness is resolved in `fit` (scikit-learn's convention). Settings left at None (and
    the method options and autoencoder settings not given) are the method's recipe for the
    data `fit` receives (`deepclust_core.settings.build.config_for`), as in the CLI and the app."""

    def __init__(self, n_clusters: int = 10, *, method: str = "dekm", method_options: dict | None = None,
                 autoencoder: AutoencoderConfig | None = None, pretrain_epochs: int | None = None,
                 cluster_epochs: int | None = None, batch_size: int | None = None, lr: float | None = None,
                 seed: int = 0, device: str = "auto", cache_dir: str | None = None,
                 image_shape: tuple[int, ...] | None = None, record: bool = True, store: str | None = None):
        self.n_clusters = n_clusters
        self.method = method
        self.method_options = method_options
        self.autoencoder = autoencoder
        self.pretrain_epochs = pretrain_epochs
        self.cluster_epochs = cluster_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.seed = seed
        self.device = device
        self.cache_dir = cache_dir
        self.image_shape = image_shape
        self.record = record  # save the run in the run store
        self.store = store  # the store's folder; None: $DEEPCLUST_HOME, else ~/.local/share/deepclust

    def fit(self, X, y=None) -> "DeepClusterer":
        """Train on rows X (already scaled as you want them); `y` is ignored, as in scikit-learn."""
        data = X if isinstance(X, Dataset) else Dataset(X=X, y=None, name="array", image_shape=self.image_shape)
        config = config_for(
            self.method, self.n_clusters, data=data, options=self.method_options,
            autoencoder=None if self.autoencoder is None else asdict(self.autoencoder),
            train=dict(pretrain_epochs=self.pretrain_epochs, cluster_epochs=self.cluster_epochs,
                       batch_size=self.batch_size, lr=self.lr),
            seed=self.seed, device=self.device, cache_dir=self.cache_dir,
        )
        self.method_ = make_method(config.method, config.n_clusters, config.seed, config.method_options)
        self.autoencoder_ = new_autoencoder(data, config)
        recording = Recording(RunStore(self.store) if self.record else None, data, config, origin="python",
                              autoencoder=self.autoencoder_)
        snapshots = train(data, config, method=self.method_, autoencoder=self.autoencoder_)
        self.history_ = [s.for_display() for s in recorded(snapshots, recording)]
        self.run_id_ = recording.run_id
        self.labels_ = np.asarray(self.method_.assign(self._embed(data.X)))
        self.cluster_centers_ = self.method_.centroids()
        self.n_epochs_ = self.history_[-1].epoch
        return self

    def _embed(self, X) -> np.ndarray:
        rows = torch.tensor(np.asarray(X, dtype=np.float32), device=resolve_device(self.device))
        return embed(self.autoencoder_, rows)

    def transform(self, X) -> np.ndarray:
        """The learned embedding f(X), (n, d_emb)."""
        return self._embed(X)

    def predict(self, X) -> np.ndarray:
        return self.method_.predict(self._embed(X))

    def fit_predict(self, X, y=None) -> np.ndarray:
        return self.fit(X).labels_
