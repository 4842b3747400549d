"""A run store that cannot be opened, read or written, said in one line: which file, what is wrong, what to do.

`StoreUnavailable` is what RunStore raises instead of SQLite's and the file system's own errors when the
store itself is the problem: a file that is not a database or is damaged (truncated, overwritten), a folder or
file it may not write (permissions, a read-only file system), a full disk. deepclust never repairs, moves or
deletes such a file: the user decides (the line says how), and training goes on without recording
(runs/recording.py). The CLI prints the line and exits with status 2; every page of the app shows it.

SQLite's result codes: https://www.sqlite.org/rescode.html (SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_FULL, ...).
"""
from __future__ import annotations

import errno
import functools
import sqlite3
from contextlib import contextmanager
from pathlib import Path

ELSEWHERE = "or set DEEPCLUST_HOME (the CLI: --store DIR) to another folder"

DAMAGED = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)
READ_ONLY = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM)
FULL = (sqlite3.SQLITE_FULL,)
NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StoreUnavailable(ValueError):
    """The run store at `folder` cannot be used; the message is one line meant for the user."""

    def __init__(self, folder: Path, message: str):
        super().__init__(message)
        self.folder = Path(folder)


def damaged(folder: Path, reason: str) -> StoreUnavailable:
    database = Path(folder) / "runs.sqlite"
    return StoreUnavailable(folder, f"the run store {database} cannot be read ({reason}); deepclust leaves it as "
                                    f"it is: restore it from a backup or move it aside to start a new one, {ELSEWHERE}")


def _not_writable(folder: Path, reason: str) -> StoreUnavailable:
    return StoreUnavailable(folder, f"the run store in {folder} cannot be written ({reason}): make the folder and "
                                    f"its runs.sqlite writable, {ELSEWHERE}")


def _full(folder: Path, reason: str) -> StoreUnavailable:
    return StoreUnavailable(folder, f"the disk holding the run store {folder} is full ({reason}): free some space "
                                    f"(deleting old runs on the Runs page frees theirs), {ELSEWHERE}")


def unavailable(error: BaseException, folder: Path) -> StoreUnavailable | None:
    """The one-line StoreUnavailable that `error` means for the store in `folder`; None when it is not about the
    store itself (a bug, a missing run, a lock another writer holds for longer than the busy timeout)."""
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, (sqlite3.IntegrityError,
                                                                              sqlite3.ProgrammingError)):
        code = getattr(error, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF  # extended codes keep the primary one in the low byte
        if primary in DAMAGED or (code is None and "not a database" in str(error)):
            return damaged(folder, str(error))
        if primary in READ_ONLY:
            return _not_writable(folder, str(error))
        if primary in FULL:
            return _full(folder, str(error))
        return None
    if isinstance(error, OSError) and error.errno in NOT_WRITABLE:
        return _not_writable(folder, error.strerror or str(error))
    if isinstance(error, OSError) and error.errno in NO_SPACE:
        return _full(folder, error.strerror or str(error))
    return None


@contextmanager
def said_in_one_line(folder: Path):
    """Raise the store's own problems inside the block as StoreUnavailable; anything else as it is."""
    try:
        yield
    except (sqlite3.DatabaseError, OSError) as error:
        problem = unavailable(error, folder)
        if problem is None:
            raise
        raise problem from error


def in_one_line(method):
    """A RunStore `method` with the store's own problems (damaged file, no permission, full disk) raised as one-line
    StoreUnavailable."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        with said_in_one_line(self.folder):
            return method(self, *args, **kwargs)

    return guarded
