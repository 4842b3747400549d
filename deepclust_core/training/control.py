"""Pause, resume and stop a training run from another thread (the Keras `stop_training` idea)."""
from __future__ import annotations

import threading


class TrainingControl:
    """Flags the loop checks between batches; the UI or a signal handler sets them."""

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self.interrupted_because: str | None = None  # set by interrupt(): nobody was left to watch

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # wake a paused loop so it can see the stop

    def interrupt(self, reason: str) -> None:
        """Stop because the run lost its audience (the tab closed): it ends "interrupted", not "stopped"."""
        self.interrupted_because = reason
        self.stop()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

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
