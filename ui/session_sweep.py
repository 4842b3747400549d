"""A closed tab gives back what its run held.

A tab keeps one run in its session state (ui/run_state.py): Start replaces it, and the replaced run is
freed at the next sweep (its reference cycles collected, the memory handed back). When the tab closes, Streamlit keeps its session RECONNECT_SECONDS for a reconnect (its
MemorySessionStorage, 2 minutes) and then drops it only when another session is stored after that: on a
server whose last tab closed, that tab's run (its snapshots, UMAP frames, autoencoder) stayed for good.
Streamlit does not tell the script that a tab closed, so a sweeper thread (one per server) looks every
SWEEP_SECONDS at the sessions that started a run: once one has been disconnected longer than
RECONNECT_SECONDS, nobody can reach it again, and its run releases what it holds in memory (the run store
keeps all of it). Then the garbage is collected and freed memory handed back to the system.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time
import weakref
from typing import Callable

RECONNECT_SECONDS = 120.0  # streamlit.runtime.memory_session_storage.MemorySessionStorage's ttl_seconds
SWEEP_SECONDS = 10.0

_lock = threading.Lock()
_watched: dict[str, tuple[weakref.ref, Callable[[], bool]]] = {}  # session id -> (its run, "is the tab connected?")
_closed_since: dict[str, float] = {}
_replaced = False  # a run was replaced since the last sweep: its memory is to be given back
_sweeper: threading.Thread | None = None


def watch(session_id: str, run, is_connected: Callable[[], bool]) -> None:
    """`run` is now the run of session `session_id` (it replaces the one watched before)."""
    global _sweeper, _replaced
    with _lock:
        _replaced |= session_id in _watched
        _watched[session_id] = (weakref.ref(run), is_connected)
        _closed_since.pop(session_id, None)
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = threading.Thread(target=_sweep_forever, name="deepclust-session-sweep", daemon=True)
            _sweeper.start()


def sweep(now: float | None = None) -> int:
    """Release the runs of sessions closed longer than RECONNECT_SECONDS; how many were released."""
    global _replaced
    now = time.monotonic() if now is None else now
    released = []
    with _lock:
        replaced, _replaced = _replaced, False
        for session_id, (run_ref, is_connected) in list(_watched.items()):
            if run_ref() is None:  # replaced and freed, or Streamlit dropped the session
                del _watched[session_id]
                _closed_since.pop(session_id, None)
            elif is_connected():
                _closed_since.pop(session_id, None)
            elif now - _closed_since.setdefault(session_id, now) > RECONNECT_SECONDS:
                released.append(run_ref())
                del _watched[session_id]
                _closed_since.pop(session_id, None)
    for run in released:
        run.release()
    if released or replaced:
        give_back_memory()
    return len(released)


def give_back_memory() -> None:
    """Collect reference cycles (a run and its frames point at each other), then return the freed pages of
    glibc's heaps to the system: freed numpy arrays below glibc's (moving) mmap threshold stay in the
    process's heap otherwise (docs/benchmarks.md, a long session)."""
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc:
        try:
            ctypes.CDLL(libc).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc: nothing to trim
            pass


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_SECONDS)
        sweep()
