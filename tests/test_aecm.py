import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.catalog.aecm import AECMConfig, tuned_row
from deepclust_core.data.dataset import Dataset
from deepclust_core.methods import METHODS, TrainingContext, make_method
from deepclust_core.methods.aecm import AECM, ClusteringModule, dirichlet_prior, distortion_terms
from deepclust_core.methods.kmeans import kmeans
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.recipe.build import config_for
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.settings.run_file import config_from_dict, config_to_dict
from deepclust_core.training.loop import embed, new_autoencoder

FAST = {"n_init": 2}  # k-means on the final embedding: few restarts keep the tests quick
JOINT_TERMS = {"E1 embedding fit", "E2 gamma(1-gamma)", "orthonormality", "prior", "reconstruction", "total"}


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=1)


def tiny_context(seed: int = 0, n: int = 40):
    torch.manual_seed(seed)
    X = torch.randn(n, 3)
    ae = build_autoencoder(AutoencoderConfig(hidden=(8,), embedding_dim=2), 3, None)
    return TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=seed)


def test_a_few_epochs_from_random_weights(blobs, small_config):
    config = small_config(method="aecm", pretrain_epochs=0, cluster_epochs=3, use_cache=False, method_options=FAST)
    snapshots = list(train(blobs, config))
    assert [s.epoch for s in snapshots] == [0, 1, 2, 3] and "aecm" in METHODS
    last = snapshots[-1]
    assert set(last.losses) == JOINT_TERMS and all(np.isfinite(v) for v in last.losses.values())
    assert last.losses["total"] == pytest.approx(sum(v for k, v in last.losses.items() if k != "total"), rel=1e-4)
    assert last.labels.shape == (300,) and last.labels.max() < 4 and last.centroids.shape == (4, 4)
    confidence = last.view.point_values
    assert confidence.shape == (200,) and np.all((confidence >= 0.25 - 1e-6) & (confidence <= 1 + 1e-6))
    assert last.view.spectrum.sum() == pytest.approx(1.0, abs=1e-4)  # cluster shares
    assert "agreement with k-means on z" in last.scalars


def test_same_seed_same_labels(blobs, small_config):
    config = small_config(method="aecm", pretrain_epochs=0, cluster_epochs=2, use_cache=False, method_options=FAST)
    first, second = (list(train(blobs, config))[-1].labels for _ in range(2))
    assert np.array_equal(first, second)


def test_pre_init_cm_alone_clusters_easy_blobs(blobs, small_config):
    """init="pre": k-means sets the CM, which then trains alone; the encoder must not move."""
    config = small_config(method="aecm", pretrain_epochs=15, cluster_epochs=10, batch_size=32, lr=0.01,
                          method_options={"start": "pre", "cm_epochs": 10, "alpha": 10.0, "n_init": 5})
    ae = new_autoencoder(blobs, config)
    method = make_method("aecm", 4, 0, config.method_options)
    for snapshot in train(blobs, config, method=method, autoencoder=ae):
        if snapshot.phase == "cluster" and snapshot.epoch == 0:
            encoder_before = [p.detach().clone() for p in ae.encoder.parameters()]
            assert "E3 centroid cross terms" not in snapshot.losses
    assert set(snapshot.losses) == {"E1 embedding fit", "E2 gamma(1-gamma)", "E3 centroid cross terms", "prior", "total"}
    assert all(torch.equal(a, b) for a, b in zip(encoder_before, ae.encoder.parameters()))
    assert snapshot.metrics["acc"] >= 0.9
    assert method.kmeans_labels_.shape == (300,)


def test_pre_init_sets_the_module_from_kmeans():
    ctx = tiny_context()
    method = AECM(AECMConfig(start="pre", n_init=3), 3, seed=0)
    method.setup(ctx)
    centers = kmeans(ctx.embed(), 3, 0, n_init=3).centers
    assert np.allclose(method.centroids(), centers, atol=1e-5)  # u_k = k-means centroids, zero biases
    assert np.allclose(method.cm.assign.weight.detach().numpy(), np.linalg.pinv(centers).T, atol=1e-4)
    assert method.cm_only_epochs == 100
    assert np.array_equal(method.start_labels, kmeans(ctx.embed(), 3, 0, n_init=3).labels)  # the partition it starts from


