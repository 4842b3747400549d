import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.methods.kmeans import kmeans
from deepclust_core.training.loop import embed, new_autoencoder
from deepclust_core.methods import make_method
from deepclust_core.methods.kmeans_friendly import match_centers


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=2)


def run(data, config, **options):
    """Train; the method, the final embedding of every row and the snapshots."""
    method = make_method("kmeans-friendly", config.n_clusters, config.seed, options)
    autoencoder = new_autoencoder(data, config)
    snapshots = list(train(data, config, method=method, autoencoder=autoencoder))
    return method, embed(autoencoder, torch.tensor(data.X)), snapshots


def cell_means(H, centers):
    labels = ((H[:, None] - centers[None]) ** 2).sum(-1).argmin(1)
    return np.stack([H[labels == k].mean(0) for k in range(len(centers))]), labels


def test_on_easy_blobs(blobs, small_config):
    _, _, snapshots = run(blobs, small_config(pretrain_epochs=20, cluster_epochs=3))
    last = snapshots[-1]
    assert last.metrics["acc"] >= 0.9 and last.labels.max() < 4
    assert all(np.isfinite(v) for v in last.losses.values()) and last.view.coords.shape == (200, 4)
    assert last.scalars["k-means runs"] == 4.0  # the initial one and one per epoch


def test_centroids_are_a_k_means_of_the_embedding_after_each_epoch(blobs, small_config):
    config = small_config(pretrain_epochs=3, cluster_epochs=2, use_cache=False)
    method, H, _ = run(blobs, config)
    centers = method.centroids()
    means, labels = cell_means(H, centers)
    assert np.allclose(centers, means, atol=1e-4)  # a fixed point of Lloyd's iteration
    inertia = ((H - centers[labels]) ** 2).sum()
    fresh = kmeans(H, 4, seed=0, n_init=10)
    assert inertia <= ((H - fresh.centers[fresh.labels]) ** 2).sum() * 1.001
    assert method.parameters() == [] and not method.representatives.requires_grad  # frozen within an epoch


def test_without_reinit_the_centroids_drift_and_it_is_dkm(blobs, small_config):
    config = small_config(pretrain_epochs=3, cluster_epochs=2, use_cache=False)
    method, H, snapshots = run(blobs, config, reinit=False)
    means, _ = cell_means(H, method.centroids())
    assert np.abs(method.centroids() - means).max() > 1e-3  # not reset to a k-means solution
    dkm = list(train(blobs, small_config(pretrain_epochs=3, cluster_epochs=2, use_cache=False, method="dkm")))
    assert np.array_equal(snapshots[-1].labels, dkm[-1].labels)
    assert np.allclose(snapshots[-1].centroids, dkm[-1].centroids, atol=1e-5)


def test_warm_start_and_trainable_centroids_run(blobs, small_config):
    config = small_config(pretrain_epochs=2, cluster_epochs=1, use_cache=False)
    method, _, snapshots = run(blobs, config, warm_start=True, trainable_centroids=True)
    assert method.parameters() == [method.representatives] and method.representatives.requires_grad
    assert np.isfinite(snapshots[-1].losses["total"])


def test_match_centers_restores_the_order():
    old = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    new = old[[2, 0, 1]] + 0.1
    assert np.allclose(match_centers(new, old), old + 0.1)


def test_same_seed_same_labels(blobs, small_config):
    config = small_config(method="kmeans-friendly", pretrain_epochs=2, cluster_epochs=2, use_cache=False)
    first, second = (list(train(blobs, config))[-1].labels for _ in range(2))
    assert np.array_equal(first, second)


def test_bad_options_are_explained():
    with pytest.raises(ValueError, match="n_init"):
        make_method("kmeans-friendly", 4, options={"n_init": 0})
