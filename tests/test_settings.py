from dataclasses import dataclass, replace

import pytest

from deepclust_core.catalog import CARDS, MethodCard
from deepclust_core.settings import config_for


@dataclass(frozen=True, kw_only=True)
class _FakeConfig:
    n_init: int = 10


SUGGESTING = MethodCard(
    name="suggesting", title="Suggesting", config_class=_FakeConfig,
    suggested={"pretrain_epochs": 50, "batch_size": 100, "embedding_dim": 7, "activation": "leaky_relu", "n_init": 3},
)


def test_defaults_then_suggested_then_explicit(monkeypatch):
    monkeypatch.setitem(CARDS, "suggesting", SUGGESTING)
    config = config_for("suggesting", 4, train={"batch_size": 32, "lr": None}, autoencoder={"hidden": (8,)}, seed=5)
    assert (config.pretrain_epochs, config.batch_size, config.cluster_epochs, config.lr) == (50, 32, 100, 1e-3)
    assert (config.autoencoder.hidden, config.autoencoder.embedding_dim) == ((8,), 7)
    assert config.autoencoder.activation == "leaky_relu" and config.method_options == {"n_init": 3}
    assert config.seed == 5


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
