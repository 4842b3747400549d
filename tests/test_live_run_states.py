"""LiveRun's states under every order of Pause, Resume, Stop and the end of training: an ended run never
reads "paused" or "running", and its watcher thread exits. Each race is forced, not hoped for: the
control's flag is wrapped so that training ends exactly between the button's check and its effect."""
from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from deepclust_core.runs import live
from deepclust_core.runs.live import LiveRun

ENDED_WITHIN = 30.0  # seconds; generous for a loaded 2-core machine


@pytest.fixture
def no_umap(monkeypatch):
    from deepclust_core.projection import frames

    monkeypatch.setattr(frames.projection, "warm_up", lambda: None)
    monkeypatch.setattr(frames.projection, "project", lambda H, previous, seed: H[:, :2].copy())


def scripted_run(tiny_run, training):
    """A LiveRun whose training is `training(run)`, a generator function that records its own ending."""
    run = LiveRun(tiny_run.data, tiny_run.config, record=False)
    run._training.snapshots = lambda: training(run)
    return run


def ends_as_told(status):
    """Training that waits for `go`, then ends with `status` without another look at the control's flags
    (as the loop does after the last batch of its last epoch)."""
    go = threading.Event()

    def training(run):
        if go.wait(ENDED_WITHIN):
            run.recording.finish(status)
        yield from ()
    return go, training


def assert_over(run, status):
    assert run.wait(ENDED_WITHIN), f"the run is still {run.status}"
    assert run.status == status and not run.active
    for thread in run._threads:  # the watcher polls every second
        thread.join(ENDED_WITHIN)
        assert not thread.is_alive(), f"{thread.name} never exited"


def test_pause_pressed_as_training_ends_leaves_the_run_ended(tiny_run):
    go, training = ends_as_told("finished")
    run = scripted_run(tiny_run, training)
    pause = run.control.pause

    def pause_after_training_ended():  # Pause was checked while training ran; training ends before it takes hold
        go.set()
        run._threads[0].join(ENDED_WITHIN)
        pause()
    run.control.pause = pause_after_training_ended
    run.start()
    run.pause()
    assert_over(run, "finished")


def test_resume_pressed_as_a_paused_run_stops_leaves_it_stopped(tiny_run):
    def training(run):  # blocks while paused, like the loop between batches
        while not run.control.should_stop():
            time.sleep(0.01)
        run.recording.finish("stopped")
        yield from ()
    run = scripted_run(tiny_run, training).start()
    run.pause()
    assert run.status == "paused"
    resume = run.control.resume

    def resume_after_stop_ended_it():  # Resume was checked while paused; Stop ends the run before it takes hold
        run.stop()
        run._threads[0].join(ENDED_WITHIN)
        resume()
    run.control.resume = resume_after_stop_ended_it
    run.resume()
    assert_over(run, "stopped")


def test_training_that_ends_while_paused_reads_as_ended(tiny_run):
    go, training = ends_as_told("converged")
    run = scripted_run(tiny_run, training).start()
    run.pause()
    assert run.status == "paused" and run.active
    go.set()
    assert_over(run, "converged")
    run.pause()  # the buttons of an ended run change nothing
    run.resume()
    assert run.status == "converged"


def test_stop_while_paused_ends_a_real_run(tmp_path, tiny_run, no_umap):
    run = LiveRun(tiny_run.data, replace(tiny_run.config, pretrain_epochs=100_000), record=False).start()
    run.wait_for_first_snapshot(ENDED_WITHIN)
    run.pause()
    assert run.status == "paused"
    time.sleep(0.3)
    held = len(run.history())
    time.sleep(0.5)
    assert len(run.history()) == held  # paused: no epoch ends
    run.stop()
    assert_over(run, "stopped")


def test_stop_ends_a_paced_wait_at_once(tiny_run, no_umap, monkeypatch):
    monkeypatch.setattr(live, "PACE_MOST_SECONDS", 600.0)  # without Stop, the wait would outlast the test
    monkeypatch.setattr(live, "WATCHED_SECONDS", 600.0)
    run = LiveRun(tiny_run.data, tiny_run.config, record=False, paced=True).start()
    deadline = time.time() + ENDED_WITHIN
    while not any(e.snapshot.phase == "cluster" for e in run.history()) and time.time() < deadline:
        time.sleep(0.05)  # a page that never draws a clustering epoch: the run waits at the first
    assert run.active and run.history()[-1].snapshot.phase == "cluster"
    run.stop()
    assert_over(run, "stopped")


def test_a_paced_run_waits_for_its_first_clustering_epoch_after_a_start_with_no_frames(tiny_run, no_umap,
                                                                                      monkeypatch):
    """A machine's first run: numba compiles UMAP through pretraining, so the page draws no frame for longer than
    WATCHED_SECONDS. The run still waits for the page to draw its clustering epochs (it went on unpaced: 0 of 6
    epochs drawn with their frame in test_first_run_browser)."""
    from deepclust_core.projection.frames import Frames

    monkeypatch.setattr(live, "PACE_MOST_SECONDS", 600.0)
    monkeypatch.setattr(live, "WATCHED_SECONDS", 0.5)
    monkeypatch.setattr(Frames, "wait_for_frame", lambda self, seq, stopped, most_seconds=300.0: time.sleep(1.0) or True)
    run = LiveRun(tiny_run.data, tiny_run.config, record=False, paced=True).start()

    def clustering():
        return [e for e in run.history() if e.snapshot.phase == "cluster"]
    deadline = time.time() + ENDED_WITHIN
    while not clustering() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert run.active and len(clustering()) == 1  # held at its first clustering epoch until a page draws it
    run.shown(clustering()[0].seq)
    while len(clustering()) < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert len(clustering()) >= 2  # drawn: the run goes on
    run.stop()
    assert_over(run, "stopped")


def test_a_bug_in_the_training_thread_ends_the_run_failed(tiny_run, no_umap, monkeypatch, capsys):
    run = LiveRun(tiny_run.data, tiny_run.config, record=False)
    monkeypatch.setattr(run, "_append", lambda snapshot: 1 / 0)
    run.start()
    assert_over(run, "failed")
    assert "ZeroDivisionError" in run.error
