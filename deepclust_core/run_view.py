"""What the live view draws a run from: a run training now (`LiveRun`) and a run read back
from the store (`StoredRun`) both satisfy `RunView`, so live view and replay share one
rendering path.

    run.history()            Entries (seq, display-size Snapshot), oldest first
    run.layout(seq)          the UMAP frame of a snapshot, if there is one
    run.nearest_layout(seq)  the frame closest to it, for snapshots not projected
    run.data                 the Dataset the display rows index (y, class_names, X...)
    run.config, run.status, run.error, run.active, run.newest_projected, run.run_id (None when not recorded)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol

import numpy as np

from .config import TrainConfig
from .dataset import Dataset
from .snapshot import Snapshot


@dataclass(frozen=True)
class Entry:
    seq: int  # arrival number, stable even when old entries are thinned out
    snapshot: Snapshot  # display-size copy (labels of the display rows only)
    published: float | None = None  # time.time() when a live run added it to its history; None when read back


class RunView(Protocol):
    data: Dataset
    config: TrainConfig
    status: str  # running, paused, finished, converged, stopped, failed, interrupted
    error: str | None
    run_id: str | None  # its id in the run store; None when it is not recorded

    @property
    def active(self) -> bool: ...

    @property
    def newest_projected(self) -> bool: ...  # the view keeps refreshing until the newest snapshot has its frame

    def history(self) -> list[Entry]: ...

    def layout(self, seq: int) -> np.ndarray | None: ...

    def nearest_layout(self, seq: int) -> np.ndarray | None: ...


def nearest_layout(layouts: Mapping[int, np.ndarray], seq: int) -> np.ndarray | None:
    """The frame closest to `seq`, at or before it when possible."""
    if not layouts:
        return None
    earlier = [s for s in layouts if s <= seq]
    return layouts[max(earlier) if earlier else min(layouts)]


def display_subsample(n: int, size: int, seed: int) -> np.ndarray:
    """The fixed, seeded rows every snapshot shows (all rows when there are few)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
