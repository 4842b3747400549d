"""How long a run takes (deepclust_core.runs.duration): the first estimate, the estimate from recorded runs,
the pretraining cache, and the time left of a run from its own epochs."""
from dataclasses import replace
from itertools import pairwise
from statistics import median

import pytest

from deepclust_core.runs.duration import (
    SECONDS_PER_UNIT,
    SNAPSHOT_SECONDS,
    duration_text,
    estimate,
    first_estimate,
    network_units,
    recorded_epoch_seconds,
    time_left,
)
from deepclust_core.runs.recording import RecordedTraining
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.store.rows import EpochRow


def row(phase, epoch, seconds, total=10):
    return EpochRow(seq=0, phase=phase, epoch=epoch, epochs_in_phase=total, losses={}, metrics={}, scalars={},
                    reference_metrics={}, changed=0.0, seconds=seconds, elapsed=0.0, device="cpu", converged=False)


def test_duration_text():
    assert [duration_text(s) for s in (0.2, 42, 240, 3900)] == ["1 s", "42 s", "4 min", "1 h 5 min"]


def test_first_estimate_grows_with_rows_and_network(tiny_run):
    config = tiny_run.config
    units = network_units(config, 2)
    widths = [2, *config.autoencoder.hidden, config.autoencoder.embedding_dim]
    assert units == 2 * sum(a * b for a, b in pairwise(widths))
    small, large = first_estimate(1000, 2, config), first_estimate(4000, 2, config)
    assert large.pretrain - SNAPSHOT_SECONDS == pytest.approx(4 * (small.pretrain - SNAPSHOT_SECONDS))
    assert small.pretrain == pytest.approx(1000 * units * SECONDS_PER_UNIT["mlp"] + SNAPSHOT_SECONDS)
    assert small.runs == 0


def test_recorded_epoch_seconds_are_medians_and_skip_a_cached_pretraining(tiny_run):
    trained = [row("pretrain", e, s) for e, s in ((1, 1.0), (2, 2.0), (3, 3.0), (4, 2.0))] + [row("cluster", 0, 9.0)] + \
              [row("cluster", e, 0.5) for e in (1, 2, 3)]
    cached = [row("pretrain", 10, 0.01), row("cluster", 1, 1.5)]
    first = first_estimate(100, 2, tiny_run.config)
    assert recorded_epoch_seconds([], first) is first
    only_cached = recorded_epoch_seconds([(None, cached)], first)  # no pretraining timed: the first estimate's
    assert only_cached.pretrain == first.pretrain and only_cached.cluster == pytest.approx(1.5)
    times = recorded_epoch_seconds([(None, trained), (None, cached)], first)
    assert times.pretrain == pytest.approx(2.0)  # the cached run's one pretraining row says nothing of an epoch
    assert times.cluster == pytest.approx(1.0)  # median of 0.5 and 1.5; the clustering start (epoch 0) left out
    assert times.runs == 2 and times.start == pytest.approx(9.0)  # the clustering start, timed apart


def test_estimate_from_a_recorded_run_and_the_cache(tiny_run, tmp_path):
    store = RunStore(tmp_path / "store")
    config = replace(tiny_run.config, cache_dir=str(tmp_path / "cache"), use_cache=True)
    first = estimate(tiny_run.data, config, store)
    assert first.runs == 0 and not first.pretrain_cached and "first estimate" in first.line()
    for _ in RecordedTraining(tiny_run.data, config, store, origin="python").snapshots():
        pass
    measured = estimate(tiny_run.data, config, store)
    rows = store.epoch_rows(store.runs()[0].id)
    pretrain = median(r.seconds for r in rows if r.phase == "pretrain" and r.epoch >= 2)  # after the warm-up
    cluster = median(r.seconds for r in rows if r.phase == "cluster" and r.epoch >= 2)
    assert measured.runs == 1 and "measured on 1 earlier run" in measured.line()
    assert measured.pretrain_cached  # the run left its autoencoder in the cache: no pretraining to wait for
    trained = max(r.epoch for r in rows if r.phase == "cluster")  # the epochs it trained to its own end
    start = next(r.seconds for r in rows if r.phase == "cluster" and r.epoch == 0)
    assert measured.seconds == pytest.approx(start + trained * cluster) and not measured.at_most
    other_seed = replace(config, seed=5)  # another key: pretraining counts again, at the recorded pace
    assert estimate(tiny_run.data, other_seed, store).seconds == pytest.approx(
        config.pretrain_epochs * pretrain + start + trained * cluster)
    longer = estimate(tiny_run.data, replace(config, cluster_epochs=30), store)  # other settings: planned epochs
    assert longer.seconds == pytest.approx(start + 30 * cluster) and longer.at_most
    other_network = replace(config, batch_size=32)  # epochs of another batch size are not these
    assert estimate(tiny_run.data, other_network, store).runs == 0


