import threading
from dataclasses import replace
from itertools import islice

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score

from conftest import SMALL_AE
from deepclust_core import TrainingControl, TrainingDiverged, load_dataset, train
from deepclust_core.catalog.dekm import DEKMConfig
from deepclust_core.methods.dekm import DEKM


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=400, noise=0.0, seed=0)


def test_pretraining_then_clustering_snapshots(blobs, small_config):
    snapshots = list(train(blobs, small_config(pretrain_epochs=3, cluster_epochs=2)))
    phases = [(s.phase, s.epoch) for s in snapshots]
    assert phases[:3] == [("pretrain", 1), ("pretrain", 2), ("pretrain", 3)]
    assert phases[3] == ("cluster", 0) and phases[-1][0] == "cluster"
    last = snapshots[-1]
    assert set(last.metrics) == {"acc", "nmi", "ari"} and "total" in last.losses
    assert last.embedding.shape == (200, 4) and len(last.display_index) == 200
    assert last.labels.shape == (400,) and last.cluster_sizes.sum() == 400
    assert last.reference_metrics and not last.embedding.flags.writeable


def test_islice_stops_cleanly(blobs, small_config):
    assert [s.phase for s in islice(train(blobs, small_config()), 2)] == ["pretrain", "pretrain"]


def test_same_seed_same_labels(blobs, small_config):
    first = list(train(blobs, small_config(use_cache=False)))[-1].labels
    second = list(train(blobs, small_config(use_cache=False)))[-1].labels
    assert np.array_equal(first, second)


@pytest.mark.parametrize("method", ["dec", "depict"])
def test_a_cached_pretraining_clusters_as_a_fresh_one(blobs, small_config, method):
    """Same seed, same clustering, whether the autoencoder was pretrained now or read from the cache: the
    clustering phase restarts the batch order (DEC) and torch's random stream (DEPICT's dropout)."""
    autoencoder = SMALL_AE if method == "dec" else replace(SMALL_AE, kind="depict", embedding_dim=4)
    config = small_config(method=method, autoencoder=autoencoder, pretrain_epochs=3, cluster_epochs=3)
    fresh = list(train(blobs, config))
    cached = list(train(blobs, config))
    assert len(cached) < len(fresh)  # the second run read its autoencoder from the cache
    # the same partition; its cluster ids follow each run's own earlier epochs, which the cache leaves out
    assert adjusted_rand_score(fresh[-1].labels, cached[-1].labels) == 1.0
    assert fresh[-1].losses == cached[-1].losses
    assert np.allclose(fresh[-1].embedding, cached[-1].embedding, atol=1e-4)


def test_pretraining_cache_is_hit_on_second_run(blobs, small_config):
    config = small_config(pretrain_epochs=4, cluster_epochs=1)
    first = [s for s in train(blobs, config) if s.phase == "pretrain"]
    second = [s for s in train(blobs, config) if s.phase == "pretrain"]
    assert len(first) == 4 and len(second) == 1 and second[0].scalars["cached"] == 1.0
    assert np.allclose(first[-1].embedding, second[0].embedding, atol=1e-5)


def test_pretraining_reuses_the_training_forward_pass(blobs, small_config, monkeypatch):
    """Only the first and last pretraining epochs embed every row again; the others keep their batches' embeddings."""
    from deepclust_core.training import loop

    calls = []  # rows embedded by each call
    original = loop.embed
    monkeypatch.setattr(loop, "embed", lambda ae, X, **kwargs: calls.append(len(X)) or original(ae, X, **kwargs))
    snapshots = list(islice(train(blobs, small_config(pretrain_epochs=4, cluster_epochs=1, display_size=50,
                                                      use_cache=False)), 4))
    assert [s.phase for s in snapshots] == ["pretrain"] * 4
    # epochs 2 and 3 embed only the display rows again (blobs has two columns: each snapshot's input plane sends
    # its grid through the encoder on its own, training/input_plane.py, not through a pass over the rows)
    assert calls == [400, 50, 50, 400] and all(s.plane is not None for s in snapshots)
    assert all(np.isfinite(s.embedding).all() and s.embedding.std() > 0 for s in snapshots)


def test_stop_takes_effect_within_one_batch(blobs, small_config):
    control = TrainingControl()
    batches = []

    class CountingDEKM(DEKM):
        def batch_loss(self, x, index, ctx):
            batches.append(len(index))
            if len(batches) == 3:
                control.stop()
            return super().batch_loss(x, index, ctx)

    method = CountingDEKM(DEKMConfig(), 4, 0)
    snapshots = list(train(blobs, small_config(pretrain_epochs=1, cluster_epochs=50), control, method=method))
    assert len(batches) == 3  # no batch after the one during which Stop was pressed
    assert snapshots[-1].phase == "cluster" and snapshots[-1].epoch == 0


def test_pause_blocks_until_resume(blobs, small_config):
    control = TrainingControl()
    control.pause()
    results = []
    worker = threading.Thread(target=lambda: results.extend(train(blobs, small_config(cluster_epochs=1), control)))
    worker.start()
    worker.join(timeout=1.0)
    assert worker.is_alive() and results == []
    control.resume()
    worker.join(timeout=60)
    assert not worker.is_alive() and results[-1].phase == "cluster"


def test_nan_loss_raises_diverged_and_keeps_history(blobs, small_config):
    class Exploding(DEKM):
        def batch_loss(self, x, index, ctx):
            terms = super().batch_loss(x, index, ctx)
            return {**terms, "total": terms["total"] * torch.tensor(float("nan"))}

    history = []
    with pytest.raises(TrainingDiverged, match="NaN or infinite in clustering epoch 1"):
        for snapshot in train(blobs, small_config(), method=Exploding(DEKMConfig(), 4, 0)):
            history.append(snapshot)
    assert history[-1].phase == "cluster" and history[-1].epoch == 0


def test_device_auto_detection(monkeypatch):
    import torch

    from deepclust_core.training.loop import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu") and resolve_device("cuda:1") == torch.device("cuda:1")


def test_a_run_beside_the_page_leaves_a_core_on_small_machines():
    from deepclust_core.training.cores import threads_beside_the_page

    assert [threads_beside_the_page(cores) for cores in (1, 2, 4, 8)] == [1, 1, 3, 8]


def test_pause_holds_a_methods_kmeans_set_up(blobs, small_config):
    """Pause pressed while DEKM's first update runs (its 100 k-means restarts take minutes on 70,000 rows on a
    busy machine) holds before the next restart, not only before the next batch."""
    control, results, in_setup = TrainingControl(), [], threading.Event()

    class PausedInSetUp(DEKM):
        def setup(self, ctx):
            control.pause()
            in_setup.set()
            super().setup(ctx)

    method = PausedInSetUp(DEKMConfig(first_n_init=50), 4, 0)
    worker = threading.Thread(target=lambda: results.extend(
        train(blobs, small_config(pretrain_epochs=1, cluster_epochs=1), control, method=method)))
    worker.start()
    assert in_setup.wait(timeout=120)
    worker.join(timeout=2.0)
    assert worker.is_alive() and method.n_updates == 0  # held inside the set-up's k-means
    control.resume()
    worker.join(timeout=120)
    assert not worker.is_alive() and results[-1].phase == "cluster"


def test_embed_offers_a_pause_point_between_chunks(blobs, small_config):
    from deepclust_core.training.loop import embed, new_autoencoder

    config = small_config()
    calls = []
    H = embed(new_autoencoder(blobs, config), torch.tensor(blobs.X), batch_size=100,
              pause_point=lambda: calls.append(1))
    assert H.shape[0] == 400 and len(calls) == 3
