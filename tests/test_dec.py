import numpy as np
import pytest
import torch

from deepclust_core import load_dataset, train
from deepclust_core.catalog.dec import DECConfig, IDECConfig, RefreshRule, refresh_rule
from deepclust_core.methods import METHODS, TrainingContext, make_method
from deepclust_core.methods.dec import DEC, IDEC, student_t, target_distribution
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.recipe.build import config_for
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.training.loop import embed, new_autoencoder


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=1)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """DEC and IDEC start from the same pretrained autoencoder, as in the references."""
    return str(tmp_path_factory.mktemp("pretrained"))


def tiny_context(n: int = 30):
    torch.manual_seed(0)
    X = torch.randn(n, 3)
    ae = build_autoencoder(AutoencoderConfig(hidden=(8,), embedding_dim=2), 3, None)
    return TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0)


@pytest.mark.parametrize("name", ["dec", "idec"])
def test_clusters_easy_blobs(name, blobs, small_config, shared_cache):
    config = small_config(method=name, pretrain_epochs=20, cluster_epochs=10, cache_dir=shared_cache,
                          method_options={"n_init": 5})
    ae = new_autoencoder(blobs, config)
    snapshots = []
    for snapshot in train(blobs, config, autoencoder=ae):
        if snapshot.phase == "cluster" and snapshot.epoch == 0:
            decoder_before = [p.detach().clone() for p in ae.decoder.parameters()]
        snapshots.append(snapshot)
    last = snapshots[-1]
    assert last.metrics["acc"] >= 0.9 and METHODS[name].card.name == name
    expected = {"KL(P||Q)", "total"} | ({"reconstruction"} if name == "idec" else set())
    assert set(last.losses) == expected and all(np.isfinite(v) for v in last.losses.values())
    assert last.labels.shape == (300,) and last.labels.max() < 4 and last.centroids.shape == (4, 4)
    confidence = last.view.point_values
    assert confidence.shape == (200,) and np.all((confidence >= 0.25 - 1e-6) & (confidence <= 1 + 1e-6))
    assert last.view.centroids.shape == (4, 4) and "changed at last refresh" in last.scalars
    decoder_kept = all(torch.equal(a, b) for a, b in zip(decoder_before, ae.decoder.parameters()))
    assert decoder_kept == (name == "dec")  # DEC drops the decoder, IDEC trains it


def test_same_seed_same_labels(blobs, small_config):
    config = small_config(method="dec", pretrain_epochs=3, cluster_epochs=3, use_cache=False,
                          method_options={"optimizer": "adam"})
    first, second = (list(train(blobs, config))[-1].labels for _ in range(2))
    assert np.array_equal(first, second)


def test_soft_assignment_and_target_by_hand():
    z = torch.tensor([[0.0], [1.0], [3.0]], dtype=torch.float64)
    mu = torch.tensor([[0.0], [2.0]], dtype=torch.float64)
    kernel = np.array([[1, 1 / 5], [1 / 2, 1 / 2], [1 / 10, 1 / 2]])  # 1 / (1 + squared distance)
    q = kernel / kernel.sum(1, keepdims=True)
    assert np.allclose(student_t(z, mu).numpy(), q)
    weight = q ** 2 / q.sum(0)
    assert np.allclose(target_distribution(torch.tensor(q)).numpy(), weight / weight.sum(1, keepdims=True))
    # alpha = 3: (1 + d^2 / 3)^-2
    kernel3 = np.array([[1, (1 + 4 / 3) ** -2], [(4 / 3) ** -2, (4 / 3) ** -2], [4.0 ** -2, (4 / 3) ** -2]])
    assert np.allclose(student_t(z, mu, alpha=3.0).numpy(), kernel3 / kernel3.sum(1, keepdims=True))


def test_batch_losses_by_hand():
    ctx = tiny_context()
    for cls, config in ((DEC, DECConfig(n_init=2)), (IDEC, IDECConfig(n_init=2, gamma=0.3))):
        method = cls(config, 3, seed=0)
        method.setup(ctx)
        index = torch.tensor([4, 0, 7, 11])
        terms = method.batch_loss(ctx.X[index], index, ctx)
        with torch.no_grad():
            z, x_hat = ctx.autoencoder(ctx.X[index])
            q = student_t(z, method.mu)
            p = target_distribution(student_t(torch.as_tensor(ctx.embed()), method.mu))[index]
        kl = (p * torch.log(p / q)).sum() / 4
        assert terms["KL(P||Q)"].item() == pytest.approx(kl.item(), rel=1e-4)
        if cls is IDEC:
            reconstruction = ((ctx.X[index] - x_hat) ** 2).mean()
            assert terms["total"].item() == pytest.approx(reconstruction.item() + 0.3 * kl.item(), rel=1e-4)


