"""Each setting the Train page shows drives what it says, for every method on every kind of data (images, a table,
2-D points): set through the form's value -> config path (ui.settings_form: widget_values, form_choices,
config_from_form), a step size or a momentum reaches the torch optimiser the loop builds exactly when
recipe.drives says the run reads it, and the loop's optimisers take the values in their first step."""
from dataclasses import fields

import numpy as np
import pytest
import torch

from deepclust_core import Dataset, load_dataset
from deepclust_core.catalog import CARDS
from deepclust_core.methods import METHODS, make_method
from deepclust_core.networks.pretrain import pretrain_optimizer
from deepclust_core.recipe.build import config_for
from deepclust_core.recipe.drives import uses
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.settings.train import TrainConfig
from deepclust_core.training import loop
from ui.settings_form import config_from_form, form_choices, option_key, train_key, widget_values

ODD = 0.0123  # a step size or momentum no recipe uses: where it shows up, the setting set to it put it there


def table() -> Dataset:
    rng = np.random.default_rng(0)
    return Dataset(X=rng.normal(size=(90, 6)).astype(np.float32), y=np.repeat(np.arange(3), 30), name="a table")


DATA = {"images": load_dataset("digits"), "table": table(), "2-D": load_dataset("blobs", n_samples=90)}


def variants(method: str, data: Dataset):
    """The recipe for the data, then each value of every closed-set option and of the pretraining optimiser (the
    choices that change which optimiser reads what); for AE-CM, with a pretraining too (its recipe has none)."""
    paper = config_for(method, 3, data=data)
    yield {}
    yield {train_key(method, "pretrain_optimizer"): "sgd" if paper.pretrain_optimizer == "adam" else "adam"}
    if paper.pretrain_epochs == 0:
        yield {train_key(method, "pretrain_epochs"): 5}
    for f in fields(CARDS[method].config_class):
        for choice in f.metadata.get("choices", ()):
            yield {option_key(method, f.name): choice}


def through_the_form(method: str, data: Dataset, values: dict) -> TrainConfig:
    options, training = form_choices(method, values)
    return config_from_form(data, 3, method, options, training)


def optimiser_values(config: TrainConfig) -> list[float]:
    """Every lr and momentum of the optimisers the loop builds for `config` (pretraining's, the method's)."""
    params = [torch.nn.Parameter(torch.zeros(2))]
    built = [pretrain_optimizer(params, config)] if config.pretrain_epochs else []
    if METHODS[config.method].fine_tunes:
        method = make_method(config.method, config.n_clusters, config.seed, config.method_options)
        built.append(method.make_optimizer(params, config.lr))
    return [group[name] for optimiser in built for group in optimiser.param_groups for name in ("lr", "momentum")
            if name in group]


def form_field(key: str, method: str) -> str:
    """The setting a widget key sets: TrainConfig's, the autoencoder's or the method's (keys end on its name)."""
    return key.removeprefix(f"{method}:train:").removeprefix(f"{method}:")


@pytest.mark.parametrize("kind", list(DATA))
@pytest.mark.parametrize("method", list(CARDS))
def test_each_step_size_and_momentum_shown_reaches_an_optimiser_exactly_when_it_is_said_to(method, kind):
    data, checked = DATA[kind], 0
    for change in variants(method, data):
        values = {**widget_values(config_for(method, 3, data=data)), **change}
        config = through_the_form(method, data, values)
        said = uses(config, image=data.is_image)
        assert {form_field(key, method) for key in values} <= set(said)  # the form shows nothing it cannot explain
        for key, value in values.items():
            field = form_field(key, method)
            if not isinstance(value, float) or field not in ("lr", "pretrain_sgd_lr", "pretrain_momentum",
                                                             "sgd_lr", "momentum"):
                continue
            changed = through_the_form(method, data, {**values, key: ODD})
            reaches = ODD in optimiser_values(changed)
            assert reaches == uses(changed, image=data.is_image)[field].read, (field, change, said[field])
            assert said[field].says.startswith(("Pretraining", "Clustering", "Not used"))
            checked += 1
    assert checked >= 3  # the learning rate and pretraining's SGD settings at least