def test_a_sweeps_trials_count_only_when_no_other_run_matches(tiny_run, tmp_path):
    """Nobody watches a sweep's trials, so no UMAP frame paces their epochs as a page's does."""
    store = RunStore(tmp_path / "store")
    config = replace(tiny_run.config, cache_dir=str(tmp_path / "cache"), use_cache=True)
    for origin in ("sweep", "sweep", "app"):
        for _ in RecordedTraining(tiny_run.data, config, store, origin=origin).snapshots():
            pass
        if origin == "sweep":
            assert estimate(tiny_run.data, config, store).runs == len(store.runs())  # trials alone: better than none
    assert estimate(tiny_run.data, config, store).runs == 1  # the page's own run only


def test_a_runs_first_epoch_holds_its_warm_up_and_is_left_out(tiny_run):
    """Seen in a sweep of blobs: a 2-epoch trial timed 2.87 s, then 0.20 s; a median of both (1.5 s an epoch) made
    the Train page promise 11 min for a 400-epoch run that took 83 s."""
    trial = [row("pretrain", 1, 2.87, total=2), row("pretrain", 2, 0.20, total=2), row("cluster", 0, 0.22, total=2),
             row("cluster", 1, 0.09, total=2), row("cluster", 2, 0.13, total=2)]
    times = recorded_epoch_seconds([(None, trial)], first_estimate(200, 2, tiny_run.config))
    assert times.pretrain == pytest.approx(0.20) and times.cluster == pytest.approx(0.13)
    one_epoch = recorded_epoch_seconds([(None, [row("pretrain", 1, 2.0), row("pretrain", 2, 2.0), row("cluster", 1, 0.7)])],
                                       first_estimate(200, 2, tiny_run.config))
    assert one_epoch.cluster == pytest.approx(0.7)  # a phase of one timed epoch has nothing else to go by
    config = replace(tiny_run.config, pretrain_epochs=400, cluster_epochs=0, method="ae-kmeans")
    started = [("pretrain", 1, 400, 2.87), ("pretrain", 2, 400, 0.20)]
    assert time_left(started, config) == pytest.approx(398 * 0.20)  # not 398 * 1.5 s after the second epoch
    assert time_left(started[:1], config) == pytest.approx(399 * 2.87)  # one epoch: all it has


def test_two_estimates_that_read_the_same_say_it_once():
    from deepclust_core.runs.duration import Estimate

    same = Estimate(650.0, runs=2, pretrain_cached=False, at_most=False, most_seconds=670.0)
    assert same.line().startswith("At most about 11 min on this machine (measured on 2 earlier runs")
    assert "usually" not in same.line()
    apart = Estimate(120.0, runs=1, pretrain_cached=False, at_most=False, most_seconds=240.0)
    assert "usually do; at most 4 min" in apart.line()


def test_time_left_from_the_runs_own_epochs(tiny_run):
    config = replace(tiny_run.config, pretrain_epochs=10, cluster_epochs=20, method="dec")
    assert time_left([("pretrain", 0, 10, 0.0)], config) is None
    during_pretraining = time_left([("pretrain", 1, 10, 2.0), ("pretrain", 2, 10, 2.0)], config)
    assert during_pretraining == pytest.approx(8 * 2.0 + 20 * 2.0 * 0.70)
    during_clustering = time_left([("pretrain", 10, 10, 2.0), ("cluster", 0, 20, 5.0), ("cluster", 5, 20, 1.0)], config)
    assert during_clustering == pytest.approx(15 * 1.0)
    at_the_kmeans_start = time_left([("pretrain", 10, 10, 2.0), ("cluster", 0, 20, 5.0)], config)
    assert at_the_kmeans_start == pytest.approx(20 * 2.0 * 0.70)  # was 0: "About 1 s left" with the phase to go


