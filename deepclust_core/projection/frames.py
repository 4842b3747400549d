"""Which UMAP frame to make next: newest first, then what a page looks at, then the rest.

Every run a page can show (a `LiveRun` training now, a `StoredRun` read back) keeps its
frames in a `Frames`. One projector thread per process serves all of them, one frame at a
time (the projection process is one), always taking the most urgent wish:

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
"""
from __future__ import annotations

import itertools
import threading
import time
import weakref
from typing import Callable

import numpy as np

from . import umap as projection

NEWEST, LOOKED_AT, FILL = 0, 1, 2
ON_SCREEN_SECONDS = 60.0  # a run looked at this recently still gets its skipped frames filled in

_wishes = threading.Condition()  # guards every Frames' state and wakes the projector
_all_frames: weakref.WeakSet[Frames] = weakref.WeakSet()
_projector: threading.Thread | None = None
_looks = itertools.count()  # orders looks across runs: the run looked at last is the one on screen
_frame_seconds = 0.5  # how long a frame takes here: a running mean of the projector's frames


class Frames:
    """The UMAP frames of one run's snapshots, by snapshot seq.

    `embeddings()` gives the run's snapshots as (seq, embedding) pairs, oldest first;
    `follows_newest()` says whether the newest one is wanted without being looked at (a live
    run: yes; a stored run: no); `training()` whether the run trains now (fill frames then
    pause between them)."""

    def __init__(self, embeddings: Callable[[], list[tuple[int, np.ndarray]]], seed: int, *,
                 follows_newest: Callable[[], bool] = lambda: False, training: Callable[[], bool] = lambda: False,
                 save: Callable[[int, np.ndarray], None] | None = None):
        self._embeddings, self._follows_newest, self._save, self.seed = embeddings, follows_newest, save, seed
        self._training = training
        self._layouts: dict[int, np.ndarray] = {}
        self._looked_at: int | None = None
        self._look_order = -1
        self._look_time = -np.inf
        with _wishes:
            _all_frames.add(self)

    # -- reading --------------------------------------------------------------------------------
    def layout(self, seq: int) -> np.ndarray | None:
        with _wishes:
            return self._layouts.get(seq)

    def nearest(self, seq: int) -> tuple[int, np.ndarray] | None:
        """The frame closest to `seq`, at or before it when possible, with its seq."""
        with _wishes:
            return self._nearest(seq)

    def seqs(self) -> list[int]:
        with _wishes:
            return sorted(self._layouts)

    # -- wishes ---------------------------------------------------------------------------------
    def look_at(self, seq: int) -> None:
        """A page draws snapshot `seq`: make its frame next unless a newest frame waits, and make
        this the run on screen."""
        with _wishes:
            self._looked_at, self._look_order, self._look_time = seq, next(_looks), time.monotonic()
            _wake()

    def pending(self, seq: int | None = None) -> bool:
        """Whether a wanted frame is still to come: `seq`'s (default: the one looked at), or the
        newest one of a run whose newest is followed."""
        with _wishes:
            return self._wish(NEWEST) is not None or (
                (seq if seq is not None else self._looked_at) not in (None, *self._layouts))

    def wait_for_frame(self, seq: int, stopped: Callable[[], bool], most_seconds: float = 300.0) -> bool:
        """Block until snapshot `seq` has its frame, `stopped()` says true, or `most_seconds` passed.

        A live run calls this at the start of its clustering phase: on a machine's first start numba
        compiles UMAP for about 25 s (minutes on a loaded machine), longer than a quick run's
        pretraining, and without the wait no clustering epoch got its own frame (docs/benchmarks.md)."""
        deadline = time.monotonic() + most_seconds
        with _wishes:
            while seq not in self._layouts and not stopped() and time.monotonic() < deadline:
                _wishes.wait(timeout=0.1)
            return seq in self._layouts

    def changed(self) -> None:
        """The run has a new snapshot (or has ended): wake the projector."""
        with _wishes:
            _wake()

    # -- writing --------------------------------------------------------------------------------
    def put(self, seq: int, layout: np.ndarray) -> None:
        """A frame made elsewhere (read back from the store)."""
        with _wishes:
            self._layouts[seq] = layout

    def forget(self, seqs) -> None:
        """Drop the frames of snapshots the run no longer keeps."""
        with _wishes:
            for seq in seqs:
                self._layouts.pop(seq, None)

    # -- the projector's side (called with _wishes held) ----------------------------------------
    def _nearest(self, seq: int) -> tuple[int, np.ndarray] | None:
        if not self._layouts:
            return None
        earlier = [s for s in self._layouts if s <= seq]
        chosen = max(earlier) if earlier else min(self._layouts)
        return chosen, self._layouts[chosen]

    def _wish(self, priority: int) -> int | None:
        """The seq this run wants projected at that priority, if any."""
        if priority == NEWEST:
            if not self._follows_newest():
                return None
            embeddings = self._embeddings()
            return embeddings[-1][0] if embeddings and embeddings[-1][0] not in self._layouts else None
        if priority == LOOKED_AT:
            return self._looked_at if self._looked_at is not None and self._looked_at not in self._layouts else None
        missing = [seq for seq, _ in self._embeddings() if seq not in self._layouts]
        if not missing:
            return None
        looked_at = self._looked_at if self._looked_at is not None else missing[-1]
        return min(missing, key=lambda seq: (abs(seq - looked_at), -seq))

    def _embedding(self, seq: int) -> np.ndarray | None:
        return next((H for s, H in self._embeddings() if s == seq), None)


