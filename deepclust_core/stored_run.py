"""A run read back from the store, with the reading side of LiveRun (see run_view.RunView).

Nothing is recomputed and the data set is not reloaded: `data` holds the display rows only
(features and true labels, as stored), and the snapshots index them 0..n_display-1. A run
still training elsewhere (another tab, the CLI) grows as it is read: `history()` fetches
the snapshots and UMAP frames saved since the last call.
"""
from __future__ import annotations

import threading

import numpy as np

from .dataset import Dataset
from .run_files import snapshot_from
from .run_record import RunRecord
from .run_view import Entry, nearest_layout
from .snapshot import Snapshot
from .store import RunStore


class StoredRun:
    def __init__(self, store: RunStore, run_id: str):
        self.store, self.run_id = store, run_id
        self.record: RunRecord = store.record(run_id)
        self.config = self.record.config
        display = store.display(run_id)
        info = self.record.data
        self.data = Dataset(X=display.X, y=display.y, name=info.name, image_shape=info.image_shape,
                            class_names=info.class_names, scaling=info.scaling)
        self._rows = np.arange(len(display.index))  # the snapshots' display rows, renumbered
        self._entries: list[Entry] = []
        self._layouts: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()
        self._fetch()

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def error(self) -> str | None:
        return self.record.error

    @property
    def active(self) -> bool:
        return self.record.active

    @property
    def newest_projected(self) -> bool:
        """True: nothing projects a stored run here, so there is no frame to wait for."""
        return True

    def history(self) -> list[Entry]:
        if self.active:
            self.record = self.store.record(self.run_id)
            self._fetch()
        with self._lock:
            return list(self._entries)

    def layout(self, seq: int) -> np.ndarray | None:
        with self._lock:
            return self._layouts.get(seq)

    def nearest_layout(self, seq: int) -> np.ndarray | None:
        with self._lock:
            return nearest_layout(self._layouts, seq)

    def _fetch(self) -> None:
        """Read the snapshots and UMAP frames saved since the last fetch (the projector saves frames
        of older snapshots too, so every stored frame not yet here is read)."""
        with self._lock:
            newest = self._entries[-1].seq if self._entries else -1
            for row in self.store.epoch_rows(self.run_id, after=newest):
                snapshot = snapshot_from(row, self.store.epoch_arrays(self.run_id, row.seq), self._rows)
                self._entries.append(Entry(row.seq, snapshot))
            for seq in set(self.store.layout_seqs(self.run_id)) - set(self._layouts):
                self._layouts[seq] = self.store.layout(self.run_id, seq)


def last_snapshot(store: RunStore, run_id: str) -> Snapshot | None:
    """A run's newest snapshot alone (display rows numbered 0..n_display-1, as in StoredRun)."""
    rows = store.epoch_rows(run_id, after=store.record(run_id).n_snapshots - 2)
    if not rows:
        return None
    arrays = store.epoch_arrays(run_id, rows[-1].seq)
    return snapshot_from(rows[-1], arrays, np.arange(len(arrays["labels"])))
