import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.autoencoder import build_autoencoder
from deepclust_core.autoencoder_config import AutoencoderConfig
from deepclust_core.loop import embed
from deepclust_core.methods import TrainingContext, make_method


def test_dekm_on_easy_blobs(small_config):
    data = load_dataset("blobs", n_samples=600, noise=0.0, seed=1)
    last = list(train(data, small_config(pretrain_epochs=20, cluster_epochs=20)))[-1]
    assert last.metrics["acc"] >= 0.95
    assert last.view.coords.shape == (200, 4) and last.view.spectrum.shape == (4,)


def test_dekm_update_rotates_and_pulls_only_the_last_coordinate():
    torch.manual_seed(0)
    data = load_dataset("blobs", n_samples=300, noise=0.0, seed=0)
    ae = build_autoencoder(AutoencoderConfig(hidden=(16,), embedding_dim=3), 2, None)
    X = torch.tensor(data.X)
    ctx = TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0)
    method = make_method("dekm", 4, 0)
    method.setup(ctx)
    H = embed(ae, X)
    V = method.V.numpy()
    assert np.allclose(V.T @ V, np.eye(3), atol=1e-5)  # orthonormal eigenvectors
    assert np.all(np.diff(method.eigenvalues) >= 0)  # ascending
    scatter = H - method.centers[method.assignment]
    assert np.allclose(method.eigenvalues, np.linalg.eigvalsh(scatter.T.astype(np.float64) @ scatter), rtol=1e-4)
    targets = method.targets.numpy()
    assert np.allclose(targets[:, :-1], (H @ V)[:, :-1], atol=1e-5)  # held at their values
    assert np.allclose(targets[:, -1], (method.centers @ V)[method.assignment, -1], atol=1e-5)  # pulled to centres
    terms = method.batch_loss(X[:10], torch.arange(10), ctx)
    assert terms["held coordinates"].item() == pytest.approx(0.0, abs=1e-10)
    assert terms["total"].item() == pytest.approx(terms["pulled coordinate"].item())


def test_dekm_does_not_train_the_decoder(small_config):
    data = load_dataset("blobs", n_samples=200, noise=0.0)
    from deepclust_core.loop import new_autoencoder

    config = small_config(pretrain_epochs=1, cluster_epochs=2, use_cache=False)
    ae = new_autoencoder(data, config)
    snapshots = []
    for snapshot in train(data, config, autoencoder=ae):
        if snapshot.phase == "cluster" and snapshot.epoch == 0:
            decoder_before = [p.detach().clone() for p in ae.decoder.parameters()]
        snapshots.append(snapshot)
    assert all(torch.equal(a, b) for a, b in zip(decoder_before, ae.decoder.parameters()))
