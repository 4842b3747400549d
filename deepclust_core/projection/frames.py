"""Which UMAP frame to make next: newest first, then what a page looks at, then the rest.

Every run a page can show (a `LiveRun` training now, a `StoredRun` read back) keeps its
frames in a `Frames`. One `Projector` per process (`Projector.shared()`) serves all of them
from a thread of its own, one frame at a time (the projection process is one), always taking
the most urgent wish:

1. NEWEST: the newest snapshot of a run that is training, or has just ended, while it has no
   frame: what the live view follows. A frame takes a fraction of a second, so the panel is
   at most one frame-time behind the newest epoch.
2. LOOKED_AT: the snapshot a page is drawing (`look_at`), say a scrubbed or replayed epoch, or
   an epoch of a stored run opened on the Runs page.
3. FILL: only when nothing above waits, the frames that the run on screen (the one looked at
   last, within ON_SCREEN_SECONDS) skipped, nearest the epoch looked at first. While any run
   trains, a fill frame is followed by a pause as long as itself, leaving a core to training.

Nothing else is projected: a run nobody looks at gets no frames but its newest, and stored
runs none at all until they are opened. Each frame is warm-started from the nearest frame
made before it (`nearest`) and handed to `save` (the run store) once made.

Locks: each `Frames` guards its own frames and looks; the projector's lock guards only its list of
runs and its wake-up. No lock is held while a run's callbacks (`embeddings`, `follows_newest`,
`training`, `save`) are called, so a run may take its own lock in them.
"""
from __future__ import annotations

import itertools
import threading
import time
import traceback
import weakref
from typing import Callable, NamedTuple

import numpy as np

from . import umap as projection

NEWEST, LOOKED_AT, FILL = 0, 1, 2
ON_SCREEN_SECONDS = 60.0  # a run looked at this recently still gets its skipped frames filled in


class Job(NamedTuple):
    priority: int  # NEWEST, LOOKED_AT or FILL
    frames: "Frames"
    seq: int


class Projector:
    """Makes every registered run's frames, most urgent first, in a thread started on the first wake-up.

    `Projector.shared()` is the process's; a test makes its own with `autostart=False` and asks
    `next_job()` what would be made next."""

    _shared: Projector | None = None
    _shared_lock = threading.Lock()

    def __init__(self, autostart: bool = True):
        self._wake_up = threading.Condition()  # guards _runs, _poked and _thread
        self._runs: weakref.WeakSet[Frames] = weakref.WeakSet()
        self._poked = False
        self._thread: threading.Thread | None = None
        self._autostart = autostart
        self._looks = itertools.count()  # orders looks across runs: the run looked at last is the one on screen
        self.frame_seconds = 0.5  # how long a frame takes here now: a running mean of the last few frames

    @classmethod
    def shared(cls) -> Projector:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def add(self, frames: Frames) -> None:
        with self._wake_up:
            self._runs.add(frames)

    def next_look(self) -> int:
        return next(self._looks)

    def wake(self) -> None:
        """There may be work: start the thread on first use, and let it look."""
        with self._wake_up:
            self._poked = True
            if self._autostart and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(target=self._project_forever, name="deepclust-projector", daemon=True)
                self._thread.start()
            self._wake_up.notify_all()

    def next_job(self) -> Job | None:
        """The most urgent wish of all runs: newest frames, then looked-at ones (the run looked at last first),
        then the fill frames of the run on screen."""
        with self._wake_up:
            runs = sorted(self._runs, key=lambda frames: -frames.last_look[0])
        for priority in (NEWEST, LOOKED_AT):
            for frames in runs:
                seq = frames.wish(priority)
                if seq is not None:
                    return Job(priority, frames, seq)
        order, when = runs[0].last_look if runs else (-1, 0.0)
        if order < 0 or time.monotonic() - when >= ON_SCREEN_SECONDS:
            return None
        seq = runs[0].wish(FILL)
        return None if seq is None else Job(FILL, runs[0], seq)

    def _wait_for_work(self) -> Job:
        while True:
            with self._wake_up:
                if not self._poked:
                    self._wake_up.wait(timeout=1.0)  # also looks again each second: a look ages off screen
                self._poked = False
            job = self.next_job()
            if job is not None:
                return job

    def _project_forever(self) -> None:
        projection.warm_up()
        while True:
            priority, frames, seq = self._wait_for_work()
            embedding, previous = frames.embedding(seq), frames.nearest(seq)
            if embedding is None:  # the run no longer keeps that snapshot (thinned out): nothing to make
                frames.forget_look(seq)
                continue
            with self._wake_up:
                runs = list(self._runs)
            anyone_training = any(run.training() for run in runs)
            began = time.perf_counter()
            try:
                layout = projection.project(embedding, None if previous is None else previous[1], frames.seed)
            except projection.ProjectionFailed:  # say, a degenerate embedding: its principal axes stand in
                layout = projection.pca_layout(np.nan_to_num(embedding))
            self.frame_seconds = 0.8 * self.frame_seconds + 0.2 * (time.perf_counter() - began)
            try:
                frames.made(seq, layout)
            except Exception:  # noqa: BLE001 - one run failing to keep its frame must not stop every run's frames
                traceback.print_exc()
            with self._wake_up:
                self._poked = True  # look again at once: more frames may be wanted
            if priority == FILL and anyone_training:
                time.sleep(time.perf_counter() - began)


