"""The run store's tables and their history: a schema version kept in the database, and the migrations that
bring an older store up to it.

The version is SQLite's `PRAGMA user_version`: 0 in a new file and in every store written before versions were
kept. Migration n takes a store from version n-1 to n. Opening a store for writing applies the missing ones in
order inside one write transaction (RunStore), so a crash leaves the store at its old version, whole, and two
processes opening it at once migrate it once. A store newer than this code is refused with one line, never
written with columns it does not know. A read-only store (the shipped examples) is never written: an older one is
copied into memory and migrated there (`read_only_connection`), so readers see one schema and need no defaults
for columns a store lacks.

Each migration also holds for a store that already has part of its change (tables created if they do not exist,
columns added where missing), so an unversioned store migrates whatever it was written with. To change the schema,
append a migration; never edit one that has shipped.

References: https://www.sqlite.org/pragma.html#pragma_user_version, https://www.sqlite.org/lang_altertable.html,
https://www.sqlite.org/backup.html (the in-memory copy).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .unavailable import StoreUnavailable


class StoreVersionError(StoreUnavailable):
    """A store written by a newer deepclust: its schema version is above this code's `VERSION`."""


def _create_tables(db: sqlite3.Connection) -> None:
    """Version 1: the runs and their epochs, as the first stores had them."""
    db.execute("""CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY, created REAL, origin TEXT, status TEXT, error TEXT, config TEXT, data TEXT,
        owner_host TEXT, owner_pid INTEGER, owner_started TEXT, heartbeat REAL,
        parent_id TEXT, parent_seq INTEGER, parent_epoch INTEGER,
        n_snapshots INTEGER DEFAULT 0, final_step TEXT DEFAULT '', final_metrics TEXT DEFAULT '{}', elapsed REAL DEFAULT 0,
        weights_stride INTEGER DEFAULT 1, weights_pinned INTEGER)""")
    db.execute("""CREATE TABLE IF NOT EXISTS epochs (
        run_id TEXT, seq INTEGER, phase TEXT, epoch INTEGER, epochs_in_phase INTEGER, losses TEXT, metrics TEXT,
        scalars TEXT, reference TEXT, changed REAL, seconds REAL, elapsed REAL, device TEXT, converged INTEGER,
        view TEXT, has_layout INTEGER DEFAULT 0, has_weights INTEGER DEFAULT 0, PRIMARY KEY (run_id, seq))""")


def _add_sweep_columns(db: sqlite3.Connection) -> None:
    """Version 2: a run names the sweep it is a trial of and its setting (deepclust_core.sweeps); NULL in the
    runs already there."""
    present = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for name in ("sweep_id", "sweep_setting"):
        if name not in present:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} TEXT")


def _add_name_column(db: sqlite3.Connection) -> None:
    """Version 3: a run's name, given by its user (the Train and Runs pages, `train --name`); '' in the runs
    already there and in runs nobody named."""
    if "name" not in {row[1] for row in db.execute("PRAGMA table_info(runs)")}:
        db.execute("ALTER TABLE runs ADD COLUMN name TEXT NOT NULL DEFAULT ''")


def _add_race_column(db: sqlite3.Connection) -> None:
    """Version 4: a run names the race it ran in beside other methods (runs/race/); NULL in the runs already
    there and in runs of their own."""
    if "race_id" not in {row[1] for row in db.execute("PRAGMA table_info(runs)")}:
        db.execute("ALTER TABLE runs ADD COLUMN race_id TEXT")


# MIGRATIONS[n - 1] takes a store from version n - 1 to n
MIGRATIONS = (_create_tables, _add_sweep_columns, _add_name_column, _add_race_column)
VERSION = len(MIGRATIONS)


def schema_version(db: sqlite3.Connection, where: Path) -> int:
    """The store's schema version; StoreVersionError when this code is too old to read it."""
    found = db.execute("PRAGMA user_version").fetchone()[0]
    if found > VERSION:
        raise StoreVersionError(where, f"the run store in {where} has schema version {found}, newer than this "
                                       f"deepclust reads (up to {VERSION}): update deepclust to open it")
    return found


def migrate(db: sqlite3.Connection, where: Path) -> None:
    """Bring the store to `VERSION`: the migrations it lacks, in order. Call it inside a write transaction."""
    found = schema_version(db, where)
    for migration in MIGRATIONS[found:]:
        migration(db)
    if found < VERSION:
        db.execute(f"PRAGMA user_version = {VERSION}")


def read_only_connection(path: Path) -> sqlite3.Connection:
    """The store at `path` for reading, its file never written: as it is at `VERSION`, else a migrated copy in
    memory (the shipped examples' is about 100 kB)."""
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    if schema_version(db, path.parent) == VERSION:
        return db
    copy = sqlite3.connect(":memory:", isolation_level=None)
    db.backup(copy)
    db.close()
    migrate(copy, path.parent)
    return copy
