"""The input plane (data of two columns): every epoch's grid is assigned by the rule that assigns new rows
(a stored run's predict), it changes as the model learns, it is kept by the run store, and only 2-column data
has one."""
import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.runs.store.files import plane_from, snapshot_arrays
from deepclust_core.training.input_plane import PLANE_SIZE
from deepclust_core.training.loop import embed, new_autoencoder


@pytest.fixture(scope="module")
def moons():
    return load_dataset("moons", n_samples=300, noise=0.05)


def trained(data, config):
    autoencoder = new_autoencoder(data, config)
    return autoencoder, list(train(data, config, autoencoder=autoencoder))


@pytest.mark.parametrize("method", ["dekm", "dec", "dkm"])
def test_the_grid_is_assigned_as_predict_assigns_new_rows(moons, small_config, method):
    config = small_config(method=method, n_clusters=2, pretrain_epochs=3, cluster_epochs=3, display_size=100)
    autoencoder, snapshots = trained(moons, config)
    last = snapshots[-1]
    plane = last.plane
    assert plane.clusters.shape == (PLANE_SIZE, PLANE_SIZE) and plane.clusters.dtype == np.uint8
    predicted, _ = last.rows.assigner.assign(embed(autoencoder, torch.tensor(plane.points())), config)  # runs/predict.py
    assert np.array_equal(plane.clusters.ravel(), predicted)
    assert plane.centres.shape == (2, 2)
    low, high = moons.X.min(axis=0), moons.X.max(axis=0)
    assert plane.x[0] < low[0] and plane.x[-1] > high[0] and plane.y[0] < low[1] and plane.y[-1] > high[1]


def test_the_plane_changes_as_the_model_learns_and_the_store_keeps_it(moons, small_config):
    config = small_config(method="dekm", n_clusters=2, pretrain_epochs=4, cluster_epochs=4, display_size=100)
    _, snapshots = trained(moons, config)
    assert all(s.plane is not None for s in snapshots)  # every epoch, both phases
    first, last = snapshots[0].plane.clusters, snapshots[-1].plane.clusters
    assert (first != last).mean() > 0.01
    kept = plane_from(snapshot_arrays(snapshots[-1], "float16"))
    assert np.array_equal(kept.clusters, last) and np.array_equal(kept.x, snapshots[-1].plane.x)
    assert np.allclose(kept.centres, snapshots[-1].plane.centres)


def test_only_data_of_two_columns_has_a_plane(small_config):
    digits = load_dataset("digits").subsample(200, seed=0)
    _, snapshots = trained(digits, small_config(n_clusters=10, pretrain_epochs=1, cluster_epochs=1, display_size=50))
    assert all(s.plane is None for s in snapshots)
    assert plane_from(snapshot_arrays(snapshots[-1], "float16")) is None


def test_a_refined_grid_classifies_few_points_and_finds_the_full_grids_borders():
    from deepclust_core.training.input_plane import plane_axes, refined_clusters

    x, y = plane_axes(np.array([[-1.0, -1.0], [1.0, 1.0]]))
    classified = []

    def classify(points):  # three clusters: a disc, and the two halves of the rest
        classified.append(len(points))
        inside = (points ** 2).sum(axis=1) < 0.3
        return np.where(inside, 2, (points[:, 0] > points[:, 1]).astype(int))

    full = refined_clusters(classify, x, y, 1)
    assert sum(classified) == PLANE_SIZE ** 2 and set(np.unique(full)) == {0, 1, 2}
    classified.clear()
    refined = refined_clusters(classify, x, y, 16)
    assert np.array_equal(refined, full)
    assert sum(classified) < 0.25 * PLANE_SIZE ** 2


@pytest.mark.parametrize("method", ["dec", "aecm"])  # AE-CM's rule is a torch module: it stays in float32
def test_a_large_network_gets_a_refined_plane_and_a_larger_one_none(moons, small_config, method):
    from deepclust_core import AutoencoderConfig
    from deepclust_core.training.input_plane import input_plane, plane_step

    small = new_autoencoder(moons, small_config(n_clusters=2))
    config = small_config(method=method, n_clusters=2, pretrain_epochs=1, cluster_epochs=1, display_size=50,
                          autoencoder=AutoencoderConfig(hidden=(500, 500, 2000)))
    paper, snapshots = trained(moons, config)
    huge = new_autoencoder(moons, small_config(n_clusters=2, autoencoder=AutoencoderConfig(hidden=(2000, 2000, 4000))))
    assert plane_step(small) == 1 and plane_step(paper) > 1 and plane_step(huge) is None
    last = snapshots[-1]
    every_point = input_plane(paper, (last.plane.x, last.plane.y), lambda H: last.rows.assigner.assign(H, config)[0],
                              None, step=1)
    assert (last.plane.clusters != every_point.clusters).mean() < 0.01  # bfloat16 moves a border by a point or so