def test_a_stopping_rule_counts_the_epochs_such_runs_train_and_says_the_most():
    from deepclust_core.data.loaders import load_dataset
    from deepclust_core.recipe.build import config_for
    from deepclust_core.runs.duration import EpochSeconds, typical_epochs

    digits = load_dataset("digits")
    paper = config_for("depict", 10, data=digits, preset_name="paper", use_cache=False)
    assert (paper.pretrain_epochs, paper.cluster_epochs) == (4000, 4000)
    assert typical_epochs(paper) == (1500, 370)
    assert typical_epochs(replace(paper, pretrain_holdout=0.0)) == (4000, 370)  # no hold-out: no early end
    assert typical_epochs(replace(paper, pretrain_epochs=20, cluster_epochs=20)) == (20, 20)
    trial = EpochSeconds(pretrain=1.0, cluster=2.0, runs=0, start=3.0)
    probed = estimate(digits, paper, None, trial)
    assert probed.seconds == pytest.approx(1500 * 1.0 + 3.0 + 370 * 2.0)
    assert probed.most_seconds == pytest.approx(4000 * 1.0 + 3.0 + 4000 * 2.0)
    assert "usually" in probed.line() and "at most 3 h 20 min" in probed.line() and "trial" in probed.line()
    calibrated = estimate(digits, paper, None)  # before the trial: the calibrated rates, the same epochs
    assert calibrated.most_seconds / calibrated.seconds == pytest.approx(8000 / 1870, rel=0.05)
    quick = estimate(digits, replace(paper, pretrain_epochs=20, cluster_epochs=20), None, trial)
    assert quick.most_seconds is None and quick.line().startswith("At most about")


def test_time_left_counts_the_epochs_such_runs_train(tiny_run):
    config = replace(tiny_run.config, method="depict", pretrain_holdout=0.1, pretrain_epochs=4000, cluster_epochs=4000)
    assert time_left([("cluster", 0, 4000, 9.0), ("cluster", 10, 4000, 2.0)], config) == pytest.approx(360 * 2.0)
    assert time_left([("cluster", 400, 4000, 2.0)], config) == pytest.approx(2.0)  # past its usual end: one more
    pretraining = time_left([("pretrain", 100, 4000, 1.0)], config)
    assert pretraining == pytest.approx(1400 * 1.0 + 370 * 1.0 * 0.97)


def test_a_trial_times_both_phases_on_a_few_batches(tiny_run):
    from deepclust_core.runs.probe import probe_epoch_seconds
    from deepclust_core.training.control import TrainingControl

    config = replace(tiny_run.config, batch_size=16)  # 4 batches: 64 of the 160 rows
    seconds = probe_epoch_seconds(tiny_run.data, config)
    assert seconds.pretrain > 0 and seconds.cluster > 0 and seconds.start > 0 and seconds.runs == 0
    stopped = TrainingControl()
    stopped.stop()
    assert probe_epoch_seconds(tiny_run.data, config, stopped) is None


def test_the_pages_trial_runs_in_a_process_of_its_own(tiny_run):
    import time

    from deepclust_core.runs.probe import TrialProcess

    config = replace(tiny_run.config, batch_size=16)
    trial = TrialProcess(tiny_run.data, config)
    assert trial.result() is None or trial.done()
    deadline = time.time() + 600  # a Python process importing torch: minutes on a busy machine
    while not trial.done() and time.time() < deadline:
        time.sleep(0.5)
    seconds = trial.result()
    assert seconds is not None and seconds.pretrain > 0 and seconds.cluster > 0 and seconds.start > 0
    assert not trial.folder.exists()  # the rows it was handed are gone with it
    stopped = TrialProcess(tiny_run.data, config, delay=60)
    stopped.stop()
    assert stopped.done() and stopped.result() is None


def test_a_trial_ends_when_the_process_that_started_it_has_gone(tmp_path):
    """A server stopped while its page's trial trains leaves no trial behind, nor its rows (probe._end_with_parent)."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    from bench.live_view.procs import name_and_state

    starter = ("from deepclust_core import load_dataset, TrainConfig\n"
               "from deepclust_core.runs.probe import TrialProcess\n"
               "trial = TrialProcess(load_dataset('blobs', n_samples=100), TrainConfig(n_clusters=4), delay=600)\n"
               "print(trial.process.pid, trial.folder)\n")
    pid, folder = subprocess.run([sys.executable, "-c", starter], capture_output=True, text=True, check=True,
                                 cwd=tmp_path).stdout.split()
    trial_pid = int(pid)

    def running() -> bool:  # an ended process that nobody reaped yet is a zombie ("Z")
        return (name_and_state(trial_pid) or ("", "Z"))[1] != "Z"

    deadline = time.time() + 300  # the trial imports numpy and the package before it watches: slow when busy
    while time.time() < deadline and running():
        time.sleep(0.5)
    assert not running(), "the trial outlived the process that started it"
    assert not Path(folder).exists()  # nor the rows it was handed
