"""One epoch at a time (issue 25): while a run is paused, Step trains exactly one more epoch, in either phase, and
pauses again with that epoch's snapshot already handed on; slow motion pauses after every epoch. The loop runs in
a thread as in the app, and each test waits for the pause rather than for a time."""
from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from test_live_run_states import ENDED_WITHIN, assert_over, no_umap  # noqa: F401  (no_umap: a fixture)

from deepclust_core import TrainingControl, load_dataset, train
from deepclust_core.catalog.dekm import DEKMConfig
from deepclust_core.methods.dekm import DEKM
from deepclust_core.runs.live import LiveRun
from deepclust_core.training.cores import threads_beside_the_page

HELD_SECONDS = 0.5  # a paused run that publishes nothing for this long is held (an epoch here takes milliseconds)


@pytest.fixture(scope="module")
def blobs():
    return load_dataset("blobs", n_samples=400, noise=0.0, seed=0)


class Consumer:
    """train() in a thread, as LiveRun runs it: the snapshots it has handed on, and how many there were the
    moment the control first read paused after each Step (the pause must come after the hand-over)."""

    def __init__(self, data, config, control: TrainingControl, method=None):
        self.control, self.snapshots = control, []
        self.thread = threading.Thread(target=self._train, args=(data, config, method), daemon=True)
        self.thread.start()

    def _train(self, data, config, method) -> None:
        import torch

        torch.set_num_threads(threads_beside_the_page())  # as LiveRun does: 2 threads crawl on a loaded machine
        self.snapshots.extend(train(data, config, self.control, method))

    def epochs(self) -> list[tuple[str, int]]:
        return [(s.phase, s.epoch) for s in self.snapshots]

    def paused_with(self) -> int:
        """Wait until the control pauses; how many snapshots were handed on by then. Then check it stays held."""
        deadline = time.time() + ENDED_WITHIN
        while not self.control.paused and time.time() < deadline:
            time.sleep(0.002)
        assert self.control.paused, f"never paused again; epochs so far {self.epochs()}"
        count = len(self.snapshots)
        time.sleep(HELD_SECONDS)
        assert len(self.snapshots) == count and self.thread.is_alive(), "a paused run went on training"
        return count

    def ran_to_the_end(self, cluster_epochs: int) -> bool:
        """Whether training ended, after its last clustering epoch or the method's stopping rule."""
        self.thread.join(ENDED_WITHIN)
        last = self.snapshots[-1]
        return not self.thread.is_alive() and last.phase == "cluster" and (last.converged or last.epoch == cluster_epochs)

    def step(self) -> tuple[str, int]:
        """Press Step; the one epoch it published."""
        before = len(self.snapshots)
        self.control.step()
        assert self.paused_with() == before + 1, self.epochs()
        return self.epochs()[-1]


def test_step_publishes_exactly_one_epoch_in_each_phase_then_pauses(blobs, small_config):
    control = TrainingControl()
    control.pause()
    consumer = Consumer(blobs, small_config(pretrain_epochs=2, cluster_epochs=3, use_cache=False), control)
    time.sleep(HELD_SECONDS)
    assert consumer.snapshots == []  # paused before the first batch
    stepped = [consumer.step() for _ in range(4)]
    # the set-up of clustering (k-means, the method's centres) is an epoch of its own: epoch 0
    assert stepped == [("pretrain", 1), ("pretrain", 2), ("cluster", 0), ("cluster", 1)]
    control.resume()
    assert consumer.ran_to_the_end(3) and consumer.epochs()[4] == ("cluster", 2)  # Resume: no limit again


def test_step_after_a_pause_mid_epoch_finishes_that_epoch(blobs, small_config):
    control, batches = TrainingControl(), []

    class PausingDEKM(DEKM):  # Pause pressed during the second batch of clustering epoch 1
        def batch_loss(self, x, index, ctx):
            batches.append(ctx.epoch)
            if len(batches) == 2:
                control.pause()
            return super().batch_loss(x, index, ctx)

    consumer = Consumer(blobs, small_config(pretrain_epochs=1, cluster_epochs=3), control,
                        method=PausingDEKM(DEKMConfig(), 4, 0))
    assert consumer.paused_with() == 2 and len(batches) == 2  # pretrain 1, cluster 0; held before batch 3
    assert consumer.step() == ("cluster", 1)  # the rest of epoch 1, not a whole epoch more
    assert batches.count(0) == len(batches)  # ctx.epoch counts finished epochs: no batch of epoch 2 ran
    control.stop()
    consumer.thread.join(ENDED_WITHIN)
    assert not consumer.thread.is_alive() and consumer.epochs()[-1] == ("cluster", 1)


def test_slow_motion_pauses_after_every_epoch_until_turned_off(blobs, small_config):
    control = TrainingControl()
    control.slow_motion = True
    consumer = Consumer(blobs, small_config(pretrain_epochs=2, cluster_epochs=4, use_cache=False), control)
    assert consumer.paused_with() == 1  # started running: the first epoch, then a pause
    for published in (2, 3):  # Resume in slow motion: one epoch each
        control.resume()
        assert consumer.paused_with() == published
    assert consumer.step() == ("cluster", 1)  # Step works the same
    control.slow_motion = False
    control.resume()
    assert consumer.ran_to_the_end(4)


def test_stop_while_a_step_is_under_way_ends_the_run(blobs, small_config):
    control = TrainingControl()
    control.pause()
    consumer = Consumer(blobs, small_config(pretrain_epochs=100_000), control)
    control.step()
    control.stop()  # a stopped run is never paused again, whatever the Step's epoch does
    consumer.thread.join(ENDED_WITHIN)
    assert not consumer.thread.is_alive() and len(consumer.snapshots) <= 1 and not control.paused


def wait_until(condition, what: str):
    deadline = time.time() + ENDED_WITHIN
    while not condition() and time.time() < deadline:
        time.sleep(0.01)
    assert condition(), what


def test_live_run_step_and_slow_motion(tiny_run, no_umap):  # noqa: F811  (the fixture imported above)
    run = LiveRun(tiny_run.data, tiny_run.config, record=False, slow_motion=True).start()
    wait_until(lambda: run.status == "paused", "slow motion never paused the run")
    assert [e.snapshot.epoch for e in run.history()] == [1]
    for seq in (1, 2, 3):  # pretrain 2 and 3, then clustering's epoch 0
        run.step()
        wait_until(lambda: run.status == "paused", f"Step {seq} never paused the run")
        assert run.history()[-1].seq == seq  # published before the pause: the page shows it
        wait_until(lambda seq=seq: run.frames.layout(seq) is not None, "the stepped epoch's frame was not made while paused")
        assert run.status == "paused"
    assert run.history()[-1].snapshot.phase == "cluster" and run.history()[-1].snapshot.epoch == 0
    run.slow_motion = False
    run.resume()
    assert_over(run, "finished")
    assert run.history()[-1].snapshot.epoch == tiny_run.config.cluster_epochs
    run.step()  # the buttons of an ended run change nothing
    assert run.status == "finished"


def test_live_run_step_pressed_while_running_pauses_after_this_epoch(tiny_run, no_umap):  # noqa: F811
    run = LiveRun(tiny_run.data, replace(tiny_run.config, pretrain_epochs=100_000), record=False).start()
    run.wait_for_first_snapshot(ENDED_WITHIN)
    run.step()
    wait_until(lambda: run.status == "paused", "Step while running never paused the run")
    held = len(run.history())
    time.sleep(HELD_SECONDS)
    assert len(run.history()) == held
    run.stop()
    assert_over(run, "stopped")
