import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.methods import TrainingContext, make_method
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.recipe.build import config_for
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.training.loop import embed


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
    from deepclust_core.training.loop import new_autoencoder

    config = small_config(pretrain_epochs=1, cluster_epochs=2, use_cache=False)
    ae = new_autoencoder(data, config)
    snapshots = []
    for snapshot in train(data, config, autoencoder=ae):
        if snapshot.phase == "cluster" and snapshot.epoch == 0:
            decoder_before = [p.detach().clone() for p in ae.decoder.parameters()]
        snapshots.append(snapshot)
    assert all(torch.equal(a, b) for a, b in zip(decoder_before, ae.decoder.parameters()))


def test_the_recipe_is_conv_for_images_and_the_mlp_for_tables():
    """DEKM.py for images (T = 40), DEKM_dense.py for tables (T = 10); on 8x8 digits DEKM.py's own layers."""
    digits, blobs = load_dataset("digits", subsample=1800), load_dataset("blobs", n_samples=60)  # digits' size: no
    # small-data epochs (settings/small_data.py)
    image, table = config_for("dekm", 10, data=digits), config_for("dekm", 4, data=blobs)
    assert (image.autoencoder.kind, table.autoencoder.kind) == ("conv", "mlp")
    assert config_for("dekm", 10, data=digits, preset_name="quick").autoencoder.kind == "conv"
    assert (image.pretrain_epochs, image.batch_size, image.lr, image.pretrain_optimizer) == (200, 256, 1e-3, "adam")
    conv = build_autoencoder(image.autoencoder, 64, digits.image_shape)
    shapes = []
    for layer in (m for m in conv.encoder if isinstance(m, torch.nn.Conv2d)):
        layer.register_forward_hook(lambda module, inputs, output: shapes.append(tuple(output.shape[1:])))
    conv.encoder(torch.zeros(2, 64))
    assert shapes == [(32, 4, 4), (64, 2, 2), (128, 1, 1)]  # 8 divides by 8: the third pads 'same', 8 -> 4 -> 2 -> 1
    assert conv.decoder(conv.encoder(torch.zeros(2, 64))).shape == (2, 64)
    for data, T in ((digits, 40), (blobs, 10)):
        method = make_method("dekm", 3, 0)
        ae = build_autoencoder(config_for("dekm", 3, data=data).autoencoder, data.n_features, data.image_shape)
        X = torch.tensor(data.X)
        method.setup(TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0))
        assert method.interval == T


def test_between_updates_the_centres_follow_the_embedding_and_the_targets_stay():
    """After an epoch without a k-means update, each centre is its cluster's mean embedding now (what
    predict() and the view use), while the targets are still the update's."""
    torch.manual_seed(0)
    data = load_dataset("blobs", n_samples=300, noise=0.0, seed=0)
    ae = build_autoencoder(AutoencoderConfig(hidden=(16,), embedding_dim=3), 2, None)
    X = torch.tensor(data.X)
    ctx = TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0)
    method = make_method("dekm", 4, 0, {"update_interval": 1000})
    method.setup(ctx)
    targets = method.targets.clone()
    H = embed(ae, X) + 0.5  # the embedding after an epoch of steps, moved away from the update's centres
    method.end_epoch(ctx, H)
    for k in range(4):
        assert np.allclose(method.centers[k], H[method.assignment == k].mean(axis=0), atol=1e-5)
    assert torch.equal(method.targets, targets)
