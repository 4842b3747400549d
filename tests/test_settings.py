from dataclasses import dataclass

import pytest

from deepclust_core.methods import METHODS
from deepclust_core.methods.ae_kmeans import AEKMeans
from deepclust_core.settings import config_for


@dataclass(frozen=True, kw_only=True)
class _FakeConfig:
    n_init: int = 10


class _Suggesting(AEKMeans):
    name = "suggesting"
    config_class = _FakeConfig
    suggested = {"pretrain_epochs": 50, "batch_size": 100, "embedding_dim": 7, "activation": "leaky_relu", "n_init": 3}


def test_defaults_then_suggested_then_explicit(monkeypatch):
    monkeypatch.setitem(METHODS, "suggesting", _Suggesting)
    config = config_for("suggesting", 4, train={"batch_size": 32, "lr": None}, autoencoder={"hidden": (8,)}, seed=5)
    assert (config.pretrain_epochs, config.batch_size, config.cluster_epochs, config.lr) == (50, 32, 100, 1e-3)
    assert (config.autoencoder.hidden, config.autoencoder.embedding_dim) == ((8,), 7)
    assert config.autoencoder.activation == "leaky_relu" and config.method_options == {"n_init": 3}
    assert config.seed == 5


def test_unknown_suggestion_is_an_error(monkeypatch):
    class Broken(_Suggesting):
        suggested = {"not_a_setting": 1}

    monkeypatch.setitem(METHODS, "broken", Broken)
    with pytest.raises(ValueError, match="not_a_setting"):
        config_for("broken", 4)


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_suggests_a_valid_config(method):
    config = config_for(method, 10)
    METHODS[method].config_class(**config.method_options)
