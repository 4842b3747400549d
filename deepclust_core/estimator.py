"""A scikit-learn estimator over the same training loop, for notebooks and pipelines.

    model = DeepClusterer(n_clusters=10, method="dekm", seed=0).fit(X)
    model.labels_, model.cluster_centers_, model.transform(X), model.predict(new_rows)

It follows scikit-learn's contract for estimators (https://scikit-learn.org/stable/developers/develop.html):
`__init__` only stores its parameters, so `get_params`, `set_params` and `sklearn.base.clone`
work; `fit` validates X and returns self; `predict` and `transform` raise NotFittedError before
`fit`. X is checked as the CLI and the app check a data set (`DataError`, one line: text cells,
NaN, too few rows for K). Every fit is recorded in the run store (`model.run_id_`), unless
`record=False`.
"""
from __future__ import annotations

from dataclasses import asdict

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .data.dataset import DataError, Dataset, validate_for_clustering
from .recipe.build import config_for
from .runs.recording import RecordedTraining
from .runs.store import RunStore
from .settings.autoencoder import AutoencoderConfig
from .training.loop import embed


class DeepClusterer(ClusterMixin, TransformerMixin, BaseEstimator):
    """Deep clustering with any method of `deepclust_core.catalog.CARDS`.

    Settings left at None (and the method options and autoencoder fields not given) are the method's recipe for
    the data `fit` receives (`deepclust_core.recipe.build.config_for`), as in the CLI and the app, whose
    `train` options the parameters mirror.

    Parameters: `n_clusters` K; `method` a method's name; `method_options` its options (`python -m deepclust_core
    methods` lists them); `autoencoder` AutoencoderConfig fields (kind, hidden, embedding_dim, activation, init) as a
    dict, or a whole AutoencoderConfig; `pretrain_epochs`, `cluster_epochs`, `batch_size`, `lr`; `preset` "paper"
    (the recipe) or "quick" (its quick look); `seed`; `device` "auto", "cpu" or "cuda[:n]"; `cache_dir` and
    `use_cache` for pretrained autoencoders; `image_shape` (channels, height, width) when the rows of an array are
    images; `record` and `store`: save the run in the run store at `store` (None: $DEEPCLUST_HOME, else
    ~/.local/share/deepclust).

    Attributes after `fit`: `labels_`, `cluster_centers_` (K, d_emb; None for a method without centres),
    `n_features_in_`, `config_` (the TrainConfig it trained with), `history_` (a display-size snapshot per epoch),
    `n_epochs_`, `run_id_` (None when not recorded), `method_`, `autoencoder_`.
    """

    def __init__(self, n_clusters: int = 10, *, method: str = "dekm", method_options: dict | None = None,
                 autoencoder: dict | AutoencoderConfig | None = None, pretrain_epochs: int | None = None,
                 cluster_epochs: int | None = None, batch_size: int | None = None, lr: float | None = None,
                 preset: str = "paper", seed: int = 0, device: str = "auto", cache_dir: str | None = None,
                 use_cache: bool = True, image_shape: tuple[int, ...] | None = None, record: bool = True,
                 store: str | None = None):
        self.n_clusters = n_clusters
        self.method = method
        self.method_options = method_options
        self.autoencoder = autoencoder
        self.pretrain_epochs = pretrain_epochs
        self.cluster_epochs = cluster_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.preset = preset
        self.seed = seed
        self.device = device
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.image_shape = image_shape
        self.record = record
        self.store = store

    def fit(self, X, y=None) -> "DeepClusterer":
        """Train on rows X (already scaled as you want them), an array or a `Dataset`; `y` is ignored."""
        data = self._rows(X)
        validate_for_clustering(data, self.n_clusters)
        autoencoder = asdict(self.autoencoder) if isinstance(self.autoencoder, AutoencoderConfig) else self.autoencoder
        config = config_for(
            self.method, self.n_clusters, data=data, preset_name=self.preset, options=self.method_options,
            autoencoder=autoencoder, pretrain_epochs=self.pretrain_epochs, cluster_epochs=self.cluster_epochs,
            batch_size=self.batch_size, lr=self.lr, seed=self.seed, device=self.device, cache_dir=self.cache_dir,
            use_cache=self.use_cache,
        )
        training = RecordedTraining(data, config, RunStore(self.store) if self.record else None, origin="python")
        self.history_ = [snapshot.for_display() for snapshot in training.snapshots()]
        self.config_, self.run_id_ = config, training.run_id
        self.method_, self.autoencoder_ = training.method, training.autoencoder
        self.n_features_in_, self.n_epochs_ = data.n_features, self.history_[-1].epoch
        self.labels_ = np.asarray(self.method_.assign(self._embed(data.X)))
        self.cluster_centers_ = self.method_.centroids()
        return self

    def _rows(self, X) -> Dataset:
        """X as a Dataset, checked as the CLI checks a file: DataError (one line) for text, NaN, sparse, ..."""
        if isinstance(X, Dataset):
            return X
        if issparse(X):
            raise DataError("X is a sparse matrix, which is not supported: pass dense rows (X.toarray())")
        return Dataset(X=X, y=None, name="array", image_shape=self.image_shape)

    def _embed(self, X) -> np.ndarray:
        rows = self._rows(X).X
        if rows.shape[1] != self.n_features_in_:
            raise DataError(f"X has {rows.shape[1]} features, but DeepClusterer is expecting "
                            f"{self.n_features_in_} features as input")
        device = next(self.autoencoder_.parameters()).device
        return embed(self.autoencoder_, torch.tensor(rows, device=device))

    def transform(self, X) -> np.ndarray:
        """The learned embedding f(X), (n, d_emb)."""
        check_is_fitted(self)
        return self._embed(X)

    def predict(self, X) -> np.ndarray:
        """The cluster of each row of X, as the method assigns new rows (the nearest centre for most)."""
        check_is_fitted(self)
        return self.method_.predict(self._embed(X))
