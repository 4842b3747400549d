"""A run read back from the store, with the reading side of LiveRun (see shown_run.ShownRun).

Nothing is recomputed and the data set is not reloaded: `data` holds the display rows only
(features and true labels, as stored), and the snapshots index them 0..n_display-1. A run
still training elsewhere (another tab, the CLI) grows as it is read: `history()` fetches
the snapshots and UMAP frames saved since the last call. Epochs without a stored frame get
one when a page looks at them (`frames.look_at`, see projection/frames.py), saved back to the store
unless it is read-only. `decode` sends points through the decoder of the weights stored with
a snapshot (the store keeps them for some snapshots only). `rows()` exports every row's result,
`assign(file)` assigns new rows to the run's clusters.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..projection.frames import Frames
from ..training.snapshot import Snapshot
from .store.files import snapshot_from
from .shown_run import Entry
from .store import RunStore
from .store.rows import RunRecord
from .store.unavailable import StoreUnavailable

if TYPE_CHECKING:
    from ..networks.autoencoder import Autoencoder
    from .row_table import RowTable


class StoredRun:
    def __init__(self, store: RunStore, run_id: str):
        self.store, self.run_id = store, run_id
        self.record: RunRecord = store.run_record(run_id)
        self.config = self.record.config
        display = store.display(run_id)
        self.data = self.record.data.with_rows(display.X, display.y, display.ids)
        self._rows = np.arange(len(display.index))  # the snapshots' display rows, renumbered
        self._entries: list[Entry] = []
        self._lock = threading.Lock()
        self.frames = Frames(self._embeddings, self.config.seed, save=None if store.read_only else self._save_layout)
        self._decoder_lock = threading.Lock()
        self._decoder: tuple[int, Autoencoder] | None = None  # (seq, autoencoder holding that snapshot's weights)
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

    def history(self) -> list[Entry]:
        if self.active:
            self.record = self.store.run_record(self.run_id)
            self._fetch()
        with self._lock:
            return list(self._entries)

    @property
    def final_labels(self) -> np.ndarray | None:
        """The newest snapshot's labels of the display rows (the rows `data` holds); None before the first."""
        with self._lock:
            return self._entries[-1].snapshot.display_labels if self._entries else None

    def _embeddings(self) -> list[tuple[int, np.ndarray]]:
        with self._lock:
            return [(e.seq, e.snapshot.embedding) for e in self._entries]

    def _save_layout(self, seq: int, layout: np.ndarray) -> None:
        """Keep a frame for the next replay. A store that cannot take it (a full disk...) leaves it in memory: it
        is drawn all the same, and the projector, shared by every run, goes on."""
        try:
            self.store.save_layout(self.run_id, seq, layout)
        except StoreUnavailable:
            pass

    def weights_seq(self, seq: int | None = None) -> int | None:
        """The snapshot whose stored weights `decode` uses for snapshot `seq` (default: the newest):
        `seq` itself or the nearest earlier one with weights; None when none is kept that early."""
        if seq is None:
            with self._lock:
                seq = self._entries[-1].seq if self._entries else -1
        kept = [s for s in self.store.weight_seqs(self.run_id) if s <= seq]
        return kept[-1] if kept else None

    def decode(self, points: np.ndarray, seq: int | None = None) -> np.ndarray:
        """Rows of the input space that the decoder makes of embedded points (K, d_emb), say centres,
        with the weights `weights_seq(seq)` picks; KeyError when the store kept none."""
        import torch

        kept = self.weights_seq(seq)
        if kept is None:
            raise KeyError(f"run {self.run_id} keeps no weights at or before snapshot {seq}")
        with torch.no_grad():
            return self._autoencoder(kept).decoder(torch.tensor(points, dtype=torch.float32)).numpy()

    def _autoencoder(self, seq: int) -> Autoencoder:
        """The autoencoder holding snapshot `seq`'s weights, on the CPU in evaluation mode; the last
        one loaded is kept, so redrawing a page does not read the weights again."""
        from .predict import stored_autoencoder

        with self._decoder_lock:
            if self._decoder is None or self._decoder[0] != seq:
                self._decoder = (seq, stored_autoencoder(self.store, self.record, seq))
            return self._decoder[1]

    def rows(self) -> RowTable:
        """Every row's result at the newest snapshot: index, true label, cluster, confidence, embedding
        (runs/row_table.py); `.to_csv()`, `.to_npz()`."""
        from .row_table import stored_table

        return stored_table(self.store, self.record)

    def assign(self, new: str | Path | np.ndarray) -> RowTable:
        """New rows (a file, or an array in the file's units) assigned to this run's clusters, with its
        preprocessing, weights and method state (runs/predict.py); the same columns as `rows()`."""
        from .predict import assign_values, predict_file

        if isinstance(new, (str, Path)):
            return predict_file(self.store, self.run_id, new)
        return assign_values(self.store, self.run_id, new)

    def _fetch(self) -> None:
        """Read the snapshots and UMAP frames saved since the last fetch (a projector saves frames
        of older snapshots too, so every stored frame not yet here is read)."""
        with self._lock:
            newest = self._entries[-1].seq if self._entries else -1
            for row in self.store.epoch_rows(self.run_id, after=newest):
                snapshot = snapshot_from(row, self.store.epoch_arrays(self.run_id, row.seq), self._rows)
                self._entries.append(Entry(row.seq, snapshot))
        for seq in set(self.store.layout_seqs(self.run_id)) - set(self.frames.seqs()):
            self.frames.put(seq, self.store.layout(self.run_id, seq))


def last_snapshot(store: RunStore, run_id: str) -> Snapshot | None:
    """A run's newest snapshot alone (display rows numbered 0..n_display-1, as in StoredRun)."""
    rows = store.epoch_rows(run_id, after=store.run_record(run_id).n_snapshots - 2)
    if not rows:
        return None
    arrays = store.epoch_arrays(run_id, rows[-1].seq)
    return snapshot_from(rows[-1], arrays, np.arange(len(arrays["labels"])))
