"""Sweeps: the spec (no Ray), then real sweeps through one local Ray instance (started once, ~10 s):
every trial lands in the store tagged with its sweep, a trial that raises is recorded failed while
the others go on, Stop records what is left as stopped, and the summary's numbers. A local Ray
listens on loopback only; the app's sweep host keeps its Ray past each sweep, and its death ends
only its sweeps."""
from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bench.live_view.procs import descendants, listening_addresses, name_and_state

from deepclust_core.cli.main import main
from deepclust_core.data.loaders import load_dataset
from deepclust_core.runs.store import RunStore
from deepclust_core.sweeps.spec import Setting, SweepSpec, grid, parse_seeds, parse_values, spec_from_file
from deepclust_core.sweeps.summary import pairwise_agreement, summarize

pytestmark = pytest.mark.ray

TINY = {"pretrain_epochs": 2, "cluster_epochs": 2, "hidden": (16,), "embedding_dim": 2, "batch_size": 64}
BLOBS = {"name": "blobs", "n_samples": 200}


def test_grid_gives_each_method_the_axes_it_has():
    settings = grid(["dekm", "ae-kmeans"], {"stop_tolerance": [0.005, 0.001], "lr": [1e-3]})
    assert [s.label for s in settings] == ["dekm stop_tolerance=0.005 lr=0.001", "dekm stop_tolerance=0.001 lr=0.001",
                                           "ae-kmeans lr=0.001"]
    with pytest.raises(ValueError, match="no method of dekm has the setting alpha"):
        grid(["dekm"], {"alpha": [1.0]})
    with pytest.raises(ValueError, match="stop_tolerance must be in"):
        Setting("dekm", {"stop_tolerance": 2.0})


def test_seeds_values_and_sweep_files_parse():
    assert parse_seeds("0-2,7,1") == (0, 1, 2, 7)
    assert parse_values(["dekm"], "stop_tolerance=0.005,0.001") == ("stop_tolerance", [0.005, 0.001])
    assert parse_values(["dekm"], "hidden=64-64,32") == ("hidden", [(64, 64), (32,)])
    assert parse_values(["dekm"], "pretrain_epochs=5,10") == ("pretrain_epochs", [5, 10])
    spec = spec_from_file('{"data": {"name": "blobs"}, "methods": ["dekm"], "grid": {"k": [3, 4]}, '
                          '"settings": [{"method": "idec", "gamma": 0.2}], "seeds": "0-1"}')
    assert [s.label for s in spec.settings] == ["dekm k=3", "dekm k=4", "idec gamma=0.2"] and spec.seeds == (0, 1)
    with pytest.raises(ValueError, match="unknown keys"):
        spec_from_file('{"method": ["dekm"]}')


def test_a_trial_config_is_the_methods_recipe_with_the_settings_on_top():
    data = load_dataset(**BLOBS)
    spec = SweepSpec(data=BLOBS, settings=(Setting("dekm", {"stop_tolerance": 0.01, "k": 3}), Setting("idec")),
                     seeds=(4,), common={**TINY, "gamma": 0.5})  # gamma is IDEC's: it does not apply to DEKM
    dekm, idec = (spec.config(setting, 4, data) for setting in spec.settings)
    assert (dekm.n_clusters, dekm.seed, dekm.method_options["stop_tolerance"]) == (3, 4, 0.01)
    assert (dekm.pretrain_epochs, dekm.autoencoder.hidden, dekm.batch_size) == (2, (16,), 64)
    assert "gamma" not in dekm.method_options and idec.method_options["gamma"] == 0.5
    assert idec.n_clusters == data.n_classes
    with pytest.raises(ValueError, match="no method of the sweep has the setting gamma"):
        SweepSpec(data=BLOBS, settings=(Setting("dekm"),), common={"gamma": 0.5})


def test_pairwise_agreement_is_label_free():
    a = np.array([0, 0, 1, 1, 2, 2])
    assert pairwise_agreement([a, (a + 1) % 3]) == pytest.approx(1.0)  # the same partition, other names
    b = np.array([0, 1, 0, 1, 0, 1])
    expected = np.mean([adjusted_rand_score(a, b), adjusted_rand_score(a, a), adjusted_rand_score(b, a)])
    assert pairwise_agreement([a, b, a]) == pytest.approx(expected)
    assert pairwise_agreement([a]) is None


