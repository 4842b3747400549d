"""The run store's SQLite file (runs.sqlite): one connection per thread, write transactions that take the lock
at once, SQLite's quick check, and a row written by its columns' names.

Two runs write side by side: WAL journal, a 30 s busy timeout, one connection per thread (sqlite3 connections
must not cross threads). The tables and their migrations: schema.py; what RunStore keeps in them: run_store.py.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .schema import read_only_connection


class StoreDatabase:
    def __init__(self, path: Path, *, read_only: bool):
        """`read_only`: opened with SQLite's read-only mode (schema.read_only_connection), never written."""
        self.path, self.read_only = path, read_only
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, rows readable by column name."""
        db = getattr(self._local, "db", None)
        if db is None:
            if self.read_only:
                db = read_only_connection(self.path)
            else:
                db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def query(self, sql: str, parameters: tuple = ()) -> list[sqlite3.Row]:
        """Every row `sql` selects."""
        return self.connection().execute(sql, parameters).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between two writers
        try:
            yield db
        except BaseException:
            if db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk: SQLITE_FULL)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def damage(self) -> str | None:
        """What SQLite's quick check of the whole file finds wrong first (milliseconds for a store's few MB), None
        when nothing (https://www.sqlite.org/pragma.html#pragma_quick_check)."""
        found = [row[0] for row in self.connection().execute("PRAGMA quick_check(1)")]
        return None if found == ["ok"] else found[0]


def insert(db: sqlite3.Connection, table: str, **columns) -> None:
    """One row, each value under its column's name (columns not named take their defaults)."""
    db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
               tuple(columns.values()))


def numbers_json(mapping: Mapping[str, float]) -> str:
    """A snapshot's losses or metrics as a JSON object of plain floats."""
    return json.dumps({name: float(value) for name, value in mapping.items()})
