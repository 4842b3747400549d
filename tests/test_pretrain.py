"""Pretraining's recipe: the optimiser, the initialisation, DEPICT's loss, early stopping, and the cache key."""
import hashlib
import json
from dataclasses import asdict, replace

import numpy as np
import pytest
import torch

from deepclust_core import AutoencoderConfig, load_dataset, train
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.training.loop import Batches, new_autoencoder
from deepclust_core.networks.pretrain import CACHE_VERSION, EarlyStopping, pretrain_key, pretrain_optimizer


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=200, noise=0.0, seed=2)


def test_adam_and_sgd_pretrains_never_share_a_cache_entry(blobs, small_config):
    adam = small_config()
    sgd = replace(adam, pretrain_optimizer="sgd")
    assert pretrain_key(blobs, adam) != pretrain_key(blobs, sgd)
    assert pretrain_key(blobs, sgd) != pretrain_key(blobs, replace(sgd, pretrain_sgd_lr=0.5))
    assert pretrain_key(blobs, sgd) != pretrain_key(blobs, replace(sgd, pretrain_momentum=0.0))
    assert pretrain_key(blobs, sgd) == pretrain_key(blobs, replace(sgd, lr=0.1))  # the run's lr drives Adam only
    assert pretrain_key(blobs, adam) != pretrain_key(blobs, replace(adam, lr=0.1))
    for changed in (replace(adam, pretrain_holdout=0.1), replace(adam, pretrain_hidden_weight=0.1),
                    replace(adam, autoencoder=replace(adam.autoencoder, init="zero_bias"))):
        assert pretrain_key(blobs, changed) != pretrain_key(blobs, adam)


def test_autoencoders_cached_before_the_new_settings_keep_their_key(blobs, small_config):
    """An Adam pretraining with default initialisation is keyed exactly as before pretraining had settings."""
    config = small_config()
    autoencoder = {k: v for k, v in asdict(config.autoencoder).items() if k != "init"}
    recipe = {"version": CACHE_VERSION, "data": blobs.fingerprint(), "autoencoder": autoencoder, "seed": config.seed,
              "epochs": config.pretrain_epochs, "batch_size": config.batch_size, "lr": config.lr}
    assert pretrain_key(blobs, config) == hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:24]


def test_pretraining_optimisers(small_config):
    params = [torch.nn.Parameter(torch.zeros(2))]
    adam = pretrain_optimizer(params, small_config(lr=0.01))
    sgd = pretrain_optimizer(params, small_config(pretrain_optimizer="sgd", pretrain_sgd_lr=1.0, pretrain_momentum=0.9))
    assert isinstance(adam, torch.optim.Adam) and adam.defaults["lr"] == 0.01
    assert isinstance(sgd, torch.optim.SGD) and (sgd.defaults["lr"], sgd.defaults["momentum"]) == (1.0, 0.9)
    for bad in ({"pretrain_optimizer": "rmsprop"}, {"pretrain_sgd_lr": 0.0}, {"pretrain_momentum": 1.0},
                {"pretrain_holdout": 1.0}, {"pretrain_patience": -1}, {"pretrain_hidden_weight": -0.1}):
        with pytest.raises(ValueError):
            small_config(**bad)