def test_e1_e2_e3_add_up_to_the_expected_distortion():
    torch.manual_seed(1)
    z, U = torch.randn(5, 3, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    gamma = torch.softmax(torch.randn(5, 4, dtype=torch.float64), dim=1)
    e1, e2, e3 = distortion_terms(z, gamma, U)
    by_hand = sum(gamma[i, k] * ((z[i] - U[k]) ** 2).sum() for i in range(5) for k in range(4))
    assert (e1 + e2 + e3).item() == pytest.approx(by_hand.item(), rel=1e-10)
    cross = sum(gamma[:, k] @ gamma[:, l] * (U[k] @ U[l]) for k in range(4) for l in range(4) if k != l)
    assert e3.item() == pytest.approx(-cross.item(), rel=1e-10)


def test_joint_loss_terms_by_hand():
    ctx = tiny_context()
    method = AECM(AECMConfig(alpha=3.0, beta=0.5, lbd=2.0), 3, seed=0)
    method.setup(ctx)
    x = ctx.X[:6]
    terms = method.batch_loss(x, torch.arange(6), ctx)
    with torch.no_grad():
        z, x_hat = ctx.autoencoder(x)
        U = method.cm.decode(torch.eye(3))  # rows W_mu e_k + b_mu
        gamma = torch.softmax(z @ method.cm.assign.weight.T + method.cm.assign.bias, dim=1)
        expected = {
            "E1 embedding fit": ((z - gamma @ U) ** 2).sum(),
            "E2 gamma(1-gamma)": (gamma - gamma ** 2).sum(),
            "orthonormality": 2.0 * (U @ U.T - torch.eye(3)).abs().sum(),
            "prior": -2.0 * torch.log(gamma.mean(0) + 1e-10).sum(),
            "reconstruction": 0.5 * ((x - x_hat) ** 2).sum(),
        }
    for name, value in expected.items():
        assert terms[name].item() == pytest.approx(value.item(), rel=1e-5), name
    assert terms["total"].item() == pytest.approx(sum(v.item() for v in expected.values()), rel=1e-5)


def test_normalised_variant():
    ctx = tiny_context()
    method = AECM(AECMConfig(loss="normalised"), 3, seed=0)
    method.setup(ctx)
    assert (method.alpha, method.beta, method.lbd) == (1.1, 100.0, 0.1)
    assert method.cm.assign.bias is None and method.cm.decode.bias is None
    assert isinstance(method.make_optimizer(method.parameters(), 1e-3), torch.optim.AdamW)
    x = ctx.X[:6]
    terms = method.batch_loss(x, torch.arange(6), ctx)
    with torch.no_grad():
        z, x_hat = ctx.autoencoder(x)
        gamma, z_hat = method.cm(z)
        U = method.cm.centroids()
    assert terms["E1 embedding fit"].item() == pytest.approx(((z - z_hat) ** 2).sum().item() / 12, rel=1e-5)
    assert terms["orthonormality"].item() == pytest.approx(0.1 * ((U @ U.T - torch.eye(3)) ** 2).sum().item(), rel=1e-5)
    assert terms["reconstruction"].item() == pytest.approx(100 * ((x - x_hat) ** 2).mean().item(), rel=1e-5)
    assert terms["prior"].item() == pytest.approx(dirichlet_prior(gamma, 1.1).item(), rel=1e-5)


def test_last_epoch_loads_the_average_of_its_weights(blobs, small_config):
    steps = []

    class Recording(AECM):
        def after_step(self, ctx):
            if ctx.epoch == ctx.epochs - 1:
                steps.append([p.detach().clone() for p in list(ctx.autoencoder.encoder.parameters()) + self.parameters()])
            super().after_step(ctx)

    method = Recording(AECMConfig(**FAST), 4, seed=0)
    config = small_config(method="aecm", pretrain_epochs=0, cluster_epochs=2, use_cache=False)
    ae = new_autoencoder(blobs, config)
    last = list(train(blobs, config, method=method, autoencoder=ae))[-1]
    assert len(steps) == 5  # 300 rows in batches of 64
    final = list(ae.encoder.parameters()) + method.parameters()
    for i, p in enumerate(final):
        assert torch.allclose(p, torch.stack([s[i] for s in steps]).mean(0), atol=1e-6)
    assert not torch.allclose(final[0], steps[-1][0])  # not simply the last step's weights
    assert "averaged" in last.view.note


def test_config_validation_and_defaults():
    assert AECMConfig().weights() == (230.0, 5.0, 1.0)
    assert AECMConfig(tuned_row="Fashion-MNIST").weights() == (13.0, 47.0, 1.0)
    assert AECMConfig(tuned_row="USPS", alpha=2.0).weights() == (2.0, 0.04, 1.0)
    assert AECMConfig(loss="normalised", beta=0.0).weights() == (1.1, 0.0, 0.1)
    assert AECMConfig(loss="normalised", tuned_row="USPS").weights() == (1.1, 100.0, 0.1)  # the rows tune the reference loss
    for bad in ({"start": "kmeans"}, {"loss": "mean"}, {"alpha": 0.0}, {"beta": -2.0}, {"cm_epochs": -1}, {"n_init": 0},
                {"tuned_row": "CIFAR10"}):
        with pytest.raises(ValueError):
            AECMConfig(**bad)
    assert AECM.card.suggested["pretrain_epochs"] == 0 and AECM.card.suggested["activation"] == "leaky_relu"
    AutoencoderConfig(**{k: AECM.card.suggested[k] for k in ("activation", "embedding_dim", "init")})


@pytest.mark.parametrize("name, shape, row, embedding, batch, weights", [
    ("Fashion-MNIST (10000 of 70000)", (20, 4), "Fashion-MNIST", 10, 175, (13.0, 47.0, 1.0)),  # Tuned_Param.py
    ("usps.npz", (20, 4), "USPS", 30, 45, (3.0, 0.04, 1.0)),
    ("MNIST", (20, 4), "MNIST", 10, 500, (230.0, 5.0, 1.0)),
    ("digits", (1797, 64), "USPS", 30, 45, (3.0, 0.04, 1.0)),  # no row of its own: USPS is the closest in shape
    ("wine.csv", (178, 13), "PENDIGITS", 70, 80, (13.0, 0.5, 1.0)),
    ("pixels.npy", (60000, 900), "MNIST", 10, 500, (230.0, 5.0, 1.0)),
])
def test_the_recipe_takes_the_data_sets_tuned_row(name, shape, row, embedding, batch, weights):
    data = Dataset(X=np.zeros(shape, dtype=np.float32), y=None, name=name)
    assert tuned_row(name, *shape) == row
    config = config_for("aecm", 10, data=data)
    assert (config.autoencoder.embedding_dim, config.batch_size, config.method_options["tuned_row"]) == (embedding, batch, row)
    assert AECMConfig(**config.method_options).weights() == weights
    # AECM.py: glorot_uniform weights and glorot_normal biases; every data set here is smaller than its row's, so the
    # recipe starts "pre": AE.py's 100 pretraining epochs, pre_fit's 100 CM-only ones, then 1000 + 1 joint epochs
    # (the epochs of the reference's own recipe, which settings/small_data.py leaves as they are)
    assert (config.autoencoder.init, config.autoencoder.activation, config.method_options["start"],
            config.pretrain_epochs, config.cluster_epochs) == ("glorot", "leaky_relu", "pre", 100, 1101)


def test_the_row_rule_reads_the_shape_and_name_only():
    """The same rows and columns choose the same row, whatever the labels; the nearest row moves with the shape."""
    X = np.random.default_rng(0).random((1797, 64)).astype(np.float32)
    unlabelled = Dataset(X=X, y=None, name="my digits")
    labelled = Dataset(X=X, y=np.arange(1797) % 10, name="my digits")
    shuffled_labels = Dataset(X=X, y=np.random.default_rng(1).permutation(1797) % 10, name="my digits")
    recipes = [config_for("aecm", 10, data=data) for data in (unlabelled, labelled, shuffled_labels)]
    assert recipes[0] == recipes[1] == recipes[2] and recipes[0].method_options["tuned_row"] == "USPS"
    assert [tuned_row("table", n, d) for n, d in ((70000, 700), (9000, 300), (11000, 20))] == ["MNIST", "USPS", "PENDIGITS"]


def test_cluster_module_is_seeded():
    first, second = ClusteringModule(3, 4, True, seed=5), ClusteringModule(3, 4, True, seed=5)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters()))