@pytest.mark.parametrize("kind", list(DATA))
@pytest.mark.parametrize("method", list(CARDS))
def test_every_other_setting_shown_lands_in_the_config_the_loop_reads(method, kind):
    data = DATA[kind]
    values = widget_values(config_for(method, 3, data=data))
    for key, value in values.items():
        field = form_field(key, method)
        if isinstance(value, bool) or field in ("kind", "init", "pretrain_optimizer") or isinstance(value, str):
            continue  # closed sets: their values are the variants above
        new = value + 1 if isinstance(value, int) else value * 0.5 + 0.001
        if field in ("hidden",):
            continue
        try:
            config = through_the_form(method, data, {**values, key: new})
        except ValueError:  # out of the option's range (a share, a tolerance): the form says so next to Start
            continue
        ae_fields = {f.name for f in fields(AutoencoderConfig)}
        landed = (getattr(config.autoencoder, field) if field in ae_fields else config.method_options[field]
                  if field in config.method_options else getattr(config, field))
        assert landed == pytest.approx(new), (field, landed, new)


def test_dec_on_images_reads_no_learning_rate_and_the_form_says_why():
    config = config_for("dec", 10, data=DATA["images"])
    said = uses(config, image=True)
    assert not said["lr"].read and "SGD" in said["lr"].says and "sgd lr" in said["lr"].says
    assert said["sgd_lr"].read and said["sgd_lr"].says == "Clustering: SGD with momentum's step size."
    assert said["pretrain_sgd_lr"].says == "Pretraining: SGD with momentum's step size."
    adam = config_for("dec", 10, data=DATA["images"], options={"optimizer": "adam"})
    assert uses(adam, image=True)["lr"].says == "Clustering: Adam's step size." and not uses(adam, True)["sgd_lr"].read


def first_steps(monkeypatch, config: TrainConfig, data: Dataset) -> dict[str, tuple[str, float, float | None]]:
    """The optimiser of each phase as the loop's first step of it sees it: (class, lr, momentum)."""
    seen, run_epoch = {}, loop.run_epoch

    def spy(loss_fn, optimizer, *args, where="", **kwargs):
        group = optimizer.param_groups[0]
        seen.setdefault(where.split(" epoch")[0], (type(optimizer).__name__, group["lr"], group.get("momentum")))
        return run_epoch(loss_fn, optimizer, *args, where=where, **kwargs)

    monkeypatch.setattr(loop, "run_epoch", spy)
    for _ in loop.train(data, config):
        pass
    return seen


@pytest.mark.parametrize("method, choices, expected", [
    ("dec", dict(pretrain_optimizer="sgd", pretrain_sgd_lr=0.37, pretrain_momentum=0.55,
                 options={"sgd_lr": 0.023, "momentum": 0.66}),
     {"pretraining": ("SGD", 0.37, 0.55), "clustering": ("SGD", 0.023, 0.66)}),
    ("idec", dict(pretrain_optimizer="adam", lr=0.0042),
     {"pretraining": ("Adam", 0.0042, None), "clustering": ("Adam", 0.0042, None)}),
    ("aecm", dict(pretrain_epochs=0, lr=0.0031, options={"loss": "normalised"}), {"clustering": ("AdamW", 0.0031, None)}),
])
def test_the_loop_steps_with_the_values_set(method, choices, expected, monkeypatch, tmp_path):
    """One case per optimiser (SGD, Adam, AdamW): the first step of each phase uses what the settings say."""
    data = load_dataset("blobs", n_samples=60)
    options = {"max_iterations": 5} if method in ("dec", "idec") else {}
    config = config_for(method, 4, data=data, pretrain_epochs=choices.pop("pretrain_epochs", 1), cluster_epochs=1,
                        batch_size=30, autoencoder={"hidden": (8,), "embedding_dim": 2}, use_cache=False,
                        options={**options, **choices.pop("options", {})}, display_size=60, **choices)
    assert first_steps(monkeypatch, config, data) == expected


def test_the_cli_says_when_a_setting_given_is_read_nowhere():
    """DEC on digits trains with SGD in both phases: --lr 0.5 changes nothing, and the CLI says so in one line."""
    from deepclust_core.cli.main import build_parser, config_from_args, unread_choices

    def notes(*arguments):
        args = build_parser().parse_args(["train", *arguments])
        return unread_choices(args, config_from_args(args, DATA["images"]), DATA["images"])

    assert notes("--method", "dec", "--lr", "0.5") == [
        "note: --lr is not used by this run. pretraining uses SGD with momentum at its SGD step size (under "
        "Pretraining); clustering uses SGD with momentum at the option sgd lr (under Method options)."]
    assert notes("--method", "dec", "--lr", "0.5", "--option", "optimizer=adam") == []
    assert notes("--method", "n2d", "--cluster-epochs", "3", "--option", "n_init=2") == [
        "note: --cluster-epochs is not used by this run. N2D (Not Too Deep clustering) has no clustering epochs."]
