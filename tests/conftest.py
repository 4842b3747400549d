import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from deepclust_core.projection.umap import compiled_code_folder  # noqa: E402

# UMAP's compiled code: in the user's folder, where the app keeps it, shared by every test process and every app
# server the tests start (each server has its own DEEPCLUST_CACHE). It belongs to the installed umap-learn and numba,
# not to a checkout: a clone's first test run loads what the machine compiled before (about 25 s of a core saved).
os.environ.setdefault("NUMBA_CACHE_DIR", str(compiled_code_folder()))
os.environ.setdefault("DEEPCLUST_CACHE", str(Path(__file__).resolve().parents[1] / ".cache" / "test-pretrain"))

from deepclust_core import AutoencoderConfig, TrainConfig  # noqa: E402

SMALL_AE = AutoencoderConfig(hidden=(32, 32, 64), embedding_dim=4)


@pytest.fixture(autouse=True, scope="session")
def one_thread_per_pool():
    """One thread for PyTorch and for the OpenMP and BLAS pools (scikit-learn's k-means) of the test process,
    as a run beside the page takes on a small machine (deepclust_core/training/cores.py). The tests train tiny
    networks, whose threads mostly wait for each other: on a loaded 2-core machine (load 11 to 17) tests/test_aecm.py
    took 122 s with the default 2 threads and 28 s with 1, tests/test_dekm.py 155 s and 30 s, and a fifth of the
    CPU time. Servers and other processes the tests start choose their own threads, as for a user."""
    import sklearn.cluster  # noqa: F401 - loads scikit-learn's OpenMP library, for threadpool_limits to find
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(1)


@pytest.fixture(autouse=True)
def no_trial_beside_the_page(monkeypatch):
    """AppTest pages give the first estimate of a run's length without timing a trial of the settings.

    The Train page times a trial of long settings in a process of its own (ui/run_estimate.py); in the fast lane
    the pages started about 65 of them, 63 s of CPU beside tests that never read the line, a quarter of the lane's
    CPU on 2 cores. The trial itself is tested in tests/test_duration.py; the browser tests' servers time it, as
    for a user."""
    monkeypatch.setattr("ui.run_estimate.TRIAL_ABOVE_SECONDS", float("inf"))


@pytest.fixture(autouse=True, scope="session")
def private_run_store(tmp_path_factory):
    """Every run the tests record (app, CLI, Python API) goes to a temporary store, never the user's."""
    os.environ["DEEPCLUST_HOME"] = str(tmp_path_factory.mktemp("deepclust-home"))


@pytest.fixture
def small_config(tmp_path):
    """A quick TrainConfig (small autoencoder, few epochs, private cache)."""

    def make(**changes) -> TrainConfig:
        settings = dict(n_clusters=4, method="dekm", autoencoder=SMALL_AE, pretrain_epochs=5, cluster_epochs=5,
                        batch_size=64, cache_dir=str(tmp_path / "cache"), display_size=200)
        settings.update(changes)
        return TrainConfig(**settings)

    return make


@pytest.fixture(scope="session")
def tiny_run():
    """One short run trained once per session: its data, config, snapshots and the autoencoder's
    weights as each snapshot was yielded (for tests of the run store, exports and branching)."""
    from types import SimpleNamespace

    from deepclust_core import load_dataset, train
    from deepclust_core.training.loop import new_autoencoder

    data = load_dataset("blobs", n_samples=160, noise=0.05)
    config = TrainConfig(n_clusters=4, autoencoder=SMALL_AE, pretrain_epochs=3, cluster_epochs=3, batch_size=64,
                         display_size=100, use_cache=False)
    autoencoder = new_autoencoder(data, config)
    snapshots, weights = [], []
    for snapshot in train(data, config, autoencoder=autoencoder):
        snapshots.append(snapshot)
        weights.append({name: tensor.clone() for name, tensor in autoencoder.state_dict().items()})
    return SimpleNamespace(data=data, config=config, snapshots=snapshots, weights=weights, autoencoder=autoencoder)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per browser-test module."""
    from browser_harness import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app's server on a free port with its own pretraining cache, one for the session, shared by the
    browser-test modules that need no fresh one (a start and the first page's imports cost each module seconds);
    its URL. Its run store is the session's (private_run_store), as every server's is. A module that needs a
    server of its own (an empty cache, its own run store, a first request of its own) uses `fresh_server` or
    browser_support.app_server. What a module leaves on it (its runs, its pretrained autoencoders in the cache)
    must not change what another module sees: each picks its own settings and reads its own runs."""
    from browser_support import app_server

    with app_server(tmp_path_factory.mktemp("cache")) as url:
        yield url


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """The app's server on a free port with its own pretraining cache, for one module; its URL."""
    from browser_support import app_server

    with app_server(tmp_path_factory.mktemp("cache")) as url:
        yield url