def test_stops_when_fewer_than_a_thousandth_of_labels_change():
    ctx = tiny_context(n=200)
    method = make_method("dec", 3, 0, {"n_init": 2, "update_interval": 0})
    method.setup(ctx)
    H = ctx.embed()
    method.end_epoch(ctx, H)
    assert method.changed == 0.0 and method.converged and method.refreshes == 2
    method.converged = False
    moved = H.copy()
    moved[:2] = method.centroids()[(method.labels[:2] + 1) % 3]  # 2 of 200 rows (1 %) jump to another centroid
    method.end_epoch(ctx, moved)
    assert method.changed == pytest.approx(0.01) and not method.converged


def test_update_interval_refreshes_the_target_every_t_steps():
    ctx = tiny_context(n=60)
    ctx.steps_per_epoch = 10  # an epoch longer than the interval: the reference's rule as it is
    method = make_method("dec", 3, 0, {"n_init": 2, "update_interval": 3})
    method.setup(ctx)
    assert method.refreshes == 1 and not method.fresh_embedding_each_epoch
    with torch.no_grad():
        ctx.autoencoder.encoder[0].weight.mul_(2.0)  # the embedding moves; P must follow at the refreshes
    for step in range(1, 8):
        ctx.step = step
        method.after_step(ctx)
    assert method.refreshes == 3  # after steps 3 and 6
    expected = target_distribution(student_t(torch.as_tensor(ctx.embed()), method.mu))
    assert torch.allclose(method.target, expected)
    method.end_epoch(ctx, ctx.embed())
    assert method.refreshes == 3  # no second refresh at the epoch end
    every_epoch = make_method("idec", 3, 0, {"n_init": 2, "update_interval": 0})
    every_epoch.setup(ctx)
    every_epoch.after_step(ctx)
    assert every_epoch.refreshes == 1 and every_epoch.fresh_embedding_each_epoch


def test_short_epochs_refresh_the_target_at_every_epoch_end():
    """A 178-row table at batch 256 is one step an epoch: with T = 140, a 30-epoch run would never refresh P.
    An epoch shorter than T refreshes at its end; the 0.1 % rule still compares labels T steps apart."""
    ctx = tiny_context(n=60)
    method = make_method("idec", 3, 0, {"n_init": 2, "update_interval": 4})
    method.setup(ctx)  # ctx.steps_per_epoch == 1 < 4
    assert method.fresh_embedding_each_epoch and method.rule.describe().startswith("every epoch end")
    first_labels = method.labels.copy()
    with torch.no_grad():
        ctx.autoencoder.encoder[0].weight.mul_(2.0)  # the embedding moves; P must follow at each epoch end
    for step in range(1, 4):
        ctx.step = step
        method.after_step(ctx)
        assert method.refreshes == step  # no refresh inside the epoch...
        method.end_epoch(ctx, ctx.embed())
        assert method.refreshes == step + 1  # ... one at its end
        assert method.checked_at == 0 and not method.converged  # under 4 steps since the first labels: no check
    expected = target_distribution(student_t(torch.as_tensor(ctx.embed()), method.mu))
    assert torch.allclose(method.target, expected)
    ctx.step = 4
    method.end_epoch(ctx, ctx.embed())  # 4 steps after the first labels: the 0.1 % rule compares with them
    assert method.checked_at == 4
    assert method.converged == (np.mean(method.labels != first_labels) < 0.001)


def test_refresh_rule_reads_only_step_counts():
    assert refresh_rule(140, 274) == RefreshRule(140, False, 140)  # MNIST at batch 256: the reference's rule
    assert refresh_rule(140, 8) == RefreshRule(8, True, 140)  # digits: every epoch end, the 0.1 % rule 140 steps apart
    assert refresh_rule(140, 1).describe() == "every epoch end: an epoch, 1 step, is shorter than the 140-step interval"
    assert refresh_rule(0, 8) == RefreshRule(8, True, 0) and refresh_rule(0, 8).describe() == "every epoch end"