class Frames:
    """The UMAP frames of one run's snapshots, by snapshot seq.

    `embeddings()` gives the run's snapshots as (seq, embedding) pairs, oldest first;
    `follows_newest()` says whether the newest one is wanted without being looked at (a live
    run: yes; a stored run: no); `training()` whether the run trains now (fill frames then
    pause between them); `save(seq, layout)` keeps a frame once made."""

    def __init__(self, embeddings: Callable[[], list[tuple[int, np.ndarray]]], seed: int, *,
                 follows_newest: Callable[[], bool] = lambda: False, training: Callable[[], bool] = lambda: False,
                 save: Callable[[int, np.ndarray], None] | None = None, projector: Projector | None = None):
        self._embeddings, self._follows_newest, self._save, self.seed = embeddings, follows_newest, save, seed
        self.training = training
        self.projector = projector or Projector.shared()
        self._changed = threading.Condition()  # guards the fields below; notified when a frame lands
        self._layouts: dict[int, np.ndarray] = {}
        self._looked_at: int | None = None
        self._look = (-1, -np.inf)  # (order among all looks, monotonic time) of the last look
        self.projector.add(self)

    # -- reading --------------------------------------------------------------------------------
    def layout(self, seq: int) -> np.ndarray | None:
        with self._changed:
            return self._layouts.get(seq)

    def nearest(self, seq: int) -> tuple[int, np.ndarray] | None:
        """The frame closest to `seq`, at or before it when possible, with its seq."""
        with self._changed:
            if not self._layouts:
                return None
            earlier = [s for s in self._layouts if s <= seq]
            chosen = max(earlier) if earlier else min(self._layouts)
            return chosen, self._layouts[chosen]

    def seqs(self) -> list[int]:
        with self._changed:
            return sorted(self._layouts)

    def embedding(self, seq: int) -> np.ndarray | None:
        """The snapshot's embedding, while the run keeps it."""
        return next((H for s, H in self._embeddings() if s == seq), None)

    @property
    def last_look(self) -> tuple[int, float]:
        with self._changed:
            return self._look

    # -- wishes ---------------------------------------------------------------------------------
    def look_at(self, seq: int) -> None:
        """A page draws snapshot `seq`: make its frame next unless a newest frame waits, and make
        this the run on screen."""
        with self._changed:
            self._looked_at, self._look = seq, (self.projector.next_look(), time.monotonic())
        self.projector.wake()

    def forget_look(self, seq: int) -> None:
        """The snapshot looked at is gone (thinned out): no frame is wanted for it."""
        with self._changed:
            if self._looked_at == seq:
                self._looked_at = None

    def wish(self, priority: int) -> int | None:
        """The seq this run wants projected at that priority, if any (the module docstring)."""
        if priority == NEWEST:
            embeddings = self._embeddings() if self._follows_newest() else []
            newest = embeddings[-1][0] if embeddings else None
            with self._changed:
                return newest if newest is not None and newest not in self._layouts else None
        if priority == LOOKED_AT:
            with self._changed:
                return self._looked_at if self._looked_at is not None and self._looked_at not in self._layouts else None
        seqs = [seq for seq, _ in self._embeddings()]
        with self._changed:
            missing = [seq for seq in seqs if seq not in self._layouts]
            looked_at = self._looked_at
        if not missing:
            return None
        looked_at = looked_at if looked_at is not None else missing[-1]
        return min(missing, key=lambda seq: (abs(seq - looked_at), -seq))

    def pending(self, seq: int | None = None) -> bool:
        """Whether a wanted frame is still to come: `seq`'s (default: the one looked at), or the
        newest one of a run whose newest is followed."""
        newest_wanted = self.wish(NEWEST) is not None
        with self._changed:
            return newest_wanted or (seq if seq is not None else self._looked_at) not in (None, *self._layouts)

    def wait_for_frame(self, seq: int, stopped: Callable[[], bool], most_seconds: float = 300.0) -> bool:
        """Block until snapshot `seq` has its frame, `stopped()` says true, or `most_seconds` passed.

        A live run calls this at the start of its clustering phase: on a machine's first start numba
        compiles UMAP for about 25 s (minutes on a loaded machine), longer than a quick run's
        pretraining, and without the wait no clustering epoch got its own frame (docs/benchmarks.md)."""
        deadline = time.monotonic() + most_seconds
        while not stopped() and time.monotonic() < deadline:
            with self._changed:
                if seq in self._layouts:
                    return True
                self._changed.wait(timeout=0.1)
        return self.layout(seq) is not None

    def changed(self) -> None:
        """The run has a new snapshot (or has ended): wake the projector."""
        self.projector.wake()

    # -- writing --------------------------------------------------------------------------------
    def put(self, seq: int, layout: np.ndarray) -> None:
        """A frame made elsewhere (read back from the store)."""
        with self._changed:
            self._layouts[seq] = layout
            self._changed.notify_all()

    def made(self, seq: int, layout: np.ndarray) -> None:
        """A frame the projector made: kept, and handed to `save`."""
        self.put(seq, layout)
        if self._save is not None:
            self._save(seq, layout)

    def forget(self, seqs) -> None:
        """Drop the frames of snapshots the run no longer keeps."""
        with self._changed:
            for seq in seqs:
                self._layouts.pop(seq, None)