@pytest.fixture(scope="module")
def ray_instance():
    from deepclust_core.sweeps.local_ray import connect

    ray = connect()
    yield ray
    ray.shutdown()


def test_a_local_ray_listens_on_loopback_only(ray_instance):
    # this process (Ray's driver) and every Ray process under it: GCS server, raylet, agents, workers
    ray_instance.get([ray_instance.remote(lambda: 1).remote() for _ in range(2)])  # workers up, each with its port
    processes = [os.getpid(), *descendants(os.getpid())]
    listening = {(pid, facts[0]): listening_addresses(pid) for pid in processes if (facts := name_and_state(pid))}
    names = {name for (_, name), addresses in listening.items() if addresses}
    assert {"gcs_server", "raylet"} <= names and sum(map(len, listening.values())) >= 5, listening
    for (pid, name), addresses in listening.items():
        for address, port in addresses:
            assert (getattr(address, "ipv4_mapped", None) or address).is_loopback, f"{name} ({pid}) on {address}:{port}"


def test_every_trial_is_a_run_in_the_store_tagged_with_its_sweep(ray_instance, tmp_path):
    from deepclust_core.sweeps.driver import Sweep

    data = load_dataset(**BLOBS)
    spec = SweepSpec(data=BLOBS, settings=tuple(grid(["dekm"], {"stop_tolerance": [0.005, 0.001]})), seeds=(0, 1),
                     common=TINY, use_cache=False)
    store = RunStore(tmp_path)
    sweep = Sweep(spec, data, store)
    trials = sweep.run()
    assert [t.status for t in trials] == ["finished"] * 4
    runs = store.sweep_runs(sweep.sweep_id)
    assert sorted(r.id for r in runs) == sorted(t.run_id for t in trials) and len(runs) == 4
    assert {(r.sweep.setting, r.config.seed) for r in runs} == {(s.label, seed) for s, seed in spec.trials()}
    for run in runs:
        assert run.origin == "sweep" and run.n_snapshots == 5  # 2 pretraining epochs, k-means set-up, 2 epochs
        assert store.weight_seqs(run.id)[-1] == 4 and store.final_labels(run.id).shape == (200,)
        assert store.run_arrays(run.id, "rows") is not None  # every row's results, as a local run keeps

    summaries = summarize(store, sweep.sweep_id)
    assert [s.setting for s in summaries] == [s.label for s in spec.settings]
    for summary in summaries:
        mine = [r for r in runs if r.sweep.setting == summary.setting]
        accs = [r.final_metrics["acc"] for r in mine]
        assert summary.ended_well == 2 and summary.means["acc"] == pytest.approx(np.mean(accs))
        assert summary.stds["acc"] == pytest.approx(np.std(accs, ddof=1))
        labels = [store.final_labels(r.id) for r in mine]
        assert summary.stability == pytest.approx(adjusted_rand_score(*labels))