def orthonormal_module(c: float, n_clusters: int = 4, dim: int = 6) -> tuple[ClusteringModule, torch.Tensor]:
    """A CM without biases whose centroids U are orthonormal and whose assignment weights are W_g = c U."""
    U = torch.linalg.qr(torch.randn(dim, n_clusters, generator=torch.Generator().manual_seed(0)))[0].T  # (K, d)
    cm = ClusteringModule(dim, n_clusters, bias=False, seed=0)
    with torch.no_grad():
        cm.decode.weight.copy_(U.T)
        cm.assign.weight.copy_(c * U)
    return cm, U


@pytest.mark.parametrize("c, stable", [(1.6, True), (2.4, False)])  # K = 4: the threshold is K/2 = 2
def test_the_uniform_start_holds_while_the_assignment_weights_are_under_half_k(c, stable):
    """methods/aecm.py: at z = mean of orthonormal centroids, gamma is uniform; the clustering terms (E1 + E2 + E3,
    which is E1 + sum gamma(1 - gamma) of the joint loss when U is orthonormal) rise along a centroid while
    W_g = c U has c < K/2, and fall above it."""
    cm, U = orthonormal_module(c)
    m = U.mean(0)
    step = 0.03 * (U[0] - m) / (U[0] - m).norm()

    @torch.no_grad()
    def clustering_terms(z):
        gamma, _ = cm(z[None])
        return float(sum(distortion_terms(z[None], gamma, cm.centroids())))

    assert torch.allclose(cm(m[None])[0], torch.full((1, 4), 0.25))
    assert (clustering_terms(m + step) > clustering_terms(m)) == stable
    assert (clustering_terms(m - step) > clustering_terms(m)) == stable


