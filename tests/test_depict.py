from dataclasses import asdict

import numpy as np
import pytest
import torch

from deepclust_core import AutoencoderConfig, load_dataset, train
from deepclust_core.catalog.depict import DEPICTConfig
from deepclust_core.methods import TrainingContext, make_method
from deepclust_core.methods.depict import target_distribution
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.networks.depict import conv_geometry
from deepclust_core.recipe.build import config_for
from deepclust_core.training.loop import embed

DEPICT_MLP = AutoencoderConfig(kind="depict", hidden=(16, 16), embedding_dim=4)


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=0)


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", subsample=150, seed=0)


def test_both_targets_by_hand():
    P = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])  # cluster frequencies f = (1.7, 1.3)
    a, b = 0.9 ** 2 / 1.7, 0.1 ** 2 / 1.3
    assert np.allclose(target_distribution(P, "reference")[0], [a / (a + b), b / (a + b)])
    a, b = 0.9 / np.sqrt(1.7), 0.1 / np.sqrt(1.3)
    assert np.allclose(target_distribution(P, "paper")[0], [a / (a + b), b / (a + b)])
    for formula in ("reference", "paper"):
        assert np.allclose(target_distribution(P, formula).sum(axis=1), 1.0)
    # the square root divides less: the paper's target sharpens less than the reference's
    assert target_distribution(P, "paper")[1, 0] < target_distribution(P, "reference")[1, 0]


def test_loss_terms_by_hand_on_a_plain_autoencoder(blobs):
    torch.manual_seed(0)
    ae = build_autoencoder(AutoencoderConfig(hidden=(8,), embedding_dim=3), 2, None)  # no dropout: both paths agree
    X = torch.tensor(blobs.X)
    ctx = TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0)
    method = make_method("depict", 4, options={"warmup_patience": 0, "n_init": 2})
    method.setup(ctx)
    index = torch.arange(5)
    terms = method.batch_loss(X[index], index, ctx)
    h, x_hat = ae(X[index])
    p = torch.softmax(h @ method.theta + method.bias, dim=1)
    cross_entropy = -(method.q[index] * torch.log(p)).sum(dim=1).mean()
    reconstruction = ((x_hat - X[index]) ** 2).mean()
    assert terms["cross-entropy"].item() == pytest.approx(cross_entropy.item(), rel=1e-5)
    assert terms["reconstruction (input)"].item() == pytest.approx(reconstruction.item(), rel=1e-5)
    assert terms["reconstruction (hidden)"].item() == 0.0
    assert terms["total"].item() == pytest.approx((cross_entropy + reconstruction).item(), rel=1e-5)
    theta = method.theta.detach().numpy()
    assert np.allclose(np.linalg.norm(theta, axis=0), 1.0) and not method.bias.detach().any()  # unit columns, bias 0


def test_depict_on_easy_blobs(blobs, small_config):
    # the plain MLP (small_config's): DEPICT's head, targets and loss without dropout noise
    config = small_config(method="depict", pretrain_epochs=20, cluster_epochs=12, batch_size=32)
    snapshots = list(train(blobs, config))
    last = snapshots[-1]
    assert last.metrics["acc"] >= 0.9 and last.labels.max() < 4
    assert all(np.isfinite(v) for s in snapshots for v in s.losses.values())
    assert last.view.axis_names[0] == "p(cluster 1)" and last.view.coords.shape == (200, 4)
    assert np.allclose(last.view.coords.sum(axis=1), 1.0, atol=1e-5) and last.view.spectrum.sum() == pytest.approx(1)
    assert "1/K = 0.25" in last.view.spectrum_name and last.view.spectrum_reference == 0.25


def test_conv_network_on_digits(digits, small_config):
    ae = build_autoencoder(AutoencoderConfig(kind="depict", embedding_dim=10), 64, digits.image_shape)
    x = torch.tensor(digits.X[:7])
    clean = ae.eval().encode_layers(x)
    assert [tuple(t.shape) for t in clean] == [(7, 1, 8, 8), (7, 50, 5, 5), (7, 50, 5, 5), (7, 10)]
    assert torch.allclose(clean[0].flatten(1), 2 * x - 1)  # pixels in [-1, 1] inside the network
    decoded = ae.decode_layers(clean[-1])
    assert [t.shape for t in decoded] == [t.shape for t in clean[:-1][::-1]]  # layer-wise pairs
    assert ae(x)[1].shape == (7, 64) and 0 <= ae(x)[1].min() and ae(x)[1].max() <= 1  # data scale
    assert not torch.equal(ae.train().encode_layers(x)[-1], clean[-1])  # dropout: the noisy path differs

    config = small_config(method="depict", n_clusters=10, pretrain_epochs=1, cluster_epochs=1,
                          autoencoder=AutoencoderConfig(kind="depict", embedding_dim=10), batch_size=50)
    last = list(train(digits, config))[-1]
    assert last.epoch == 1 and all(np.isfinite(v) for v in last.losses.values())
    assert last.losses["reconstruction (hidden)"] > 0 and last.view.coords.shape == (150, 10)
    assert last.labels.max() < 10 and last.view.spectrum.shape == (10,)


