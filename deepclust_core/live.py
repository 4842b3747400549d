"""A training run in the background: one worker thread for the loop, one for the 2-D
projection, and a bounded history the UI reads without ever touching tensors.

    run = LiveRun(data, config).start()
    run.history()        # display-size snapshots, oldest first
    run.layout(seq)      # the UMAP frame of a snapshot, once projected
    run.pause(); run.resume(); run.stop()

The UI polls; nothing here calls back into it. `is_alive` (optional) lets the owner say
whether anyone still watches: when it stays False for `orphan_grace` seconds, the run stops
and is recorded as interrupted. Every run is saved to the run store as it trains (snapshots,
weights, and each UMAP frame as the projector makes it) unless `record=False`.
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import Callable

import numpy as np

from . import projection
from .branch import BranchStart
from .config import TrainConfig
from .control import TrainingControl
from .cores import threads_beside_the_page
from .dataset import DataError, Dataset
from .loop import TrainingDiverged, new_autoencoder, train
from .methods import make_method
from .recording import Recording, recorded
from .run_view import Entry, nearest_layout
from .snapshot import Snapshot
from .store import RunStore, default_store

__all__ = ["Entry", "LiveRun"]


class LiveRun:
    def __init__(self, data: Dataset, config: TrainConfig, *, is_alive: Callable[[], bool] | None = None,
                 max_history: int = 1000, projection_duty: float = 0.25, orphan_grace: float = 15.0,
                 branch_from: BranchStart | None = None, store: RunStore | None = None, record: bool = True):
        """`branch_from`: start from a stored run's weights; `store`: where to record (None: the user's store)."""
        self.data, self.config = data, config
        self.control = TrainingControl()
        self.status = "starting"  # running, paused, finished, converged, stopped, failed, interrupted
        self.error: str | None = None
        self.final_labels: np.ndarray | None = None  # every row's label at the newest epoch
        self._entries: list[Entry] = []
        self._layouts: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._is_alive = is_alive
        self._max_history = max_history
        self._duty = projection_duty
        self._orphan_grace = orphan_grace
        self.started = time.time()
        # trained in place by the worker thread
        self.autoencoder = branch_from.autoencoder if branch_from else new_autoencoder(data, config)
        self.method = make_method(config.method, config.n_clusters, config.seed, config.method_options)
        self.recording = Recording((store or default_store()) if record else None, data, config, origin="app",
                                   autoencoder=self.autoencoder, parent=branch_from and branch_from.parent)
        self.run_id = self.recording.run_id

    # -- control -----------------------------------------------------------------------
    def start(self) -> "LiveRun":
        self.status = "running"
        for target, name in ((self._train, "train"), (self._project, "project"), (self._watch, "watch")):
            threading.Thread(target=target, name=f"deepclust-{name}", daemon=True).start()
        return self

    def pause(self) -> None:
        if self.active:
            self.control.pause()
            self.status = "paused"

    def resume(self) -> None:
        if self.status == "paused":
            self.control.resume()
            self.status = "running"

    def stop(self) -> None:
        self.control.stop()

    @property
    def active(self) -> bool:
        return self.status in ("starting", "running", "paused")

    # -- reading -----------------------------------------------------------------------
    def history(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)

    def wait_for_first_snapshot(self, timeout: float) -> list[Entry]:
        """The history, once it holds a snapshot or the run has ended (at most `timeout` seconds).

        Lets the page draw the first frame right after Start instead of one refresh later."""
        with self._changed:
            self._changed.wait_for(lambda: self._entries or not self.active, timeout=timeout)
            return list(self._entries)

    def layout(self, seq: int) -> np.ndarray | None:
        with self._lock:
            return self._layouts.get(seq)

    def decode(self, points: np.ndarray) -> np.ndarray:
        """Rows of the input space that the decoder makes of embedded points (K, d_emb), say centres."""
        import torch

        parameter = next(self.autoencoder.parameters())
        with torch.no_grad():
            return self.autoencoder.decoder(torch.as_tensor(points, dtype=parameter.dtype, device=parameter.device)).cpu().numpy()

    def nearest_layout(self, seq: int) -> np.ndarray | None:
        """The projected frame closest to `seq` (at or before it when possible)."""
        with self._lock:
            return nearest_layout(self._layouts, seq)

    # -- threads -----------------------------------------------------------------------
    def _train(self) -> None:
        import torch

        torch.set_num_threads(threads_beside_the_page())
        snapshots = train(self.data, self.config, self.control, self.method, self.autoencoder)
        try:
            for snapshot in recorded(snapshots, self.recording, self.control):
                self._append(snapshot)
        except (TrainingDiverged, DataError, ValueError):
            pass  # recorded() kept the reason, worded for the user
        except Exception:  # a bug: keep the history, show the message, log the trace
            traceback.print_exc()
        with self._changed:
            self.status, self.error = self.recording.status, self.recording.error
            self._changed.notify_all()

    def _append(self, snapshot: Snapshot) -> None:
        with self._changed:
            seq = self._entries[-1].seq + 1 if self._entries else 0
            self._entries.append(Entry(seq, snapshot.for_display(), published=time.time()))
            self.final_labels = snapshot.labels
            if len(self._entries) > self._max_history:
                self._thin()
            self._changed.notify_all()

    def _thin(self) -> None:
        """Keep memory bounded on long runs: drop every other entry of the older half."""
        half = len(self._entries) // 2
        dropped = self._entries[1:half:2]
        self._entries = self._entries[:1] + self._entries[2:half:2] + self._entries[half:]
        for entry in dropped:
            self._layouts.pop(entry.seq, None)

    def _next_to_project(self) -> Entry | None:
        """The newest entry while training or while it lacks a frame; then the oldest one left."""
        missing = [e for e in self._entries if e.seq not in self._layouts]
        if not missing:
            return None
        return missing[-1] if self.active or missing[-1] is self._entries[-1] else missing[0]

    @property
    def newest_projected(self) -> bool:
        """Whether the newest snapshot has its UMAP frame (the page keeps refreshing until it has)."""
        with self._lock:
            return not self._entries or self._entries[-1].seq in self._layouts

    def _project(self) -> None:
        projection.warm_up()
        while True:
            with self._changed:
                entry = self._next_to_project()
                while entry is None:
                    if not self.active:
                        return
                    self._changed.wait(timeout=1.0)
                    entry = self._next_to_project()
            began = time.perf_counter()
            layout = projection.project(entry.snapshot.embedding, self.nearest_layout(entry.seq), self.config.seed)
            with self._changed:
                self._layouts[entry.seq] = layout
                self._changed.notify_all()
            self.recording.save_layout(entry.seq, layout)
            # leave the cores to training (or, after it, to whatever else runs) most of the time
            time.sleep((time.perf_counter() - began) * (1 - self._duty) / self._duty)

    def _watch(self) -> None:
        orphaned_since = None
        while self.active:
            time.sleep(1.0)
            self.recording.heartbeat()
            if self._is_alive is None or self._is_alive():
                orphaned_since = None
            elif orphaned_since is None:
                orphaned_since = time.time()
            elif time.time() - orphaned_since > self._orphan_grace:
                self.control.interrupt("the browser tab closed")