def test_a_quick_look_on_a_one_step_epoch_refreshes_its_target(blobs, small_config):
    """One batch holds every row; T = 140 steps is never reached in 5 epochs, yet P follows every epoch."""
    config = small_config(method="idec", pretrain_epochs=3, cluster_epochs=5, batch_size=512, use_cache=False,
                          method_options={"n_init": 2, "stop_tolerance": 0.0})
    clustering = [s for s in train(blobs, config) if s.phase == "cluster"]
    assert clustering[0].view.note.startswith("first target P, from k-means; refreshed every epoch end")
    assert clustering[-1].view.note.startswith("target refresh 6 (every epoch end: an epoch, 1 step, ")


def test_a_run_with_update_interval(blobs, small_config):
    """300 rows in batches of 64: 5 steps an epoch, so T = 2 refreshes P twice or three times an epoch."""
    config = small_config(method="idec", pretrain_epochs=3, cluster_epochs=3, use_cache=False,
                          method_options={"n_init": 2, "update_interval": 2, "stop_tolerance": 0.0})
    snapshots = list(train(blobs, config))
    clustering = [s for s in snapshots if s.phase == "cluster"]
    assert [s.epoch for s in clustering] == [0, 1, 2, 3]
    assert clustering[-1].view.note.startswith("target refresh 8 (every 2 steps): ")  # at set-up, then after steps 2, 4, ..., 14
    assert clustering[-1].labels.shape == (300,) and np.isfinite(clustering[-1].losses["total"])


def test_optimizers_and_validation():
    dec, idec = make_method("dec", 3), make_method("idec", 3)
    params = [torch.nn.Parameter(torch.zeros(2))]
    sgd = dec.make_optimizer(params, 1e-3)
    assert isinstance(sgd, torch.optim.SGD) and sgd.defaults["lr"] == 0.01 and sgd.defaults["momentum"] == 0.9
    assert isinstance(idec.make_optimizer(params, 1e-3), torch.optim.Adam)
    assert not DEC.trains_decoder and IDEC.trains_decoder and IDECConfig().gamma == 0.1
    for bad in ({"alpha": 0.0}, {"n_init": 0}, {"stop_tolerance": 1.0}, {"optimizer": "rmsprop"}, {"momentum": 1.0},
                {"update_interval": -1}, {"max_iterations": 0}):
        with pytest.raises(ValueError):
            DECConfig(**bad)
    with pytest.raises(ValueError):
        IDECConfig(gamma=-0.1)


def test_the_step_cap_ends_the_run():
    ctx = tiny_context(n=60)
    method = make_method("dec", 3, 0, {"n_init": 2, "max_iterations": 5, "stop_tolerance": 0.0})
    method.setup(ctx)
    for step in range(1, 5):
        ctx.step = step
        method.after_step(ctx)
        assert not method.converged
    ctx.step = 5
    method.after_step(ctx)
    assert method.converged


@pytest.mark.parametrize("name", ["dec", "idec"])
def test_the_recipe_is_dec_keras(name):
    """DEC.py on mnist and fmnist: 300 epochs of SGD(1, 0.9) with zero biases; refresh every 140 steps, 2e4 steps."""
    digits = load_dataset("digits")
    config = config_for(name, 10, data=digits)
    assert (config.pretrain_epochs, config.pretrain_optimizer, config.pretrain_sgd_lr, config.pretrain_momentum,
            config.batch_size, config.autoencoder.init) == (300, "sgd", 1.0, 0.9, 256, "zero_bias")
    options = METHODS[name].card.config_class(**config.method_options)
    assert (options.update_interval, options.max_iterations, options.n_init) == (140, 20000, 20)
    assert config.cluster_epochs == 2500  # 8 steps an epoch on 1,797 rows: the 2e4-step cap, not the epochs, ends it
    assert config_for(name, 10).cluster_epochs == 73  # the card alone: 274 steps an epoch on MNIST's 70,000 rows
    assert config_for(name, 10, data=digits, preset_name="quick").pretrain_optimizer == "sgd"
    tables = config_for(name, 4, data=load_dataset("blobs", n_samples=100))  # SGD(1, 0.9) diverges on standardised columns
    # 100 rows, one batch an epoch: the 300 epochs keep their 2,400 steps on digits (settings/small_data.py)
    assert (tables.pretrain_optimizer, tables.pretrain_epochs, tables.autoencoder.init) == ("adam", 2400, "zero_bias")
