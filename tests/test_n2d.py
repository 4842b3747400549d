import numpy as np
import pytest
import torch

from deepclust_core import AutoencoderConfig, TrainConfig, load_dataset, train
from deepclust_core.catalog.n2d import N2DConfig
from deepclust_core.training.loop import embed, new_autoencoder
from deepclust_core.methods import make_method


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=1)


def trained(data, **options):
    """The method, autoencoder and snapshots of one short N2D run (20 pretraining epochs, no cache)."""
    config = TrainConfig(n_clusters=4, method="n2d", method_options=options, pretrain_epochs=20, batch_size=64,
                         autoencoder=AutoencoderConfig(hidden=(32, 32, 64), embedding_dim=4), display_size=200,
                         use_cache=False)
    method = make_method("n2d", config.n_clusters, config.seed, options)
    autoencoder = new_autoencoder(data, config)
    return method, autoencoder, list(train(data, config, method=method, autoencoder=autoencoder))


@pytest.fixture(scope="module")
def run(blobs):
    return trained(blobs)


def test_clusters_easy_blobs_in_one_step(run):
    _, _, snapshots = run
    clustering = [s for s in snapshots if s.phase == "cluster"]
    assert [s.epoch for s in clustering] == [0]  # no clustering epochs
    last = clustering[0]
    assert last.labels.shape == (300,) and last.labels.min() >= 0 and last.labels.max() < 4
    assert last.metrics["acc"] >= 0.9 and last.centroids is None
    view = last.view
    assert view.coords.shape == (200, 4) and view.axis_names[0] == "manifold PC1"  # 4-D manifold (K = 4)
    assert view.centroids.shape == (4, 4) and "UMAP" in view.title
    assert view.point_values.shape == (200,) and np.all((view.point_values >= 0.25 - 1e-6) & (view.point_values <= 1 + 1e-6))
    assert 0.25 <= last.scalars["mean confidence"] <= 1.0


def test_same_seed_same_labels(blobs, small_config):
    config = small_config(method="n2d", pretrain_epochs=2, use_cache=False)
    first, second = (list(train(blobs, config))[-1].labels for _ in range(2))
    assert np.array_equal(first, second)


def test_predicts_new_rows_through_the_manifold(blobs, run):
    method, autoencoder, _ = run
    H = embed(autoencoder, torch.tensor(blobs.X))
    labels = method.predict(H)
    assert np.array_equal(labels, method.assign(H))  # training rows keep their fitted coordinates
    rng = np.random.default_rng(0)
    new = H[:60] + rng.normal(scale=0.01 * H.std(), size=(60, H.shape[1])).astype(np.float32)  # no training row
    U = method.manifold(new)
    assert U.shape == (60, 4) and np.all(np.isfinite(U))
    predicted = method.predict(new)
    assert predicted.shape == (60,) and predicted.max() < 4
    assert np.mean(predicted == labels[:60]) >= 0.9  # a slightly moved row stays in its cluster


def test_a_two_dimensional_manifold_is_shown_on_its_own_axes(blobs):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as a run beside the page on a small machine (live.py)
    try:
        _, _, snapshots = trained(blobs, umap_dim=2, covariance="diag")
        assert torch.get_num_threads() == 1  # UMAP (numba's OpenMP layer) left PyTorch's threads alone
    finally:
        torch.set_num_threads(threads)
    view = snapshots[-1].view
    assert view.axis_names == ("UMAP 1", "UMAP 2") and view.coords.shape == (200, 2)
    assert view.centroids.shape == (4, 2) and view.spectrum is None


@pytest.mark.parametrize("options", [{"covariance": "round"}, {"umap_dim": 1}, {"n_neighbors": 1},
                                     {"min_dist": -0.1}, {"n_init": 0}, {"metric": "hamming"}])
def test_bad_options_are_refused(options):
    with pytest.raises(ValueError):
        N2DConfig(**options)
