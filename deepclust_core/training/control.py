"""Pause, resume, step and stop a training run from another thread (the Keras `stop_training` idea,
and TensorFlow Playground's / GAN Lab's step and slow-motion modes).

The loop checks `should_stop()` before every batch (it blocks there while paused) and calls
`epoch_published()` once an epoch's snapshot has been handed on: that is where a Step, or slow
motion, pauses the run, so every panel, the scoreboard and the curves show the epoch just trained.
"""
from __future__ import annotations

import threading


class TrainingControl:
    """Flags the loop checks between batches; the UI or a signal handler sets them."""

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._epochs_left: int | None = None  # a Step's allowance: epochs to publish before pausing; None: no limit
        self.slow_motion = False  # pause after every epoch ("Pause after every epoch"); read at each epoch's end
        self.interrupted_because: str | None = None  # set by interrupt(): nobody was left to watch

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            self._running.set()  # wake a paused loop so it can see the stop

    def interrupt(self, reason: str) -> None:
        """Stop because the run lost its audience (the tab closed): it ends "interrupted", not "stopped"."""
        self.interrupted_because = reason
        self.stop()

    def pause(self) -> None:
        with self._lock:
            if not self._stop.is_set():
                self._running.clear()

    def resume(self) -> None:
        with self._lock:
            self._epochs_left = None
            self._running.set()

    def step(self) -> None:
        """Train until one more epoch is published, then pause: the rest of the epoch a Pause held (or the
        epoch after a Step's pause), in either phase. Pressed while running, it pauses after this epoch."""
        with self._lock:
            self._epochs_left = 1
            self._running.set()

    def epoch_published(self) -> None:
        """The loop's word that an epoch's snapshot has been handed on: pause here after a Step, or in slow
        motion. The loop then blocks in its next `should_stop()`, before any work of the next epoch."""
        with self._lock:
            if self._epochs_left is not None:
                self._epochs_left -= 1
            if self.slow_motion or self._epochs_left == 0:
                self._epochs_left = None
                if not self._stop.is_set():  # a stopped run is never paused again
                    self._running.clear()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def should_stop(self) -> bool:
        """Block while paused; then say whether the loop must stop now."""
        while not self._running.wait(timeout=0.1):
            pass
        return self._stop.is_set()
