"""One method of a race: a LiveRun whose epochs the race's thread trains, one at a time.

    lane = RaceLane(data, config, race_id="race-...").start()   # recorded, grouped under the race; nothing trains yet
    lane.advance()                                              # one more epoch: its snapshot, or None once ended

It is read as every live run is (history, frames, status, shown, decode: runs/live.py), so the
live view's panels draw it unchanged; only the training thread is the race's (runs/race/), which
keeps the methods in step by construction.
"""
from __future__ import annotations

import threading
import traceback

from ...data.dataset import DataError
from ...training.loop import TrainingDiverged
from ...training.snapshot import Snapshot
from ..live import LiveRun


class RaceLane(LiveRun):
    def __init__(self, *args, race_id: str, **kwargs):
        """LiveRun's arguments, and the race the run is recorded under (`RunStore.join_race`)."""
        super().__init__(*args, **kwargs)
        self.race_id = race_id
        self.recording.join_race(race_id)

    def start(self) -> "RaceLane":
        """Open the run's snapshots (nothing trains until `advance`) and watch whether anyone still looks."""
        self._started = True
        self._snapshots = self._training.snapshots()
        self._threads = [threading.Thread(target=self._watch, name="deepclust-race-watch", daemon=True)]
        self._threads[0].start()
        return self

    def advance(self) -> Snapshot | None:
        """Train one more epoch (on the race's thread): its snapshot, now in the history; None once the run has
        ended (finished, converged, stopped, failed), which it then is."""
        if not self.active:
            return None
        bug = None
        try:
            snapshot = next(self._snapshots)
            seq = self._append(snapshot)
            if snapshot.phase == "cluster" and snapshot.epoch == 0:
                self._begin_clustering(seq)
            return snapshot
        except StopIteration:
            pass
        except (TrainingDiverged, DataError, ValueError):
            pass  # recorded() kept the reason, worded for the user
        except Exception as error:  # a bug: keep the history, show the message, log the trace
            traceback.print_exc()
            bug = error
        self._end(self._snapshots, bug)
        return None

    def wait_until_drawn(self) -> None:
        """Hold the race until a page has drawn this method's newest epoch (as a paced live run waits)."""
        entries = self.history()
        if entries:
            self._wait_until_drawn(entries[-1].seq)

    def end_unstarted(self, reason: str) -> None:
        """End a lane that never trained (the shared pretraining did not finish), recorded as failed with `reason`."""
        self.control.stop()
        self._snapshots.close()  # before the record says failed: closing it records "stopped"
        self.recording.finish("failed", reason)
        self._end(self._snapshots, None)

