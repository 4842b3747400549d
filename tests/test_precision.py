"""bfloat16 mixed precision (TrainConfig.precision, networks/precision.py): the same clusters as float32 on a
small fixed problem, float32 outputs from bfloat16 layers, and its own pretraining cache entry."""
from dataclasses import replace

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score

from deepclust_core import Dataset, TrainConfig, train
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.networks.precision import NetworkPrecision, effective_precision, has_fast_bfloat16
from deepclust_core.networks.pretrain_key import pretrain_key
from deepclust_core.settings.autoencoder import AutoencoderConfig

CPU = torch.device("cpu")
# The labels of a bfloat16 run against float32's, same seed: adjusted Rand index at least this (a row or two of
# 240 may change sides). bfloat16 rounds each layer's product to 8 mantissa bits (relative error up to 0.4 %), so
# the two runs follow different trajectories; on clusters this clear both end on the same partition (ARI 1.0 for
# every method here when written, on a CPU with AVX-512 BF16; where bfloat16 is slow both runs are float32).
SAME_LABELS_ARI = 0.98


@pytest.fixture(scope="module")
def four_clusters() -> Dataset:
    """240 rows in 16 dimensions: 4 Gaussian clusters (unit spread) around centres about 16 apart."""
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=4.0, size=(4, 16))
    y = np.repeat(np.arange(4), 60)
    return Dataset(X=(centres[y] + rng.normal(size=(240, 16))).astype(np.float32), y=y, name="four clusters")


@pytest.mark.parametrize("method", ["dec", "idec", "dkm", "dekm"])
def test_bfloat16_finds_the_clusters_float32_finds(four_clusters, small_config, method):
    config = small_config(method=method, use_cache=False, device="cpu", pretrain_epochs=10, cluster_epochs=4,
                          batch_size=32, display_size=100)
    float32 = list(train(four_clusters, config))[-1].labels
    bfloat16 = list(train(four_clusters, replace(config, precision="bfloat16")))[-1].labels
    assert adjusted_rand_score(float32, bfloat16) >= SAME_LABELS_ARI


@pytest.mark.skipif(not has_fast_bfloat16(CPU), reason="this CPU has no bfloat16 arithmetic: bfloat16 runs as float32")
def test_layers_run_in_bfloat16_and_hand_on_float32():
    torch.manual_seed(0)
    autoencoder = build_autoencoder(AutoencoderConfig(hidden=(64, 64), embedding_dim=4), 32, None)
    x = torch.randn(16, 32)
    seen = []
    hook = autoencoder.encoder[0].register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    exact = autoencoder(x)[1]
    with NetworkPrecision(autoencoder, "bfloat16"):
        h, x_hat = autoencoder(x)
        assert autoencoder.encoder(x).dtype == torch.float32
    hook.remove()
    assert seen == [torch.float32, torch.bfloat16, torch.bfloat16]  # inside the encoder: bfloat16 products
    assert h.dtype == x_hat.dtype == torch.float32
    assert not torch.equal(x_hat, exact) and torch.allclose(x_hat, exact, rtol=0.05, atol=0.05)
    assert torch.equal(autoencoder(x)[1], exact)  # after the block: float32 again, no hooks left


def test_float32_block_changes_nothing():
    autoencoder = build_autoencoder(AutoencoderConfig(hidden=(8,), embedding_dim=2), 5, None)
    with NetworkPrecision(autoencoder, "float32"):
        assert not autoencoder.encoder._forward_hooks and not autoencoder.encoder._forward_pre_hooks


def test_precision_is_checked_and_falls_back_where_bfloat16_is_slow(monkeypatch):
    with pytest.raises(ValueError, match="precision"):
        TrainConfig(n_clusters=3, precision="float16")
    monkeypatch.setattr("deepclust_core.networks.precision.has_fast_bfloat16", lambda device: False)
    assert effective_precision("bfloat16", CPU) == "float32"


def test_a_bfloat16_pretraining_is_its_own_cache_entry(four_clusters):
    config = TrainConfig(n_clusters=4)
    assert pretrain_key(four_clusters, config) != pretrain_key(four_clusters, replace(config, precision="bfloat16"))
