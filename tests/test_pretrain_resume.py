"""An interrupted pretraining goes on from its last saved epoch and ends on the same weights."""
from dataclasses import replace

import numpy as np
import pytest

from conftest import SMALL_AE
from deepclust_core import TrainingControl, load_dataset, train
from deepclust_core.networks import pretrain_progress
from deepclust_core.networks.pretrain import PretrainCache, pretrain_key


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=300, noise=0.0, seed=0)


def pretraining(data, config, stop_after: int | None = None) -> list:
    """The run's pretraining snapshots; with `stop_after`, Stop is pressed once that epoch is shown."""
    control, shown = TrainingControl(), []
    for snapshot in train(data, config, control):
        if snapshot.phase != "pretrain":
            break
        shown.append(snapshot)
        if snapshot.epoch == stop_after:
            control.stop()
    return shown


@pytest.mark.parametrize("recipe", ["adam", "depict-with-hold-out"])
def test_a_stopped_pretraining_resumes_to_the_same_weights(blobs, small_config, tmp_path, monkeypatch, recipe):
    """Adam's state, the batch order, dropout's random stream (DEPICT) and early stopping all come back."""
    monkeypatch.setattr(pretrain_progress, "SAVE_EVERY_S", 0.0)
    changes = dict(pretrain_epochs=6, cluster_epochs=1)
    if recipe != "adam":
        changes.update(method="depict", autoencoder=replace(SMALL_AE, kind="depict", embedding_dim=4),
                       pretrain_holdout=0.2, pretrain_patience=50)
    whole = pretraining(blobs, small_config(**changes, cache_dir=str(tmp_path / "whole")))
    config = small_config(**changes, cache_dir=str(tmp_path / "resumed"))

    first_part = pretraining(blobs, config, stop_after=3)
    progress_file = PretrainCache(config.cache_dir).progress(pretrain_key(blobs, config))
    assert [s.epoch for s in first_part] == [1, 2, 3] and progress_file.load().epoch == 3
    second_part = pretraining(blobs, config)

    assert [s.epoch for s in second_part] == [4, 5, 6]
    assert [s.losses for s in second_part] == [s.losses for s in whole[3:]]
    assert np.array_equal(second_part[-1].embedding, whole[-1].embedding)
    assert not progress_file.path.exists()  # the finished autoencoder is cached; its progress is gone


def test_progress_that_cannot_be_read_starts_pretraining_over(blobs, small_config, monkeypatch):
    monkeypatch.setattr(pretrain_progress, "SAVE_EVERY_S", 0.0)
    config = small_config(pretrain_epochs=4, cluster_epochs=1)
    progress_file = PretrainCache(config.cache_dir).progress(pretrain_key(blobs, config))
    progress_file.path.parent.mkdir(parents=True)
    progress_file.path.write_bytes(b"not a checkpoint")
    assert [s.epoch for s in pretraining(blobs, config)] == [1, 2, 3, 4]


def test_no_progress_is_saved_without_the_cache(blobs, small_config, monkeypatch):
    monkeypatch.setattr(pretrain_progress, "SAVE_EVERY_S", 0.0)
    config = small_config(pretrain_epochs=4, cluster_epochs=1, use_cache=False)
    pretraining(blobs, config, stop_after=2)
    assert not any(PretrainCache(config.cache_dir).folder.glob("*.progress.pt"))


def test_a_damaged_cached_autoencoder_is_pretrained_again(blobs, small_config):
    config = small_config(pretrain_epochs=2, cluster_epochs=1)
    cache = PretrainCache(config.cache_dir)
    cache.path(pretrain_key(blobs, config)).parent.mkdir(parents=True)
    cache.path(pretrain_key(blobs, config)).write_bytes(b"not weights")
    assert [s.epoch for s in pretraining(blobs, config)] == [1, 2]
