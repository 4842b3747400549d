import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DEEPCLUST_CACHE", str(Path(__file__).resolve().parents[1] / ".cache" / "test-pretrain"))

from deepclust_core import AutoencoderConfig, TrainConfig  # noqa: E402

SMALL_AE = AutoencoderConfig(hidden=(32, 32, 64), embedding_dim=4)


@pytest.fixture
def small_config(tmp_path):
    """A quick TrainConfig (small autoencoder, few epochs, private cache)."""

    def make(**changes) -> TrainConfig:
        settings = dict(n_clusters=4, method="dekm", autoencoder=SMALL_AE, pretrain_epochs=5, cluster_epochs=5,
                        batch_size=64, cache_dir=str(tmp_path / "cache"), display_size=200)
        settings.update(changes)
        return TrainConfig(**settings)

    return make