def test_conv_geometry_follows_the_reference():
    assert [(s, side) for _, s, _, side in conv_geometry(28)] == [(2, 13), (2, 7)]  # MNIST
    assert [(s, side) for _, s, _, side in conv_geometry(16)] == [(2, 7), (2, 4)]  # USPS
    assert [(s, side) for _, s, _, side in conv_geometry(8)] == [(1, 5), (1, 5)]  # 8x8 digits


def test_stops_when_the_target_no_longer_changes(blobs, small_config):
    options = {"warmup_patience": 0, "stop_tolerance": 1.0, "n_init": 2}  # any change is small enough
    config = small_config(method="depict", method_options=options, autoencoder=DEPICT_MLP,
                          pretrain_epochs=1, cluster_epochs=5)
    last = list(train(blobs, config))[-1]
    assert last.epoch == 1 and last.converged and last.scalars["change of Q"] < 1.0


def test_same_seed_same_labels_with_dropout(blobs, small_config):
    config = small_config(method="depict", autoencoder=DEPICT_MLP, pretrain_epochs=2, cluster_epochs=2,
                          use_cache=False, method_options={"target": "paper", "n_init": 2})
    first, second = (list(train(blobs, config))[-1].labels for _ in range(2))
    assert np.array_equal(first, second)


def test_warm_up_on_k_means_labels_ends_without_progress(blobs):
    torch.manual_seed(0)
    ae = build_autoencoder(DEPICT_MLP, 2, None)
    X = torch.tensor(blobs.X)
    ctx = TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0)
    method = make_method("depict", 4, options={"warmup_patience": 2, "n_init": 2})
    method.setup(ctx)
    assert method.warming_up and torch.equal(method.q.argmax(1), torch.as_tensor(method.kmeans_labels))
    assert torch.equal(method.q.sum(1), torch.ones(300)) and set(method.q.unique().tolist()) == {0.0, 1.0}
    H = ctx.embed()
    method.end_epoch(ctx, H)  # the same predictions: no progress
    assert method.warming_up and "NMI(argmax p, k-means)" in method.scalars()
    method.end_epoch(ctx, H)
    assert not method.warming_up and method.soft_target is not None  # the first soft target
    assert np.allclose(method.q.numpy(), target_distribution(method.probabilities(H)), atol=1e-6)


@pytest.mark.parametrize("options", [{"target": "dec"}, {"hidden_weight": -1.0}, {"warmup_patience": -1}])
def test_bad_options_are_explained(options):
    with pytest.raises(ValueError):
        make_method("depict", 4, options=options)


def test_the_recipe_is_functions_py():
    """Pretraining with the hidden layers (0.1) and early stopping on a 10 % hold-out (patience 100), at most 4000
    epochs each phase: the hold-out and Q's tolerance end them."""
    config = config_for("depict", 10)
    assert (config.pretrain_hidden_weight, config.pretrain_holdout, config.pretrain_patience) == (0.1, 0.1, 100)
    assert (config.pretrain_epochs, config.cluster_epochs, config.batch_size, config.lr) == (4000, 4000, 100, 1e-4)
    assert config.autoencoder.kind == "depict" and config.method_options == asdict(DEPICTConfig())  # the defaults
    assert config.method_options["stop_tolerance"] == 1e-7
    quick = config_for("depict", 10, preset_name="quick")
    assert (quick.pretrain_epochs, quick.cluster_epochs, quick.pretrain_holdout) == (20, 20, 0.1)


def test_it_starts_from_its_k_means(blobs):
    ae = build_autoencoder(DEPICT_MLP, 2, None)
    X = torch.tensor(blobs.X)
    method = make_method("depict", 4, 0, {"n_init": 3})
    method.setup(TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0))
    assert np.array_equal(method.start_labels, method.kmeans_labels) and method.start_labels.shape == (300,)
