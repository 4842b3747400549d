"""RunStore: every run on disk as it trains, in one folder the user can move.

    <home>/runs.sqlite                      runs and epochs: configuration, data identity, numbers, status
    <home>/runs/<id>/display.npz            the display rows (index, features, true labels), once
                     epoch-000012.npz       snapshot 12's arrays (embedding, clustering view, labels)
                     layout-000012.npz      its UMAP frame, when the projector made one
                     weights-000012.pt      the autoencoder's weights, float16, thinned (StoreConfig)
                     labels.npz             every row's label at the newest snapshot
                     rows.npz               every row's label, confidence, embedding and true label, and
                     assigner.npz           what assigns new rows, at the newest snapshot, when the run ends

<home> is $DEEPCLUST_HOME, else $XDG_DATA_HOME/deepclust, else ~/.local/share/deepclust.

The tables, their schema version and the migrations that bring an older store up to it: schema.py.

Atomic per epoch: files are written under a temporary name and renamed into place, then
one SQLite transaction adds the epoch's row. Readers trust rows only, so a crash or a kill
leaves at worst an unreferenced file, never a row without its arrays. A run still marked
"running" whose process is gone (same host: its pid is dead or reused; another host: no
heartbeat for `stale_after_s`) reads back as "interrupted". Two runs write side by side
(database.py).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...data.dataset import Dataset
from ...settings.run_file import config_to_dict
from ...settings.train import TrainConfig
from ...training.snapshot import Snapshot, display_subsample
from .database import StoreDatabase, insert, numbers_json
from .files import (DisplayRows, compact, read_arrays, read_weights, snapshot_arrays, thinned_weights, view_fields,
                    write_arrays, write_weights)
from .owner import Owner
from .rows import DataInfo, EpochRow, Parent, RunRecord, SweepTag
from .schema import migrate
from .unavailable import damaged, in_one_line, said_in_one_line

RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NAME_LENGTH = 120  # a run's name is a label for lists and exports, not a notebook


@dataclass(frozen=True, kw_only=True)
class StoreConfig:
    # Weights kept per run: every snapshot while they fit, then every 2nd, 4th, ... (the first, the newest and the
    # first clustering snapshot always). Small models keep every epoch; float16 weights of digits' default MLP
    # (2.6 M parameters) take 5.2 MB, so a long run of it keeps about 8 evenly spaced epochs.
    weights_budget_mb: float = 40.0
    weights_dtype: str = "float16"  # half the disk of float32; a branch trains on from them, 3 digits suffice
    display_dtype: str = "float16"  # embedding, views and UMAP frames are only drawn (float32 when out of range)
    stale_after_s: float = 3600.0  # a run "running" on another host with no heartbeat this long is interrupted

if TYPE_CHECKING:
    import sqlite3

    import torch

# The example runs shipped with the repository (written by `python -m deepclust_core examples`). Only a source
# checkout has them: beside an installed package the folder is missing, which readers take as no examples
# (ui/run_library.py).
EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples"


def default_home() -> Path:
    if os.environ.get("DEEPCLUST_HOME"):
        return Path(os.environ["DEEPCLUST_HOME"])
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "deepclust"


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


class RunStore:
    def __init__(self, folder: str | Path | None = None, *, config: StoreConfig = StoreConfig(), read_only: bool = False):
        """`read_only`: a folder nobody writes while it is open, such as the shipped examples. A store that cannot
        be opened, is damaged or cannot be written raises StoreUnavailable, its files left as they are."""
        self.folder = Path(folder) if folder else default_home()
        self.config, self.read_only = config, read_only
        self._sqlite = StoreDatabase(self.folder / "runs.sqlite", read_only=read_only)
        with said_in_one_line(self.folder):
            if not read_only:
                (self.folder / "runs").mkdir(parents=True, exist_ok=True)
                self._sqlite.connection().execute("PRAGMA journal_mode=WAL")
                with self._sqlite.transaction() as db:
                    migrate(db, self.folder)
                if damage := self._sqlite.damage():  # found at opening, not in the middle of a page or a run
                    raise damaged(self.folder, f"damaged: {damage}")
            else:
                self._sqlite.connection()  # an unreadable (newer) store fails here, not at its first read

    # -- plumbing ------------------------------------------------------------------------
    def run_folder(self, run_id: str) -> Path:
        if not RUN_ID.match(run_id):
            raise ValueError(f"not a run id: {run_id!r}")
        return self.folder / "runs" / run_id

    def _file(self, run_id: str, kind: str, seq: int, suffix: str = "npz") -> Path:
        return self.run_folder(run_id) / f"{kind}-{seq:06d}.{suffix}"

    # -- writing -------------------------------------------------------------------------
    @in_one_line
    def create_run(self, data: Dataset, config: TrainConfig, *, origin: str, parent: Parent | None = None,
                   run_id: str | None = None, sweep: SweepTag | None = None, name: str = "") -> str:
        """A new record, status "running", owned by this process; its display rows saved once.
        `sweep`: the sweep and setting the run is a trial of (deepclust_core.sweeps); `name`: the user's (may be '')."""
        run_id = run_id or new_run_id()
        folder = self.run_folder(run_id)
        folder.mkdir(parents=True)
        index = display_subsample(data.n_samples, config.display_size, config.seed)
        rows = {"index": index, "X": compact(data.X[index], self.config.display_dtype)}
        if data.y is not None:
            rows["y"] = data.y[index]
        if data.ids is not None:
            rows["ids"] = data.ids[index]
        write_arrays(folder / "display.npz", **rows)
        info = DataInfo.of(data)
        with self._sqlite.transaction() as db:
            owner, now = Owner.this_process(), time.time()
            branched = {} if parent is None else dict(parent_id=parent.run_id, parent_seq=parent.seq,
                                                      parent_epoch=parent.epoch)
            trial = {} if sweep is None else dict(sweep_id=sweep.sweep_id, sweep_setting=sweep.setting)
            insert(db, "runs", id=run_id, name=clean_name(name), created=now, origin=origin, status="running",
                   config=json.dumps(config_to_dict(config)), data=json.dumps(asdict(info)),
                   owner_host=owner.host, owner_pid=owner.pid, owner_started=owner.started, heartbeat=now,
                   **branched, **trial)
        return run_id

    @in_one_line
    def save_epoch(self, run_id: str, seq: int, snapshot: Snapshot, weights: dict[str, torch.Tensor] | None = None) -> None:
        """Snapshot `seq`'s arrays (and the autoencoder's weights), then its row in one transaction."""
        write_arrays(self._file(run_id, "epoch", seq), **snapshot_arrays(snapshot, self.config.display_dtype))
        if not snapshot.labels_cover_display_only:
            write_arrays(self.run_folder(run_id) / "labels.npz", labels=compact(snapshot.labels), seq=np.array(seq))
        size = None if weights is None else write_weights(self._file(run_id, "weights", seq, "pt"), weights,
                                                            self.config.weights_dtype)
        s = snapshot
        with self._sqlite.transaction() as db:
            insert(db, "epochs", run_id=run_id, seq=seq, phase=s.phase, epoch=s.epoch, epochs_in_phase=s.epochs_in_phase,
                   losses=numbers_json(s.losses), metrics=numbers_json(s.metrics), scalars=numbers_json(s.scalars),
                   reference=numbers_json(s.reference_metrics), changed=s.changed, seconds=s.seconds, elapsed=s.elapsed,
                   device=s.device, converged=int(s.converged), view=json.dumps(view_fields(s.view)),
                   has_weights=int(size is not None))  # has_layout: 0 until save_layout
            db.execute("UPDATE runs SET n_snapshots = ?, final_step = ?, final_metrics = ?, elapsed = ?, heartbeat = ?, "
                       "weights_pinned = CASE WHEN weights_pinned IS NULL AND ? THEN ? ELSE weights_pinned END "
                       "WHERE id = ?", (seq + 1, s.step_name, numbers_json(s.metrics), s.elapsed, time.time(),
                                        s.phase == "cluster" and size is not None, seq, run_id))
            dropped = [] if size is None else self._thin_weights(db, run_id, seq, size)
        for old in dropped:
            self._file(run_id, "weights", old, "pt").unlink(missing_ok=True)

    @in_one_line
    def save_results(self, run_id: str, rows: dict[str, np.ndarray], assigner: dict[str, np.ndarray] | None) -> None:
        """Every row's results at the newest snapshot, and what assigns new rows (files.stored_arrays)."""
        folder = self.run_folder(run_id)
        if not folder.is_dir():  # the run was deleted meanwhile
            return
        write_arrays(folder / "rows.npz", **rows)
        if assigner is not None:
            write_arrays(folder / "assigner.npz", **assigner)

    def _thin_weights(self, db: sqlite3.Connection, run_id: str, newest: int, size: int) -> list[int]:
        """Record which snapshots keep their weights within the budget (files.thinned_weights); return those whose
        weights to delete."""
        stride, pinned = db.execute("SELECT weights_stride, weights_pinned FROM runs WHERE id = ?", (run_id,)).fetchone()
        saved = [row[0] for row in db.execute("SELECT seq FROM epochs WHERE run_id = ? AND has_weights = 1", (run_id,))]
        stride, dropped = thinned_weights(saved, stride=stride, pinned=pinned, newest=newest, size=size,
                                          budget=self.config.weights_budget_mb * 2**20)
        db.execute("UPDATE runs SET weights_stride = ? WHERE id = ?", (stride, run_id))
        db.executemany("UPDATE epochs SET has_weights = 0 WHERE run_id = ? AND seq = ?", [(run_id, s) for s in dropped])
        return dropped

    @in_one_line
    def save_layout(self, run_id: str, seq: int, layout: np.ndarray) -> None:
        """A UMAP frame of snapshot `seq`, so replay needs no projection."""
        path = self._file(run_id, "layout", seq)
        try:
            write_arrays(path, layout=compact(layout, self.config.display_dtype))
        except FileNotFoundError:
            if not path.parent.is_dir():  # the run was deleted meanwhile, even while this was being written
                return
            raise
        with self._sqlite.transaction() as db:
            found = db.execute("UPDATE epochs SET has_layout = 1 WHERE run_id = ? AND seq = ?", (run_id, seq)).rowcount
        if not found:  # the run was deleted meanwhile
            path.unlink(missing_ok=True)

    @in_one_line
    def heartbeat(self, run_id: str) -> None:
        with self._sqlite.transaction() as db:
            db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time(), run_id))

    @in_one_line
    def finish(self, run_id: str, status: str, error: str | None = None) -> None:
        with self._sqlite.transaction() as db:
            db.execute("UPDATE runs SET status = ?, error = ?, heartbeat = ? WHERE id = ?",
                       (status, error, time.time(), run_id))

    @in_one_line
    def join_race(self, run_id: str, race_id: str) -> None:
        """Mark the run as one method of race `race_id` (runs/race/), before its first epoch."""
        with self._sqlite.transaction() as db:
            db.execute("UPDATE runs SET race_id = ? WHERE id = ?", (race_id, run_id))

    @in_one_line
    def rename(self, run_id: str, name: str) -> None:
        """Give the run a name ('' takes it away); KeyError when there is no such run."""
        with self._sqlite.transaction() as db:
            if not db.execute("UPDATE runs SET name = ? WHERE id = ?", (clean_name(name), run_id)).rowcount:
                raise KeyError(f"no run {run_id!r} in {self.folder}")

    @in_one_line
    def delete(self, run_id: str) -> None:
        with self._sqlite.transaction() as db:
            db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        shutil.rmtree(self.run_folder(run_id), ignore_errors=True)

    @in_one_line
    def pack(self) -> None:
        """One self-contained file (no WAL beside it), smallest: for shipping a store, as the examples."""
        db = self._sqlite.connection()
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")

    # -- reading -------------------------------------------------------------------------
    @in_one_line
    def runs(self) -> list[RunRecord]:
        """Every run, newest first."""
        rows = self._sqlite.query("SELECT * FROM runs ORDER BY created DESC")
        return [self._run_record(row) for row in rows]

    @in_one_line
    def sweep_runs(self, sweep_id: str) -> list[RunRecord]:
        """The runs of one sweep (its trials), oldest first."""
        rows = self._sqlite.query("SELECT * FROM runs WHERE sweep_id = ? ORDER BY created", (sweep_id,))
        return [self._run_record(row) for row in rows]

    @in_one_line
    def race_runs(self, race_id: str) -> list[RunRecord]:
        """The runs of one race, in the order the race started them (its first method pretrained for all)."""
        rows = self._sqlite.query("SELECT * FROM runs WHERE race_id = ? ORDER BY created, rowid", (race_id,))
        return [self._run_record(row) for row in rows]

    @in_one_line
    def run_record(self, run_id: str) -> RunRecord:
        rows = self._sqlite.query("SELECT * FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise KeyError(f"no run {run_id!r} in {self.folder}")
        return self._run_record(rows[0])

    @in_one_line
    def epoch_rows(self, run_id: str, after: int = -1) -> list[EpochRow]:
        rows = self._sqlite.query("SELECT * FROM epochs WHERE run_id = ? AND seq > ? ORDER BY seq", (run_id, after))
        return [EpochRow.from_row(row) for row in rows]

    @in_one_line
    def epoch_arrays(self, run_id: str, seq: int) -> dict[str, np.ndarray]:
        return read_arrays(self._file(run_id, "epoch", seq))

    @in_one_line
    def display(self, run_id: str) -> DisplayRows:
        arrays = read_arrays(self.run_folder(run_id) / "display.npz")
        return DisplayRows(arrays["index"], arrays["X"].astype(np.float32), arrays.get("y"), arrays.get("ids"))

    @in_one_line
    def layout(self, run_id: str, seq: int) -> np.ndarray:
        return read_arrays(self._file(run_id, "layout", seq))["layout"].astype(np.float32)

    @in_one_line
    def layout_seqs(self, run_id: str) -> list[int]:
        rows = self._sqlite.query("SELECT seq FROM epochs WHERE run_id = ? AND has_layout = 1 ORDER BY seq", (run_id,))
        return [row[0] for row in rows]

    @in_one_line
    def weight_seqs(self, run_id: str) -> list[int]:
        rows = self._sqlite.query("SELECT seq FROM epochs WHERE run_id = ? AND has_weights = 1 ORDER BY seq", (run_id,))
        return [row[0] for row in rows]

    @in_one_line
    def load_weights(self, run_id: str, seq: int) -> dict[str, torch.Tensor]:
        if seq not in self.weight_seqs(run_id):
            raise KeyError(f"run {run_id} keeps no weights for snapshot {seq}")
        return read_weights(self._file(run_id, "weights", seq, "pt"))

    @in_one_line
    def final_labels(self, run_id: str) -> np.ndarray | None:
        """Every row's label at the newest snapshot saved with all labels (None before the first)."""
        path = self.run_folder(run_id) / "labels.npz"
        return read_arrays(path)["labels"].astype(np.int64) if path.is_file() else None

    @in_one_line
    def run_arrays(self, run_id: str, name: str) -> dict[str, np.ndarray] | None:
        """The arrays of <run folder>/<name>.npz (rows, assigner); None when the run has none."""
        path = self.run_folder(run_id) / f"{name}.npz"
        return read_arrays(path) if path.is_file() else None

    def _run_record(self, row: sqlite3.Row) -> RunRecord:
        """The row as a RunRecord; a run "running" whose process is gone is marked "interrupted" (unless read-only)."""
        status, error = row["status"], row["error"]
        owner = Owner(row["owner_host"], row["owner_pid"], row["owner_started"])
        if status == "running" and not owner.alive(row["heartbeat"], self.config.stale_after_s):
            status, error = "interrupted", "its process ended before the run did (a crash, a kill or a closed app)"
            if not self.read_only:
                with self._sqlite.transaction() as db:
                    db.execute("UPDATE runs SET status = ?, error = ? WHERE id = ? AND status = 'running'",
                               (status, error, row["id"]))
        return RunRecord.from_row(row, status=status, error=error, read_only=self.read_only)


def clean_name(name: str | None) -> str:
    """A run's name as stored: one line, no surrounding space, at most NAME_LENGTH characters."""
    return " ".join((name or "").split())[:NAME_LENGTH]


_default_stores: dict[Path, RunStore] = {}
_default_lock = threading.Lock()


def default_store() -> RunStore:
    """The user's store at `default_home()`, one object per folder and process."""
    folder = default_home().resolve()
    with _default_lock:
        if folder not in _default_stores:
            _default_stores[folder] = RunStore(folder)
        return _default_stores[folder]
