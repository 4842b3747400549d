"""A run as the pages show it: a run training now (`LiveRun`) and a run read back from the
store (`StoredRun`) are both a `ShownRun`, so the live view and replay share one rendering path.

    run.history()            Entries (seq, display-size Snapshot), oldest first
    run.frames               their UMAP frames, made newest first and on demand (frames.Frames)
    run.data                 the Dataset the display rows index (y, class_names, X...)
    run.config, run.status, run.error, run.active, run.run_id (None when not recorded)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..data.dataset import Dataset
from ..projection.frames import Frames
from ..settings.train import TrainConfig
from ..training.snapshot import Snapshot


@dataclass(frozen=True)
class Entry:
    seq: int  # arrival number, stable even when old entries are thinned out
    snapshot: Snapshot  # display-size copy (labels of the display rows only)
    published: float | None = None  # time.time() when a live run added it to its history; None when read back


class ShownRun(Protocol):
    data: Dataset
    config: TrainConfig
    status: str  # running, paused, finished, converged, stopped, failed, interrupted
    error: str | None
    run_id: str | None  # its id in the run store; None when it is not recorded
    frames: Frames

    @property
    def active(self) -> bool: ...

    def history(self) -> list[Entry]: ...


MOST_EPOCHS_BEHIND = 2  # a view following live never holds back further for a frame


def live_edge(entries: list[Entry], frames: Frames, now: float) -> int:
    """Which entry a view following a live run shows: the newest, unless its UMAP frame is still
    being made and a frame takes longer than the newest entry has existed; then the newest entry
    that has its frame, so both panels show one epoch, at most one frame-time behind."""
    newest = entries[-1]
    if newest.published is None or frames.layout(newest.seq) is not None:
        return len(entries) - 1
    if now - newest.published > frames.projector.frame_seconds:
        return len(entries) - 1  # the frame is late: show the newest epoch with an older frame, and say so
    newest_index = len(entries) - 1
    for index in range(newest_index - 1, max(newest_index - 1 - MOST_EPOCHS_BEHIND, -1), -1):
        if frames.layout(entries[index].seq) is not None:
            return index
    return newest_index