def frame_seconds() -> float:
    """How long a frame takes on this machine now (a running mean over the last few frames)."""
    return _frame_seconds


def _wake() -> None:
    """Start the projector on first use; tell it there may be work (call with _wishes held)."""
    global _projector
    if _projector is None or not _projector.is_alive():
        _projector = threading.Thread(target=_project_forever, name="deepclust-projector", daemon=True)
        _projector.start()
    _wishes.notify_all()


def _on_screen() -> Frames | None:
    """The run looked at last, if that was within ON_SCREEN_SECONDS."""
    looked = [f for f in _all_frames if f._look_order >= 0]
    if not looked:
        return None
    latest = max(looked, key=lambda f: f._look_order)
    return latest if time.monotonic() - latest._look_time < ON_SCREEN_SECONDS else None


def _next_job() -> tuple[int, Frames, int] | None:
    """(priority, frames, seq) of the most urgent wish of all runs; the run looked at last first."""
    runs = sorted(_all_frames, key=lambda f: -f._look_order)
    for priority in (NEWEST, LOOKED_AT):
        for frames in runs:
            seq = frames._wish(priority)
            if seq is not None:
                return priority, frames, seq
    on_screen = _on_screen()
    seq = on_screen._wish(FILL) if on_screen is not None else None
    return None if seq is None else (FILL, on_screen, seq)


def _project_forever() -> None:
    global _frame_seconds
    projection.warm_up()
    while True:
        with _wishes:
            job = _next_job()
            while job is None:
                _wishes.wait(timeout=1.0)
                job = _next_job()
            priority, frames, seq = job
            embedding, previous = frames._embedding(seq), frames._nearest(seq)
            anyone_training = any(f._training() for f in _all_frames)
            if embedding is None:  # the run no longer keeps that snapshot (thinned out): nothing to make
                if frames._looked_at == seq:
                    frames._looked_at = None
                continue
        began = time.perf_counter()
        try:
            layout = projection.project(embedding, None if previous is None else previous[1], frames.seed)
        except projection.ProjectionFailed:  # say, a degenerate embedding: its principal axes stand in
            layout = projection.pca_layout(np.nan_to_num(embedding))
        with _wishes:
            frames._layouts[seq] = layout
            _frame_seconds = 0.8 * _frame_seconds + 0.2 * (time.perf_counter() - began)
            _wishes.notify_all()
        if frames._save is not None:
            frames._save(seq, layout)
        if priority == FILL and anyone_training:
            time.sleep(time.perf_counter() - began)
