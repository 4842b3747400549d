"""k-means restarts one at a time (methods/kmeans.py): the same result as scikit-learn's n_init, with a pause
point between restarts that holds while a run is paused and ends the restarts on Stop."""
import threading

import numpy as np
import pytest
from sklearn.cluster import KMeans

from deepclust_core import TrainingControl
from deepclust_core.methods.kmeans import kmeans, same_partition


@pytest.fixture(scope="module")
def H():
    rng = np.random.default_rng(1)  # 12 blobs for 10 clusters: restarts end in different minima
    return (rng.normal(size=(600, 5)) + np.repeat(rng.normal(size=(12, 5)) * 2, 50, axis=0)).astype(np.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n_init", [1, 3, 10])
def test_restarts_one_at_a_time_give_scikit_learns_result(H, seed, n_init):
    reference = KMeans(n_clusters=10, n_init=n_init, random_state=seed).fit(H.astype(np.float64))
    ours = kmeans(H, 10, seed, n_init=n_init)
    assert np.array_equal(ours.labels, reference.labels_)
    assert np.array_equal(ours.centers, reference.cluster_centers_.astype(np.float32))
    assert ours.n_iter == reference.n_iter_


def test_same_partition_ignores_the_cluster_ids():
    assert same_partition(np.array([0, 0, 1, 2]), np.array([2, 2, 0, 1]))
    assert not same_partition(np.array([0, 0, 1, 2]), np.array([2, 1, 0, 1]))


def test_a_pause_holds_between_restarts_and_resume_gives_the_same_result(H):
    control, calls, results = TrainingControl(), [], []

    def pause_point():
        calls.append(1)
        if len(calls) == 1:
            control.pause()  # Pause pressed during the first restart
        return control.should_stop()

    worker = threading.Thread(target=lambda: results.append(kmeans(H, 10, 0, n_init=5, pause_point=pause_point)))
    worker.start()
    worker.join(timeout=1.0)
    assert worker.is_alive() and len(calls) == 1 and results == []  # held before the second restart
    control.resume()
    worker.join(timeout=60)
    assert np.array_equal(results[0].labels, kmeans(H, 10, 0, n_init=5).labels)
    assert len(calls) == 4  # between each pair of the 5 restarts


def test_stop_keeps_the_best_restart_so_far(H):
    stopped = kmeans(H, 10, 0, n_init=10, pause_point=lambda: True)
    assert np.array_equal(stopped.labels, kmeans(H, 10, 0, n_init=1).labels)
