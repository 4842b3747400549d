from dataclasses import asdict, dataclass, replace

import numpy as np
import pytest

from deepclust_core import Dataset, load_dataset
from deepclust_core.catalog import CARDS, Lesson, MethodCard
from deepclust_core.catalog.dekm import DEKMConfig
from deepclust_core.recipe.build import config_for


@dataclass(frozen=True, kw_only=True)
class _FakeConfig:
    n_init: int = 10


SUGGESTING = MethodCard(
    name="suggesting", title="Suggesting", config_class=_FakeConfig,
    lesson=Lesson(optimises="nothing", equations=(), idea="none", watch="nothing", source="this test"),
    suggested={"pretrain_epochs": 50, "batch_size": 100, "embedding_dim": 7, "activation": "leaky_relu", "n_init": 3},
)


def test_defaults_then_suggested_then_explicit(monkeypatch):
    monkeypatch.setitem(CARDS, "suggesting", SUGGESTING)
    config = config_for("suggesting", 4, batch_size=32, lr=None, autoencoder={"hidden": (8,)}, seed=5)
    assert (config.pretrain_epochs, config.batch_size, config.cluster_epochs, config.lr) == (50, 32, 100, 1e-3)
    assert (config.autoencoder.hidden, config.autoencoder.embedding_dim) == ((8,), 7)
    assert config.autoencoder.activation == "leaky_relu" and config.method_options == {"n_init": 3}
    assert config.seed == 5


def test_the_config_names_every_option_of_the_method_and_checks_them():
    """Two configs that train alike are equal: the options given or suggested, the method's defaults for the rest."""
    assert config_for("dekm", 4, options={"update_interval": 5}).method_options == asdict(DEKMConfig(update_interval=5))
    with pytest.raises(ValueError, match="update_interval must be 0 .automatic. or positive, got -1"):
        config_for("dekm", 4, options={"update_interval": -1})
    with pytest.raises(ValueError, match="dekm has no option speed; its options: first_n_init, max_iterations"):
        config_for("dekm", 4, options={"speed": 3})


def test_unknown_suggestion_is_an_error(monkeypatch):
    monkeypatch.setitem(CARDS, "broken", replace(SUGGESTING, name="broken", suggested={"not_a_setting": 1}))
    with pytest.raises(ValueError, match="not_a_setting"):
        config_for("broken", 4)


@pytest.mark.parametrize("method", list(CARDS))
def test_every_method_suggests_a_valid_config(method):
    config = config_for(method, 10)
    CARDS[method].config_class(**config.method_options)


@pytest.mark.parametrize("method", list(CARDS))
def test_every_quick_look_is_a_valid_shorter_run(method):
    paper, quick = config_for(method, 10), config_for(method, 10, preset_name="quick")
    CARDS[method].config_class(**quick.method_options)
    assert quick.pretrain_epochs <= paper.pretrain_epochs and quick.cluster_epochs <= paper.cluster_epochs
    assert quick.pretrain_epochs + quick.cluster_epochs < paper.pretrain_epochs + paper.cluster_epochs
    assert (quick.batch_size, quick.lr, quick.autoencoder) == (paper.batch_size, paper.lr, paper.autoencoder)


def test_an_unknown_preset_is_an_error():
    with pytest.raises(ValueError, match="unknown preset 'slow'"):
        config_for("dekm", 10, preset_name="slow")


def test_the_data_set_chooses_between_the_suggested_and_the_quick_look(monkeypatch):
    """TrainConfig defaults < suggested < for_data(data) < quick look < explicit values."""
    def for_data(data):
        return {"pretrain_epochs": 70, "embedding_dim": len(data.name), "n_init": 4}

    monkeypatch.setitem(CARDS, "suggesting", replace(SUGGESTING, for_data=for_data, quick_look={"pretrain_epochs": 5}))
    data = Dataset(X=np.zeros((1800, 2), dtype=np.float32), y=None, name="twelve chars")  # digits' size or more
    paper = config_for("suggesting", 4, data=data)
    assert (paper.pretrain_epochs, paper.autoencoder.embedding_dim, paper.method_options) == (70, 12, {"n_init": 4})
    assert config_for("suggesting", 4).pretrain_epochs == 50  # without data: the card's suggested alone
    quick = config_for("suggesting", 4, data=data, preset_name="quick", options={"n_init": 9})
    assert (quick.pretrain_epochs, quick.autoencoder.embedding_dim, quick.method_options) == (5, 12, {"n_init": 9})


def test_every_entry_point_gets_the_recipe_for_its_data(tmp_path):
    """The CLI, the benchmarks and DeepClusterer all build DEKM's conv network for digits, through config_for."""
    from bench.settings import Overrides, build_config
    from deepclust_core.cli.main import build_parser, config_from_args
    from deepclust_core.estimator import DeepClusterer

    digits = load_dataset("digits", subsample=100)
    cli = config_from_args(build_parser().parse_args(["train", "--data", "digits"]), digits)
    bench = build_config("dekm", 10, 0, Overrides(), data=digits)
    model = DeepClusterer(10, pretrain_epochs=1, cluster_epochs=1, cache_dir=str(tmp_path), record=False)
    model.fit(digits)
    assert cli.autoencoder.kind == bench.autoencoder.kind == "conv" and model.autoencoder_.kind == "conv"
    assert model.batch_size is None and cli.batch_size == 256  # DeepClusterer's None: the recipe's


def test_epochs_on_data_smaller_than_digits_keep_their_steps_on_digits():
    """50 + 30 epochs of 8 batches of 256 on digits are 400 + 240 steps; on 178 rows (one batch an epoch) 400 + 240
    epochs. The rule reads the rows and the batch size only: the same on any labels, or none."""
    from deepclust_core.settings.small_data import epochs_on_small_data

    quick = {"pretrain_epochs": 50, "batch_size": 256, "cluster_epochs": 30}
    assert epochs_on_small_data(quick, 178) == {**quick, "pretrain_epochs": 400, "cluster_epochs": 240}
    assert epochs_on_small_data(quick, 600) == {**quick, "pretrain_epochs": 134, "cluster_epochs": 80}  # 3 batches
    assert epochs_on_small_data(quick, 1797) == quick and epochs_on_small_data(quick, 70000) == quick
    assert epochs_on_small_data({**quick, "pretrain_epochs": 0}, 178)["pretrain_epochs"] == 0
    rng = np.random.default_rng(0)
    X = rng.normal(size=(178, 13)).astype(np.float32)
    labelled, unlabelled = Dataset(X, rng.integers(0, 3, 178), "wine.csv"), Dataset(X, None, "wine.csv")
    for data in (labelled, unlabelled):
        config = config_for("idec", 3, preset_name="quick", data=data)
        assert (config.pretrain_epochs, config.cluster_epochs) == (400, 240)  # what the form shows
        paper = config_for("idec", 3, data=data)  # 300 epochs, and the 2e4-step cap already in steps
        assert (paper.pretrain_epochs, paper.cluster_epochs) == (2400, 20000)
    quick_digits = config_for("idec", 3, preset_name="quick", data=load_dataset("digits"))
    assert (quick_digits.pretrain_epochs, quick_digits.cluster_epochs) == (50, 30)
    assert config_for("idec", 3, preset_name="quick", data=labelled, pretrain_epochs=20).pretrain_epochs == 20
