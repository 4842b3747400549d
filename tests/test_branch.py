"""Branching: the child starts from the parent's weights at the chosen snapshot."""
from dataclasses import asdict, replace

import numpy as np
import pytest
import torch

from deepclust_core.catalog.ae_kmeans import AEKMeansConfig
from deepclust_core.catalog.dec import DECConfig
from deepclust_core.catalog.dekm import DEKMConfig
from deepclust_core.recipe.build import preset
from deepclust_core.runs.branch import branch_config, branch_start, reload_data
from deepclust_core.runs.recording import RecordedTraining, Recording, recorded
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.store.rows import Parent
from deepclust_core.settings.autoencoder import AutoencoderConfig


@pytest.fixture
def parent(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder)

    def as_trained():  # each snapshot with the weights the autoencoder had when it was yielded
        for snapshot, weights in zip(tiny_run.snapshots, tiny_run.weights):
            tiny_run.autoencoder.load_state_dict(weights)
            yield snapshot

    for _ in recorded(as_trained(), recording):
        pass
    return store, recording.run_id


def test_child_starts_from_the_parents_weights_at_that_epoch(parent, tiny_run):
    store, run_id = parent
    rows = store.epoch_rows(run_id)
    at = next(r for r in rows if r.phase == "cluster" and r.epoch == 1)
    config = branch_config(tiny_run.config, at, {"lr": 5e-4, "cluster_epochs": 2})
    assert (config.pretrain_epochs, config.lr, config.use_cache) == (0, 5e-4, False)
    start = branch_start(store, run_id, at.seq, tiny_run.data, config)
    for name, tensor in start.autoencoder.state_dict().items():
        assert torch.equal(tensor, tiny_run.weights[at.seq][name].half().float())  # float16 on disk
    position = tiny_run.config.pretrain_epochs + 1
    assert start.parent == Parent(run_id, at.seq, position)

    training = RecordedTraining(tiny_run.data, config, store, origin="python", branch_from=start)
    child = list(training.snapshots())
    assert training.autoencoder is start.autoencoder
    assert child[0].phase == "cluster" and child[0].epoch == 0  # no pretraining: straight to the method's setup
    assert np.allclose(child[0].embedding, tiny_run.snapshots[at.seq].embedding, rtol=0.02, atol=0.02)
    assert store.run_record(training.run_id).parent == Parent(run_id, at.seq, position)


def test_branch_during_pretraining_finishes_the_pretraining_left(parent, tiny_run):
    store, run_id = parent
    at = store.epoch_rows(run_id)[0]  # pretraining epoch 1 of 3
    assert branch_config(tiny_run.config, at, {}).pretrain_epochs == 2


def test_a_branch_keeps_the_architecture_and_drops_foreign_options(tiny_run, parent):
    store, run_id = parent
    at = store.epoch_rows(run_id)[-1]
    with pytest.raises(ValueError, match="autoencoder"):
        branch_config(tiny_run.config, at, {"autoencoder": AutoencoderConfig(hidden=(8,), embedding_dim=2)})
    dekm = replace(tiny_run.config, method_options={"update_interval": 3})
    assert branch_config(dekm, at, {}).method_options == asdict(DEKMConfig(update_interval=3))  # the parent's
    assert branch_config(dekm, at, {"method": "dec"}).method_options == asdict(DECConfig())  # none of DEKM's
    ae_kmeans = branch_config(dekm, at, {"method": "ae-kmeans"})  # a new method's options: its recipe's
    assert ae_kmeans.method_options["n_init"] == preset("ae-kmeans")["n_init"] != AEKMeansConfig().n_init
    with pytest.raises(ValueError, match="update_interval"):
        branch_config(dekm, at, {"method_options": {"update_interval": -1}})
    with pytest.raises(KeyError):
        branch_start(store, run_id, 999, tiny_run.data, tiny_run.config)


def test_the_data_is_reloaded_and_checked(parent):
    store, run_id = parent
    record = store.run_record(run_id)
    assert reload_data(record).fingerprint() == record.data.fingerprint
    other = replace(record, data=replace(record.data, source={**record.data.source, "noise": 0.2}))
    with pytest.raises(ValueError, match="changed"):
        reload_data(other)