def test_a_trial_that_raises_is_failed_and_the_sweep_goes_on(ray_instance, tmp_path, capsys):
    # K=150 on 200 rows: the trial's own check raises on the worker; K=3 trains
    code = main(["sweep", "--data", "blobs", "--n-samples", "200", "--method", "dekm", "--option", "k=150,3",
                 "--option", "pretrain_epochs=1", "--option", "cluster_epochs=1", "--option", "hidden=16",
                 "--option", "embedding_dim=2", "--seeds", "0", "--no-cache", "--store", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    by_k = {r.config.n_clusters: r for r in RunStore(tmp_path).runs()}
    assert by_k[150].status == "failed" and "at least" in by_k[150].error and by_k[150].sweep is not None
    assert by_k[3].status == "finished" and by_k[3].n_snapshots == 3
    assert "| dekm k=3 | 1/1 |" in out and "| dekm k=150 | 0/1 (1 failed) |" in out


def test_stop_records_what_is_left_as_stopped(ray_instance, tmp_path):
    from deepclust_core.sweeps.driver import Sweep

    data = load_dataset(**BLOBS)
    spec = SweepSpec(data=BLOBS, settings=(Setting("dekm"),), seeds=(0, 1, 2),
                     common={**TINY, "pretrain_epochs": 500}, use_cache=False)
    store = RunStore(tmp_path)
    sweep = Sweep(spec, data, store)
    trials = sweep.run(on_change=lambda trial: trial.step and sweep.stop())  # Stop at the first snapshot
    assert [t.status for t in trials] == ["stopped"] * 3
    runs = store.sweep_runs(sweep.sweep_id)
    assert len(runs) == 3 and all(r.status == "stopped" for r in runs)
    assert max(r.n_snapshots for r in runs) >= 1 and min(r.n_snapshots for r in runs) < 500
    assert summarize(store, sweep.sweep_id)[0].stopped == 3


def test_a_store_written_before_sweeps_opens_and_gains_the_sweep_columns(tmp_path):
    import shutil
    import sqlite3

    from deepclust_core.runs.store import EXAMPLES_DIR

    shipped = RunStore(EXAMPLES_DIR, read_only=True)  # written before sweeps: no sweep columns
    assert shipped.runs() and all(r.sweep is None for r in shipped.runs())
    shutil.copytree(EXAMPLES_DIR, tmp_path / "old")
    columns = lambda: {row[1] for row in sqlite3.connect(tmp_path / "old" / "runs.sqlite").execute("PRAGMA table_info(runs)")}
    assert "sweep_id" not in columns()
    store = RunStore(tmp_path / "old")
    assert {"sweep_id", "sweep_setting"} <= columns()
    assert [r.id for r in store.runs()] == [r.id for r in shipped.runs()] and store.sweep_runs("any") == []


def ray_heads(host_pid: int) -> dict[int, str]:
    named = {pid: facts[0] for pid in descendants(host_pid) if (facts := name_and_state(pid))}
    return {pid: name for pid, name in named.items() if name in ("gcs_server", "raylet")}


def test_the_apps_ray_outlives_each_sweep_and_its_death_ends_only_its_sweeps(tmp_path):
    """The sweep host keeps one Ray for every sweep (a head tied to a sweep's thread died when the thread
    ended, and took the app's server with it a minute later); SIGKILL to the host (Ray and all) ends its
    sweep with one line, its runs read back interrupted, and this process goes on."""
    from deepclust_core.sweeps.host import SweepHost

    data = load_dataset(**BLOBS)
    spec = SweepSpec(data=BLOBS, settings=(Setting("dekm"),), seeds=(0, 1), common=TINY, use_cache=False)
    store = RunStore(tmp_path)
    host = SweepHost()
    try:
        first = host.start(spec, data, store)
        assert first.wait(300) and not first.errors and [t.status for t in first.trials] == ["finished"] * 2
        assert sorted(r.id for r in store.sweep_runs(first.sweep_id)) == sorted(t.run_id for t in first.trials)
        heads = ray_heads(host.process.pid)
        assert sorted(heads.values()) == ["gcs_server", "raylet"]
        time.sleep(2)  # the sweep's thread has ended: its head processes would be zombies by now
        assert all((name_and_state(pid) or ("", "gone"))[1] not in ("Z", "gone") for pid in heads)
        second = host.start(spec, data, store)
        assert second.wait(300) and [t.status for t in second.trials] == ["finished"] * 2
        assert ray_heads(host.process.pid) == heads  # the same Ray

        long = SweepSpec(data=BLOBS, settings=(Setting("dekm"),), seeds=(0, 1), common={**TINY, "pretrain_epochs": 500},
                         use_cache=False)
        third = host.start(long, data, store)
        deadline = time.monotonic() + 120
        while not any(t.step for t in third.trials) and time.monotonic() < deadline:
            time.sleep(0.2)
        os.kill(host.process.pid, signal.SIGKILL)
        assert third.wait(60) and not host.alive
        assert len(third.errors) == 1 and "Ray process ended" in third.errors[0]
        assert "interrupted" in {t.status for t in third.trials} <= {"interrupted", "not started"}
        assert {r.status for r in store.sweep_runs(third.sweep_id)} == {"interrupted"}
    finally:
        host.close()
