"""deepclust_core: deep clustering methods behind one streaming training loop.

    from deepclust_core import load_dataset, train, TrainConfig
    data = load_dataset("digits")
    for snapshot in train(data, TrainConfig(n_clusters=10, method="dekm")):
        print(snapshot.step_name, snapshot.metrics)

The package never imports streamlit: everything the app shows comes from here.
"""
from importlib import import_module

_EXPORTS = {  # name -> module; imported on first use, so `deepclust_core.projection` stays light (no torch)
    "AutoencoderConfig": "settings.autoencoder", "TrainConfig": "settings.train", "TrainingControl": "training.control",
    "DataError": "data.dataset", "Dataset": "data.dataset", "validate_for_clustering": "data.dataset",
    "load_dataset": "data.loaders", "TrainingDiverged": "training.loop", "train": "training.loop",
    "METHODS": "methods", "make_method": "methods", "cluster_accuracy": "evaluation.metrics",
    "clustering_scores": "evaluation.metrics", "DeepClusterer": "estimator", "ClusterView": "projection.cluster_view",
    "Snapshot": "training.snapshot", "RunStore": "runs.store", "StoredRun": "runs.stored_run",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'deepclust_core' has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = [
    "AutoencoderConfig", "ClusterView", "DataError", "Dataset", "DeepClusterer", "METHODS", "RunStore", "Snapshot",
    "StoredRun", "TrainConfig", "TrainingControl", "TrainingDiverged", "cluster_accuracy", "clustering_scores",
    "load_dataset", "make_method", "train", "validate_for_clustering",
]
