"""A race: 2 to 4 methods cluster the same data side by side, from one pretrained autoencoder, in step.

    race = Race(data, race_configs(["dekm", "dec"], data, k=10)).start()
    race.lanes                 # one RaceLane (a recorded live run) per method, read as any live run
    race.pause(); race.resume(); race.stop(); race.wait(timeout)
    race.step()                # one more epoch of every method, then pause
    race.slow_motion = True    # pause after every round

One thread trains every method, one epoch at a time and in turn:

1. the lead (the first method) pretrains the autoencoder, which the cache of pretrained autoencoders
   keeps (or loads it from there), and sets up its clusters (clustering epoch 0);
2. each other method loads that autoencoder from the cache (recipe/race.py gives every method the
   lead's pretraining, hence the same key) and sets up its own clusters;
3. rounds: clustering epoch e of every method still training, then epoch e + 1 of each. A method that
   converges or runs out of epochs ends; the others go on.

So epoch e of every method exists before any method's epoch e + 1. With `paced` (the page's "Show every
clustering epoch"), the race waits after each round, as a paced live run does after each epoch, until the
page has drawn every method's epoch with its own UMAP frame (at most PACE_MOST_SECONDS a method): then
epoch e of every method is drawn before any method's e + 1 is trained. Each method is an ordinary run in the
run store, its record naming the race (`RunStore.race_runs`).

Step and slow motion act on the race, not on one method: a step is one round (clustering epoch e + 1 of
every method still training), or, before the rounds, one epoch of the shared pretraining or one method's
set-up. After it the race pauses every method before its next batch, so every panel shows that round.
"""
from __future__ import annotations

import secrets
import threading
import time
from typing import Callable

from ...data.dataset import Dataset
from ...settings.train import TrainConfig
from ...training.cores import threads_beside_the_page
from .lane import RaceLane
from ..store import RunStore


def new_race_id() -> str:
    return "race-" + time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


class Race:
    def __init__(self, data: Dataset, configs: list[TrainConfig], *, is_alive: Callable[[], bool] | None = None,
                 store: RunStore | None = None, record: bool = True, paced: bool = False, name: str = ""):
        """`configs`: one per method, the lead's first (recipe/race.py); `name`: the user's, given to every
        method's run; the other arguments as LiveRun's."""
        self.data, self.race_id = data, new_race_id()
        self.name = name
        self.lanes = [RaceLane(data, config, race_id=self.race_id, is_alive=is_alive, store=store, record=record,
                               paced=paced, name=name) for config in configs]
        self._paced = paced
        self.slow_motion = False  # pause after every round ("Pause after every epoch"); read after each one
        self._steps_left: int | None = None  # a Step's allowance in rounds; None: no limit
        self._step_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._done = threading.Event()

    # -- control -----------------------------------------------------------------------
    def start(self) -> "Race":
        for lane in self.lanes:
            lane.start()
        self._thread = threading.Thread(target=self._train, name="deepclust-race", daemon=True)
        self._thread.start()
        return self

    def pause(self) -> None:
        for lane in self.lanes:
            lane.pause()

    def resume(self) -> None:
        with self._step_lock:
            self._steps_left = None
        for lane in self.lanes:
            lane.resume()

    def step(self) -> None:
        """One more round of every method (before the rounds: one pretraining epoch or set-up), then pause."""
        with self._step_lock:
            self._steps_left = 1
        for lane in self.lanes:
            lane.resume()

    def _after_one(self) -> None:
        """The race thread's word that a round (or a pretraining epoch or set-up) is over: pause here after a Step,
        or in slow motion."""
        with self._step_lock:
            if self._steps_left is not None:
                self._steps_left -= 1
            stepped_out = self._steps_left == 0
            if stepped_out:
                self._steps_left = None
        if stepped_out or self.slow_motion:
            self.pause()

    def stop(self) -> None:
        for lane in self.lanes:
            lane.stop()

    @property
    def paced(self) -> bool:
        return self._paced

    @paced.setter
    def paced(self, paced: bool) -> None:
        self._paced = paced
        for lane in self.lanes:
            lane.paced = paced

    # -- reading -----------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return not self._done.is_set()

    @property
    def status(self) -> str:
        """running or paused while any method trains, then "ended"."""
        if not self.active:
            return "ended"
        return "paused" if any(lane.status == "paused" for lane in self.lanes) else "running"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every method has ended (at most `timeout` seconds); whether they have."""
        return self._done.wait(timeout)

    def release(self, timeout: float = 30.0) -> bool:
        """Stop, then forget what every method holds in memory (the run store keeps it)."""
        self.stop()
        return self.wait(timeout) and all([lane.release(timeout) for lane in self.lanes])

    # -- the thread --------------------------------------------------------------------
    def _train(self) -> None:
        import torch

        torch.set_num_threads(threads_beside_the_page())
        try:
            lead, *others = self.lanes
            if not self._until_clustering(lead):
                for lane in others:  # without the shared autoencoder no method can start
                    lane.end_unstarted(f"the shared autoencoder's pretraining (in the {lead.config.method} run) "
                                       f"did not finish: {lead.status}")
                return
            for lane in others:
                self._until_clustering(lane)
            while any(lane.active for lane in self.lanes):
                shown = [(lane, lane.advance()) for lane in self.lanes if lane.active]
                if self._paced:
                    for lane, snapshot in shown:
                        if snapshot is not None:
                            lane.wait_until_drawn()
                self._after_one()
        finally:
            self._done.set()

    def _until_clustering(self, lane: RaceLane) -> bool:
        """Advance `lane` to its first clustering snapshot (its set-up, after the shared pretraining); whether it
        got there."""
        while (snapshot := lane.advance()) is not None:
            self._after_one()
            if snapshot.phase == "cluster":
                return True
        return False
