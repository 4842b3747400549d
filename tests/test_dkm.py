import math

import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.catalog.dkm import DKMConfig
from deepclust_core.methods import make_method
from deepclust_core.evaluation.metrics import cluster_accuracy
from deepclust_core.methods.dkm import alpha_schedule, dkm_loss, soft_assignment


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=1)


def test_dkm_on_easy_blobs(blobs, small_config):
    snapshots = list(train(blobs, small_config(method="dkm", pretrain_epochs=20, cluster_epochs=3)))
    last = snapshots[-1]
    assert last.phase == "cluster" and last.epoch == 3
    assert last.metrics["acc"] >= 0.9
    assert all(np.isfinite(v) for s in snapshots for v in s.losses.values())
    assert set(last.losses) == {"reconstruction", "k-means", "total"}
    assert last.labels.shape == (300,) and last.labels.max() < 4
    assert last.view.coords.shape == (200, 4) and last.view.axis_names[0] == "distance to r1"
    assert np.all(last.view.coords >= 0) and last.view.default_axes[0] != last.view.default_axes[1]
    assert last.centroids.shape == (4, 4) and last.scalars["alpha"] == 1000.0


def test_same_seed_same_labels(blobs, small_config):
    config = small_config(method="dkm", pretrain_epochs=2, cluster_epochs=2, use_cache=False)
    first, second = (list(train(blobs, config))[-1].labels for _ in range(2))
    assert np.array_equal(first, second)


def test_loss_terms_by_hand():
    x = torch.tensor([[1.0, 2.0], [0.0, 0.0]])
    x_hat = torch.tensor([[1.0, 0.0], [1.0, 1.0]])  # squared errors per row: 4 and 2
    h = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    reps = torch.tensor([[0.0, 0.0], [2.0, 0.0]])  # f = [[0, 4], [1, 1]]
    terms = dkm_loss(x, x_hat, h, reps, alpha=1.0, lam=0.5)
    g_far = math.exp(-4) / (1 + math.exp(-4))  # G of the far representative for the first point
    k_means = (0 * (1 - g_far) + 4 * g_far + (1 * 0.5 + 1 * 0.5)) / 2
    assert terms["reconstruction"].item() == pytest.approx(3.0)
    assert terms["k-means"].item() == pytest.approx(k_means, rel=1e-5)
    assert terms["total"].item() == pytest.approx(3.0 + 0.5 * k_means, rel=1e-5)


def test_large_alpha_is_stable_and_hard():
    h = torch.tensor([[0.0, 0.0], [3.0, 0.0]])
    reps = torch.tensor([[0.1, 0.0], [2.0, 0.0]])
    f, G = soft_assignment(h, reps, alpha=1000.0)  # exp(-1000 f) underflows without the shift
    assert torch.isfinite(G).all() and torch.equal(G.argmax(1), f.argmin(1))
    assert torch.allclose(G, torch.tensor([[1.0, 0.0], [0.0, 1.0]]))


def test_gradient_flows_through_the_softmax_weights():
    torch.manual_seed(0)
    h = torch.randn(6, 3)
    reps = torch.randn(3, 3, requires_grad=True)
    f, G = soft_assignment(h, reps, alpha=0.5)
    full = torch.autograd.grad((f * G).sum(1).mean(), reps, retain_graph=True)[0]
    through_f_only = torch.autograd.grad((f * G.detach()).sum(1).mean(), reps)[0]
    assert not torch.allclose(full, through_f_only, atol=1e-4)


def test_alpha_schedules():
    annealed = alpha_schedule(DKMConfig(schedule="annealed"))
    assert len(annealed) == 40 and annealed[0] == 0.1
    assert annealed[1] == pytest.approx(0.1 * 2 ** (1 / math.log(2) ** 2))
    assert annealed[2] == pytest.approx(annealed[1] * 2 ** (1 / math.log(3) ** 2))
    assert np.array_equal(alpha_schedule(DKMConfig()), np.full(20, 1000.0))


def test_annealed_run_stops_with_its_schedule(blobs, small_config):
    options = {"schedule": "annealed", "n_alphas": 2, "epochs_per_alpha": 1, "init": "uniform"}
    snapshots = [s for s in train(blobs, small_config(method="dkm", method_options=options, pretrain_epochs=1,
                                                      cluster_epochs=6)) if s.phase == "cluster"]
    assert [s.epoch for s in snapshots] == [0, 1, 2] and snapshots[-1].converged
    alphas = [s.scalars["alpha"] for s in snapshots]
    assert alphas == pytest.approx([0.1, 0.1, 0.1 * 2 ** (1 / math.log(2) ** 2)])
    assert np.all(np.abs(snapshots[0].centroids) <= 1)  # uniform in [-1, 1] before training


@pytest.mark.parametrize("options", [{"schedule": "fast"}, {"lam": -1.0}, {"alpha": 0.0}, {"epochs_per_alpha": 0}])
def test_bad_options_are_explained(options):
    with pytest.raises(ValueError):
        make_method("dkm", 4, options=options)


def test_snapshots_use_the_batches_embeddings_but_the_last_is_exact(blobs, small_config, monkeypatch):
    """DKM's epoch end ignores H, so its snapshots skip the extra pass over every row, except the last."""
    from deepclust_core.training import loop
    from deepclust_core.training.loop import embed, new_autoencoder

    calls = []  # rows embedded by each call
    original = loop.embed
    monkeypatch.setattr(loop, "embed", lambda ae, X, **kwargs: calls.append(len(X)) or original(ae, X, **kwargs))
    config = small_config(method="dkm", pretrain_epochs=2, cluster_epochs=4, display_size=50, use_cache=False)
    method = make_method("dkm", 4, config.seed)
    autoencoder = new_autoencoder(blobs, config)
    snapshots = list(train(blobs, config, method=method, autoencoder=autoencoder))
    assert [s.epoch for s in snapshots if s.phase == "cluster"] == [0, 1, 2, 3, 4]
    # pretraining epochs 1 and 2; the reference and the k-means init; epochs 1 to 3 only the display rows; the last
    # (blobs has two columns: each snapshot's input plane sends its grid through the encoder on its own)
    assert calls == [300, 300, 300, 300, 50, 50, 50, 300] and all(s.plane is not None for s in snapshots)
    exact = method.assign(embed(autoencoder, torch.tensor(blobs.X)))
    assert cluster_accuracy(exact, snapshots[-1].labels) == 1.0  # the same partition, ids aligned differently