def test_the_view_says_when_joint_training_is_still_in_the_uniform_start():
    method = make_method("aecm", 4, 0, {})
    method.cm, _ = orthonormal_module(0.5)
    method.phase, method.confidence = "joint training", 0.27
    assert method.assignment_weights_along_centroids() == pytest.approx(0.5, abs=1e-5)
    method.assignment_scale = method.assignment_weights_along_centroids()
    assert "has not left its start" in method.uniform_trap_note() and "K/2 = 2" in method.uniform_trap_note()
    method.confidence = 0.6  # sharp assignments: no note
    assert method.uniform_trap_note() == ""
    method.phase, method.confidence = "CM alone on the frozen embedding", 0.27
    assert method.uniform_trap_note() == ""


def test_stored_runs_read_the_old_option_name():
    """Runs stored before `init` became `start` still load, with the new name."""
    config = config_for("aecm", 3, options={"start": "pre"})
    stored = config_to_dict(config)
    stored["method_options"] = {("init" if k == "start" else k): v for k, v in stored["method_options"].items()}
    assert config_from_dict(stored).method_options == config.method_options


def test_the_recipe_starts_pretrained_on_data_smaller_than_its_tuned_row():
    """Digits (1,797 rows, USPS's row: 9,298) starts "pre" with AE.py's and pre_fit's 100 epochs; a data set named
    as MNIST, at MNIST's size, keeps the random start."""
    digits = Dataset(X=np.zeros((1797, 64), np.float32), y=None, name="digits")
    small = config_for("aecm", 10, data=digits)
    assert (small.method_options["start"], small.pretrain_epochs, small.method_options["cm_epochs"],
            small.cluster_epochs, small.batch_size) == ("pre", 100, 100, 1101, 45)
    quick = config_for("aecm", 10, data=digits, preset_name="quick")
    assert (quick.method_options["cm_epochs"], quick.cluster_epochs) == (30, 80)
    mnist = Dataset(X=np.zeros((70000, 784), np.float32), y=None, name="mnist")
    large = config_for("aecm", 10, data=mnist)
    assert (large.method_options["start"], large.pretrain_epochs, large.cluster_epochs) == ("rand", 0, 1001)