def test_initialisations():
    def build(init, kind="mlp"):
        torch.manual_seed(0)
        config = AutoencoderConfig(kind=kind, hidden=(50, 60), embedding_dim=5, init=init)
        return build_autoencoder(config, 64, (1, 8, 8))

    default, zero_bias, glorot = build("default"), build("zero_bias"), build("glorot")
    layers = [m for m in zero_bias.modules() if isinstance(m, torch.nn.Linear)]
    assert len(layers) == 6 and all(torch.count_nonzero(layer.bias) == 0 for layer in layers)
    same_weights = [(a, b) for a, b in zip(default.state_dict().items(), zero_bias.state_dict().items())
                    if a[0].endswith("weight")]
    assert all(torch.equal(a[1], b[1]) for a, b in same_weights)  # Keras' VarianceScaling is PyTorch's default
    for layer in (m for m in glorot.modules() if isinstance(m, torch.nn.Linear)):
        fan_out, fan_in = layer.weight.shape
        assert layer.weight.abs().max() <= (6 / (fan_in + fan_out)) ** 0.5
        assert torch.count_nonzero(layer.bias) == len(layer.bias)
        assert layer.bias.abs().max() <= 2 * (1 / len(layer.bias)) ** 0.5 / 0.87962566 + 1e-6
    conv = build("zero_bias", kind="conv")
    assert all(torch.count_nonzero(m.bias) == 0 for m in conv.modules() if isinstance(m, torch.nn.Conv2d))
    with pytest.raises(ValueError, match="init"):
        AutoencoderConfig(init="he")


def test_early_stopping_keeps_the_best_weights(blobs, small_config):
    config = small_config(pretrain_holdout=0.25, pretrain_patience=1)
    autoencoder = new_autoencoder(blobs, config)
    X = torch.tensor(blobs.X)
    stopping = EarlyStopping(autoencoder, X, config)
    held = sorted(set(range(200)) - set(stopping.train_rows.tolist()))
    assert len(held) == 50 and len(stopping.train_rows) == 150 and torch.equal(stopping.X_held, X[held])
    best = stopping.after_epoch()
    kept = {name: value.clone() for name, value in autoencoder.state_dict().items()}
    with torch.no_grad():
        autoencoder.decoder[-1].bias.add_(5.0)  # a worse reconstruction
    assert stopping.after_epoch() > best and not stopping.should_stop
    assert stopping.after_epoch() > best and stopping.should_stop  # more than `patience` epochs without progress
    stopping.restore_best()
    assert all(torch.equal(kept[name], value) for name, value in autoencoder.state_dict().items())
    other = EarlyStopping(autoencoder, X, small_config(pretrain_holdout=0.25, pretrain_patience=1, seed=1))
    assert not torch.equal(other.train_rows, stopping.train_rows)  # drawn with the seed, never with the labels


def test_a_run_with_a_hold_out_never_trains_on_it(blobs, small_config, monkeypatch):
    config = small_config(pretrain_epochs=4, cluster_epochs=1, pretrain_holdout=0.25, use_cache=False)
    held = set(range(200)) - set(EarlyStopping(new_autoencoder(blobs, config), torch.tensor(blobs.X), config)
                                 .train_rows.tolist())
    seen: list[set] = []  # the rows of each epoch's batches
    original = Batches.epoch

    def recording(self, shuffle=True, rows=None):
        seen.append(set())
        for index in original(self, shuffle, rows):
            seen[-1].update(index.tolist())
            yield index

    monkeypatch.setattr(Batches, "epoch", recording)
    snapshots = list(train(blobs, config))
    pretraining = [s for s in snapshots if s.phase == "pretrain"]
    assert len(pretraining) == 4 and all("hold-out (not trained on)" in s.losses for s in pretraining)
    assert all(not (rows & held) for rows in seen[:4]) and seen[4] & held  # clustering sees every row
    assert np.isfinite(snapshots[-1].losses["total"])


def test_depict_pretrains_with_its_hidden_layers(small_config):
    digits = load_dataset("digits", subsample=200)
    config = small_config(method="depict", n_clusters=10, pretrain_epochs=2, cluster_epochs=0, batch_size=100,
                          autoencoder=AutoencoderConfig(kind="depict", embedding_dim=10), pretrain_hidden_weight=0.1,
                          use_cache=False)
    last = [s for s in train(digits, config) if s.phase == "pretrain"][-1]
    assert set(last.losses) == {"reconstruction (input)", "reconstruction (hidden)", "total"}
    assert 0 < last.losses["reconstruction (hidden)"] and np.isclose(
        last.losses["total"], last.losses["reconstruction (input)"] + last.losses["reconstruction (hidden)"])
