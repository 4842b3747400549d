"""The run store: every run on disk as it trains, in one folder the user can move.

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
heartbeat for `stale_after_s`) reads back as "interrupted". Two runs write side by side:
WAL journal, a busy timeout, one connection per thread.
"""
from __future__ import annotations

import functools
import json
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..data.dataset import Dataset
from ..settings.run_file import config_from_dict, config_to_dict
from ..settings.train import TrainConfig
from ..training.snapshot import Snapshot, display_subsample
from .files import (DisplayRows, compact, read_arrays, read_weights, snapshot_arrays, view_fields, write_arrays,
                    write_weights)
from .owner import Owner
from .store_rows import DataInfo, EpochRow, Parent, RunRecord, SweepTag
from .schema import migrate, read_only_connection
from .unavailable import damaged, said_in_one_line

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
    import torch

# The example runs shipped with the repository (written by `python -m deepclust_core examples`). Only a source
# checkout has them: beside an installed package the folder is missing, which readers take as no examples
# (ui/run_library.py).
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"


def default_home() -> Path:
    if os.environ.get("DEEPCLUST_HOME"):
        return Path(os.environ["DEEPCLUST_HOME"])
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "deepclust"


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def _in_one_line(method):
    """`method` with the store's own problems (damaged file, no permission, full disk) raised as one-line
    StoreUnavailable (runs/unavailable.py)."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        with said_in_one_line(self.folder):
            return method(self, *args, **kwargs)

    return guarded


class RunStore:
    def __init__(self, folder: str | Path | None = None, *, config: StoreConfig = StoreConfig(), read_only: bool = False):
        """`read_only`: a folder nobody writes while it is open, such as the shipped examples. A store that cannot
        be opened, is damaged or cannot be written raises StoreUnavailable, its files left as they are."""
        self.folder = Path(folder) if folder else default_home()
        self.config, self.read_only = config, read_only
        self._local = threading.local()
        with said_in_one_line(self.folder):
            if not read_only:
                (self.folder / "runs").mkdir(parents=True, exist_ok=True)
                self._db().execute("PRAGMA journal_mode=WAL")
                with self._transaction() as db:
                    migrate(db, self.folder)
                self._check()
            else:
                self._db()  # an unreadable (newer) store fails here, not at its first read

    # -- plumbing ------------------------------------------------------------------------
    def _check(self) -> None:
        """SQLite's quick check of the whole file (milliseconds for a store's few MB): damage found at opening,
        not in the middle of a page or a run (https://www.sqlite.org/pragma.html#pragma_quick_check)."""
        found = [row[0] for row in self._db().execute("PRAGMA quick_check(1)")]
        if found != ["ok"]:
            raise damaged(self.folder, f"damaged: {found[0]}")

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections must not cross threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            path = self.folder / "runs.sqlite"
            if self.read_only:
                db = read_only_connection(path)
            else:
                db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
                db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self):
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between two writers
        try:
            yield db
        except BaseException:
            if db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk: SQLITE_FULL)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def run_folder(self, run_id: str) -> Path:
        if not RUN_ID.match(run_id):
            raise ValueError(f"not a run id: {run_id!r}")
        return self.folder / "runs" / run_id

    def _file(self, run_id: str, kind: str, seq: int, suffix: str = "npz") -> Path:
        return self.run_folder(run_id) / f"{kind}-{seq:06d}.{suffix}"

    # -- writing -------------------------------------------------------------------------
    @_in_one_line
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
        with self._transaction() as db:
            owner, now = Owner.this_process(), time.time()
            branched = {} if parent is None else dict(parent_id=parent.run_id, parent_seq=parent.seq,
                                                      parent_epoch=parent.epoch)
            trial = {} if sweep is None else dict(sweep_id=sweep.sweep_id, sweep_setting=sweep.setting)
            _insert(db, "runs", id=run_id, name=clean_name(name), created=now, origin=origin, status="running",
                    config=json.dumps(config_to_dict(config)), data=json.dumps(asdict(info)),
                    owner_host=owner.host, owner_pid=owner.pid, owner_started=owner.started, heartbeat=now,
                    **branched, **trial)
        return run_id

    @_in_one_line
    def save_epoch(self, run_id: str, seq: int, snapshot: Snapshot, weights: dict[str, torch.Tensor] | None = None) -> None:
        """Snapshot `seq`'s arrays (and the autoencoder's weights), then its row in one transaction."""
        write_arrays(self._file(run_id, "epoch", seq), **snapshot_arrays(snapshot, self.config.display_dtype))
        if not snapshot.labels_cover_display_only:
            write_arrays(self.run_folder(run_id) / "labels.npz", labels=compact(snapshot.labels), seq=np.array(seq))
        size = None if weights is None else write_weights(self._file(run_id, "weights", seq, "pt"), weights,
                                                            self.config.weights_dtype)
        s = snapshot
        with self._transaction() as db:
            _insert(db, "epochs", run_id=run_id, seq=seq, phase=s.phase, epoch=s.epoch, epochs_in_phase=s.epochs_in_phase,
                    losses=_json(s.losses), metrics=_json(s.metrics), scalars=_json(s.scalars),
                    reference=_json(s.reference_metrics), changed=s.changed, seconds=s.seconds, elapsed=s.elapsed,
                    device=s.device, converged=int(s.converged), view=json.dumps(view_fields(s.view)),
                    has_weights=int(size is not None))  # has_layout: 0 until save_layout
            db.execute("UPDATE runs SET n_snapshots = ?, final_step = ?, final_metrics = ?, elapsed = ?, heartbeat = ?, "
                       "weights_pinned = CASE WHEN weights_pinned IS NULL AND ? THEN ? ELSE weights_pinned END "
                       "WHERE id = ?", (seq + 1, s.step_name, _json(s.metrics), s.elapsed, time.time(),
                                        s.phase == "cluster" and size is not None, seq, run_id))
            dropped = [] if size is None else self._thin_weights(db, run_id, seq, size)
        for old in dropped:
            self._file(run_id, "weights", old, "pt").unlink(missing_ok=True)

    @_in_one_line
    def save_results(self, run_id: str, rows: dict[str, np.ndarray], assigner: dict[str, np.ndarray] | None) -> None:
        """Every row's results at the newest snapshot, and what assigns new rows (files.stored_arrays)."""
        folder = self.run_folder(run_id)
        if not folder.is_dir():  # the run was deleted meanwhile
            return
        write_arrays(folder / "rows.npz", **rows)
        if assigner is not None:
            write_arrays(folder / "assigner.npz", **assigner)

    def _thin_weights(self, db: sqlite3.Connection, run_id: str, newest: int, size: int) -> list[int]:
        """Keep weights of snapshots on the run's stride (doubled until they fit the budget), the first
        clustering snapshot and the newest; return the snapshots whose weights to delete."""
        stride, pinned = db.execute("SELECT weights_stride, weights_pinned FROM runs WHERE id = ?", (run_id,)).fetchone()
        saved = [row[0] for row in db.execute("SELECT seq FROM epochs WHERE run_id = ? AND has_weights = 1", (run_id,))]
        budget = self.config.weights_budget_mb * 2**20

        def kept(stride: int) -> list[int]:
            return [s for s in saved if s % stride == 0 or s in (pinned, newest)]

        while len(kept(stride)) * size > budget and stride <= newest:
            stride *= 2
        dropped = sorted(set(saved) - set(kept(stride)))
        db.execute("UPDATE runs SET weights_stride = ? WHERE id = ?", (stride, run_id))
        db.executemany("UPDATE epochs SET has_weights = 0 WHERE run_id = ? AND seq = ?", [(run_id, s) for s in dropped])
        return dropped

    @_in_one_line
    def save_layout(self, run_id: str, seq: int, layout: np.ndarray) -> None:
        """A UMAP frame of snapshot `seq`, so replay needs no projection."""
        path = self._file(run_id, "layout", seq)
        try:
            write_arrays(path, layout=compact(layout, self.config.display_dtype))
        except FileNotFoundError:
            if not path.parent.is_dir():  # the run was deleted meanwhile, even while this was being written
                return
            raise
        with self._transaction() as db:
            found = db.execute("UPDATE epochs SET has_layout = 1 WHERE run_id = ? AND seq = ?", (run_id, seq)).rowcount
        if not found:  # the run was deleted meanwhile
            path.unlink(missing_ok=True)

    @_in_one_line
    def heartbeat(self, run_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time(), run_id))

    @_in_one_line
    def finish(self, run_id: str, status: str, error: str | None = None) -> None:
        with self._transaction() as db:
            db.execute("UPDATE runs SET status = ?, error = ?, heartbeat = ? WHERE id = ?",
                       (status, error, time.time(), run_id))

    @_in_one_line
    def join_race(self, run_id: str, race_id: str) -> None:
        """Mark the run as one method of race `race_id` (runs/race.py), before its first epoch."""
        with self._transaction() as db:
            db.execute("UPDATE runs SET race_id = ? WHERE id = ?", (race_id, run_id))

    @_in_one_line
    def rename(self, run_id: str, name: str) -> None:
        """Give the run a name ('' takes it away); KeyError when there is no such run."""
        with self._transaction() as db:
            if not db.execute("UPDATE runs SET name = ? WHERE id = ?", (clean_name(name), run_id)).rowcount:
                raise KeyError(f"no run {run_id!r} in {self.folder}")

    @_in_one_line
    def delete(self, run_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        shutil.rmtree(self.run_folder(run_id), ignore_errors=True)

    @_in_one_line
    def pack(self) -> None:
        """One self-contained file (no WAL beside it), smallest: for shipping a store, as the examples."""
        db = self._db()
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")

    # -- reading -------------------------------------------------------------------------
    @_in_one_line
    def runs(self) -> list[RunRecord]:
        """Every run, newest first."""
        rows = self._db().execute("SELECT * FROM runs ORDER BY created DESC").fetchall()
        return [self._run_record(row) for row in rows]

    @_in_one_line
    def sweep_runs(self, sweep_id: str) -> list[RunRecord]:
        """The runs of one sweep (its trials), oldest first."""
        rows = self._db().execute("SELECT * FROM runs WHERE sweep_id = ? ORDER BY created", (sweep_id,)).fetchall()
        return [self._run_record(row) for row in rows]

    @_in_one_line
    def race_runs(self, race_id: str) -> list[RunRecord]:
        """The runs of one race, in the order the race started them (its first method pretrained for all)."""
        rows = self._db().execute("SELECT * FROM runs WHERE race_id = ? ORDER BY created, rowid", (race_id,)).fetchall()
        return [self._run_record(row) for row in rows]

    @_in_one_line
    def run_record(self, run_id: str) -> RunRecord:
        row = self._db().execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id!r} in {self.folder}")
        return self._run_record(row)

    @_in_one_line
    def epoch_rows(self, run_id: str, after: int = -1) -> list[EpochRow]:
        rows = self._db().execute("SELECT * FROM epochs WHERE run_id = ? AND seq > ? ORDER BY seq", (run_id, after))
        return [EpochRow(
            seq=r["seq"], phase=r["phase"], epoch=r["epoch"], epochs_in_phase=r["epochs_in_phase"],
            losses=json.loads(r["losses"]), metrics=json.loads(r["metrics"]), scalars=json.loads(r["scalars"]),
            reference_metrics=json.loads(r["reference"]), changed=r["changed"], seconds=r["seconds"],
            elapsed=r["elapsed"], device=r["device"], converged=bool(r["converged"]), view=json.loads(r["view"]),
            has_layout=bool(r["has_layout"]), has_weights=bool(r["has_weights"])) for r in rows]

    @_in_one_line
    def epoch_arrays(self, run_id: str, seq: int) -> dict[str, np.ndarray]:
        return read_arrays(self._file(run_id, "epoch", seq))

    @_in_one_line
    def display(self, run_id: str) -> DisplayRows:
        arrays = read_arrays(self.run_folder(run_id) / "display.npz")
        return DisplayRows(arrays["index"], arrays["X"].astype(np.float32), arrays.get("y"), arrays.get("ids"))

    @_in_one_line
    def layout(self, run_id: str, seq: int) -> np.ndarray:
        return read_arrays(self._file(run_id, "layout", seq))["layout"].astype(np.float32)

    @_in_one_line
    def layout_seqs(self, run_id: str) -> list[int]:
        rows = self._db().execute("SELECT seq FROM epochs WHERE run_id = ? AND has_layout = 1 ORDER BY seq", (run_id,))
        return [row[0] for row in rows]

    @_in_one_line
    def weight_seqs(self, run_id: str) -> list[int]:
        rows = self._db().execute("SELECT seq FROM epochs WHERE run_id = ? AND has_weights = 1 ORDER BY seq", (run_id,))
        return [row[0] for row in rows]

    @_in_one_line
    def load_weights(self, run_id: str, seq: int) -> dict[str, torch.Tensor]:
        if seq not in self.weight_seqs(run_id):
            raise KeyError(f"run {run_id} keeps no weights for snapshot {seq}")
        return read_weights(self._file(run_id, "weights", seq, "pt"))

    @_in_one_line
    def final_labels(self, run_id: str) -> np.ndarray | None:
        """Every row's label at the newest snapshot saved with all labels (None before the first)."""
        path = self.run_folder(run_id) / "labels.npz"
        return read_arrays(path)["labels"].astype(np.int64) if path.is_file() else None

    @_in_one_line
    def run_arrays(self, run_id: str, name: str) -> dict[str, np.ndarray] | None:
        """The arrays of <run folder>/<name>.npz (rows, assigner); None when the run has none."""
        path = self.run_folder(run_id) / f"{name}.npz"
        return read_arrays(path) if path.is_file() else None

    def _run_record(self, row: sqlite3.Row) -> RunRecord:
        status, error = row["status"], row["error"]
        owner = Owner(row["owner_host"], row["owner_pid"], row["owner_started"])
        if status == "running" and not owner.alive(row["heartbeat"], self.config.stale_after_s):
            status, error = "interrupted", "its process ended before the run did (a crash, a kill or a closed app)"
            if not self.read_only:
                with self._transaction() as db:
                    db.execute("UPDATE runs SET status = ?, error = ? WHERE id = ? AND status = 'running'",
                               (status, error, row["id"]))
        info = json.loads(row["data"])
        for name in ("image_shape", "class_names", "feature_names", "column_means", "column_stds", "pixel_range"):
            info[name] = None if info.get(name) is None else tuple(info[name])
        info["dropped_columns"] = tuple(info.get("dropped_columns", ()))
        parent = None if row["parent_id"] is None else Parent(row["parent_id"], row["parent_seq"], row["parent_epoch"])
        sweep = None if row["sweep_id"] is None else SweepTag(row["sweep_id"], row["sweep_setting"])
        return RunRecord(
            id=row["id"], name=row["name"], created=row["created"], origin=row["origin"], status=status, error=error,
            config=config_from_dict(json.loads(row["config"])), data=DataInfo(**info), n_snapshots=row["n_snapshots"],
            final_step=row["final_step"], final_metrics=json.loads(row["final_metrics"]), elapsed=row["elapsed"],
            parent=parent, sweep=sweep, read_only=self.read_only, race=row["race_id"])


def clean_name(name: str | None) -> str:
    """A run's name as stored: one line, no surrounding space, at most NAME_LENGTH characters."""
    return " ".join((name or "").split())[:NAME_LENGTH]


def _insert(db: sqlite3.Connection, table: str, **columns) -> None:
    """One row, each value under its column's name (columns not named take their defaults)."""
    db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
               tuple(columns.values()))


def _json(mapping) -> str:
    return json.dumps({name: float(value) for name, value in mapping.items()})


_default_stores: dict[Path, RunStore] = {}
_default_lock = threading.Lock()


def default_store() -> RunStore:
    """The user's store at `default_home()`, one object per folder and process."""
    folder = default_home().resolve()
    with _default_lock:
        if folder not in _default_stores:
            _default_stores[folder] = RunStore(folder)
        return _default_stores[folder]
