"""deepclust_core: deep clustering methods behind one streaming training loop.

    from deepclust_core import load_dataset, train, TrainConfig
    data = load_dataset("digits")
    for snapshot in train(data, TrainConfig(n_clusters=10, method="dekm")):
        print(snapshot.step_name, snapshot.metrics)

The package never imports streamlit: everything the app shows comes from here.
"""
from .autoencoder import AutoencoderConfig
from .config import TrainConfig
from .control import TrainingControl
from .dataset import DataError, Dataset, validate_for_clustering
from .loaders import load_dataset
from .loop import TrainingDiverged, train
from .methods import METHODS, make_method
from .metrics import cluster_accuracy, clustering_scores
from .sklearn_api import DeepClusterer
from .snapshot import ClusterView, Snapshot

__all__ = [
    "AutoencoderConfig", "ClusterView", "DataError", "Dataset", "DeepClusterer", "METHODS", "Snapshot",
    "TrainConfig", "TrainingControl", "TrainingDiverged", "cluster_accuracy", "clustering_scores",
    "load_dataset", "make_method", "train", "validate_for_clustering",
]
