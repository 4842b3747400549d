"""A training run in the background: one worker thread for the loop, and a bounded history
the UI reads without ever touching tensors.

    run = LiveRun(data, config).start()
    run.history()             # display-size snapshots, oldest first
    run.frames.layout(seq)    # the UMAP frame of a snapshot, once projected (newest first: projection/frames.py)
    run.pause(); run.resume(); run.stop()
    run.step()                # one more epoch, then paused again
    run.slow_motion = True    # pause after every epoch
    run.wait(timeout)         # until it has ended
    run.release()             # forget its history, frames and weights (the run store keeps them)

The UI polls; nothing here calls back into it. `is_alive` (optional) lets the owner say
whether anyone still watches: when it stays False for `orphan_grace` seconds, the run stops
and is recorded as interrupted. A `paced` run waits after each clustering epoch until the page
has drawn it with its own UMAP frame (`shown`), so that a lecture sees every step even when an
epoch is faster than a frame; it never waits long, nor for a page that stopped drawing. Every
run is saved to the run store as it trains (snapshots, weights, and each UMAP frame as the
projector makes it) unless `record=False`; a store that cannot be opened or written leaves the run
training unrecorded, `recording.problem` saying why in one line (runs/store/unavailable.py).
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import Callable

import numpy as np

from ..data.dataset import DataError, Dataset
from ..projection.frames import Frames
from ..settings.train import TrainConfig
from ..training.control import TrainingControl
from ..training.cores import threads_beside_the_page
from ..training.loop import TrainingDiverged
from ..training.snapshot import Snapshot
from .branch import BranchStart
from .recording import RecordedTraining, failure
from .shown_run import Entry
from .store import RunStore, default_store
from .store.unavailable import StoreUnavailable

__all__ = ["Entry", "LiveRun"]

PACE_MOST_SECONDS = 2.0  # a paced run waits at most this long for one epoch to be drawn
WATCHED_SECONDS = 2.0  # a page that drew the run this recently still watches it (it redraws every 0.5 s)


class LiveRun:
    def __init__(self, data: Dataset, config: TrainConfig, *, is_alive: Callable[[], bool] | None = None,
                 max_history: int = 1000, orphan_grace: float = 3.0,
                 branch_from: BranchStart | None = None, store: RunStore | None = None, record: bool = True,
                 paced: bool = False, slow_motion: bool = False, name: str = ""):
        """`branch_from`: start from a stored run's weights; `store`: where to record (None: the user's store);
        `paced`: wait for the page to draw each clustering epoch (it can be changed while the run trains);
        `slow_motion`: pause after every epoch (so can this);
        `name`: the user's name for the run."""
        self.data, self.config = data, config
        self.control = TrainingControl()
        self.control.slow_motion = slow_motion
        self._started = False
        self._ended: str | None = None  # how the run ended (finished, converged, stopped, failed, interrupted)
        self.error: str | None = None
        self.final_labels: np.ndarray | None = None  # every row's label at the newest epoch
        self._entries: list[Entry] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._is_alive = is_alive
        self._max_history = max_history
        self._orphan_grace = orphan_grace
        self.started = time.time()
        self.paced = paced
        self._drawn_seq, self._drawn_at = -1, self.started  # the newest seq a page drew with its frame, and when
        problem = None
        try:
            store = (store or default_store()) if record else None
        except StoreUnavailable as error:  # trained all the same, unrecorded
            store, problem = None, str(error)
        self._training = RecordedTraining(data, config, store, origin="app", control=self.control,
                                          branch_from=branch_from, name=name)
        self.autoencoder = self._training.autoencoder  # trained in place by the worker thread
        self.recording, self.run_id = self._training.recording, self._training.run_id
        self.recording.problem = self.recording.problem or problem
        self.frames = Frames(self._embeddings, config.seed, follows_newest=lambda: True,
                             training=lambda: self.status == "running", save=self.recording.save_layout)

    # -- control -----------------------------------------------------------------------
    def start(self) -> "LiveRun":
        self._started = True
        self._threads = [threading.Thread(target=target, name=f"deepclust-{name}", daemon=True)
                         for target, name in ((self._train, "train"), (self._watch, "watch"))]
        for thread in self._threads:
            thread.start()
        return self

    def pause(self) -> None:
        """Hold training before its next batch. A run that has ended stays ended: `status` reads the end first."""
        if self.active:
            self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def step(self) -> None:
        """Train exactly one more epoch (in either phase), then pause with it published; pressed while running,
        pause after the epoch under way. A run that has ended stays ended."""
        if self.active:
            self.control.step()

    @property
    def slow_motion(self) -> bool:
        """Whether the run pauses after every epoch ("Pause after every epoch"); it can change while it trains."""
        return self.control.slow_motion

    @slow_motion.setter
    def slow_motion(self, on: bool) -> None:
        self.control.slow_motion = on

    def stop(self) -> None:
        """End the run before its next batch, paused or not, and end a paced wait now."""
        self.control.stop()
        with self._changed:
            self._changed.notify_all()

    @property
    def status(self) -> str:
        """starting, running or paused while it trains; then how it ended.

        Read from the training thread's ending and the control's flags, never stored beside them: no order
        of Pause, Resume, Stop and the end of training can leave an ended run "paused" or "running" (a
        stored status checked and written outside the lock once did, and its watcher never exited)."""
        if self._ended is not None:
            return self._ended
        if not self._started:
            return "starting"
        return "paused" if self.control.paused else "running"

    @property
    def active(self) -> bool:
        return self._ended is None

    def release(self, timeout: float = 30.0) -> bool:
        """Stop, then forget what the run holds in memory (its history, UMAP frames, autoencoder and method):
        for a run no page can show again, say one whose tab closed for good. The run store keeps all of it.
        Whether it was released (a run still stopping after `timeout` seconds keeps its memory)."""
        self.stop()
        if not self.wait(timeout):
            return False
        with self._changed:
            dropped, self._entries, self.final_labels = [entry.seq for entry in self._entries], [], None
        self.frames.forget(dropped)
        self.autoencoder = self._training = None
        self.recording.release()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run has ended (at most `timeout` seconds); whether it has."""
        with self._changed:
            return self._changed.wait_for(lambda: not self.active, timeout=timeout)

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

    def shown(self, seq: int) -> None:
        """A page drew snapshot `seq` with its own UMAP frame: a paced run goes on."""
        with self._changed:
            self._drawn_seq, self._drawn_at = max(self._drawn_seq, seq), time.time()
            self._changed.notify_all()

    def decode(self, points: np.ndarray) -> np.ndarray:
        """Rows of the input space that the decoder makes of embedded points (K, d_emb), say centres."""
        import torch

        parameter = next(self.autoencoder.parameters())
        with torch.no_grad():
            return self.autoencoder.decoder(torch.as_tensor(points, dtype=parameter.dtype, device=parameter.device)).cpu().numpy()

    # -- threads -----------------------------------------------------------------------
    def _train(self) -> None:
        import torch

        torch.set_num_threads(threads_beside_the_page())
        snapshots, bug = self._training.snapshots(), None
        try:
            for snapshot in snapshots:
                seq = self._append(snapshot)
                if snapshot.phase == "cluster" and snapshot.epoch == 0:
                    self._begin_clustering(seq)
                if self.paced and snapshot.phase == "cluster":
                    self._wait_until_drawn(seq)
        except (TrainingDiverged, DataError, ValueError):
            pass  # recorded() kept the reason, worded for the user
        except Exception as error:  # a bug: keep the history, show the message, log the trace
            traceback.print_exc()
            bug = error
        finally:
            self._end(snapshots, bug)

    def _end(self, snapshots, bug: Exception | None) -> None:
        """Close the run's snapshots and say how it ended (recorded, or failed by `bug`)."""
        snapshots.close()  # a bug here, not in the loop, left it open: it records "stopped"
        if bug is not None and self.recording.status == "stopped":
            self.recording.finish(*failure(bug))
        with self._changed:
            ended = self.recording.status
            self._ended = ended if ended != "running" else "failed"
            self.error = self.recording.error
            self._changed.notify_all()
        self.frames.changed()

    def _embeddings(self) -> list[tuple[int, np.ndarray]]:
        with self._lock:
            return [(e.seq, e.snapshot.embedding) for e in self._entries]

    def _begin_clustering(self, seq: int) -> None:
        """Clustering starts with its own UMAP frame (`seq`, its epoch 0), and a paced run counts the page as
        watching from then on. On a machine's first run the page drew no UMAP frame during pretraining (numba was
        compiling), so without the fresh start the page looked gone, the run went on unpaced, and not one
        clustering epoch was drawn with its frame while it trained (0 of 6 in test_first_run_browser)."""
        self.frames.wait_for_frame(seq, stopped=lambda: self.control.stopped)
        with self._changed:
            self._drawn_at = max(self._drawn_at, time.time())

    def _wait_until_drawn(self, seq: int) -> None:
        """Hold training (between two epochs) until a page has drawn `seq`, it stopped drawing, the run
        is stopped, or PACE_MOST_SECONDS passed."""
        deadline = time.time() + PACE_MOST_SECONDS
        with self._changed:
            while (self.paced and self._drawn_seq < seq and not self.control.stopped and time.time() < deadline
                   and time.time() - self._drawn_at < WATCHED_SECONDS):
                self._changed.wait(timeout=0.05)

    def _append(self, snapshot: Snapshot) -> int:
        """Add a snapshot to the history; its seq."""
        with self._changed:
            seq = self._entries[-1].seq + 1 if self._entries else 0
            self._entries.append(Entry(seq, snapshot.for_display(), published=time.time()))
            self.final_labels = snapshot.labels
            dropped = self._thin() if len(self._entries) > self._max_history else []
            self._changed.notify_all()
        self.frames.forget(dropped)
        self.frames.changed()
        return seq

    def _thin(self) -> list[int]:
        """Keep memory bounded on long runs: drop every other entry of the older half; their seqs."""
        half = len(self._entries) // 2
        dropped = self._entries[1:half:2]
        self._entries = self._entries[:1] + self._entries[2:half:2] + self._entries[half:]
        return [entry.seq for entry in dropped]

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
