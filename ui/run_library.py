"""The runs the app can open: the user's run store and the shipped examples (read-only).

A user's store that cannot be used (damaged, not writable, a full disk, from a newer deepclust:
runs/store/unavailable.py) is said in one line at the top of every page (`store_notice`, from
navigation.inside_app) and left as it is; the pages go on with the examples, and the Train page trains without
recording.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core.runs.store import EXAMPLES_DIR, RunStore, default_home
from deepclust_core.runs.store.rows import RunRecord
from deepclust_core.runs.stored_run import StoredRun
from deepclust_core.runs.store.unavailable import StoreUnavailable

from . import access


@st.cache_resource(show_spinner=False)
def _user_store(folder: str) -> RunStore:
    return RunStore(folder)  # a failure is not cached: the next page tries again, once the user has seen to it


def _own_store() -> RunStore:
    """The store at $DEEPCLUST_HOME (else ~/.local/share/deepclust); StoreUnavailable when it cannot be used."""
    return _user_store(str(default_home()))


def user_store() -> RunStore | None:
    """The store where the app records its runs; None when it cannot be used (`store_problem` says why)."""
    try:
        return _own_store()
    except StoreUnavailable:
        return None


def store_problem() -> str | None:
    """Why the user's store cannot be used, in one line; None when it can."""
    try:
        _own_store()
    except StoreUnavailable as error:
        return str(error)
    return None


def say_store_problem(problem: str) -> None:
    st.error(f"Runs are not being recorded: {problem}.", icon=":material/database_off:")


def store_notice() -> None:
    """The user's store's problem, if it has one, in one line (drawn above every page)."""
    problem = store_problem()
    if problem:
        say_store_problem(problem)


@st.cache_resource(show_spinner=False)
def examples_store() -> RunStore | None:
    """The shipped examples; None without them (an installed package) or when their file cannot be read."""
    try:
        return RunStore(EXAMPLES_DIR, read_only=True) if (EXAMPLES_DIR / "runs.sqlite").is_file() else None
    except StoreUnavailable:
        return None


def stores() -> list[RunStore]:
    """The user's store (when it can be used), then the shipped examples (when this checkout has them)."""
    return [store for store in (user_store(), examples_store()) if store is not None]


def records() -> list[RunRecord]:
    """The user's runs, newest first, then the examples. A store that fails while it is read (it opened, then
    was damaged) is said in one line and left out."""
    found = []
    for store in stores():
        try:
            found += store.runs()
        except StoreUnavailable as error:
            say_store_problem(str(error))
    return found


def store_of(run_id: str) -> RunStore:
    for store in stores():
        try:
            store.run_record(run_id)
            return store
        except KeyError:
            continue
    raise KeyError(f"no run {run_id!r}")


@st.cache_resource(max_entries=8, show_spinner="Reading the run…")
def _stored_run(folder: str, run_id: str, _store: RunStore) -> StoredRun:
    return StoredRun(_store, run_id)


def open_run(run_id: str) -> StoredRun:
    """The stored run, read once per server (a run still training reads its new epochs as it goes)."""
    store = store_of(run_id)
    return _stored_run(str(store.folder), run_id, store)


def open_race(record: RunRecord) -> list[StoredRun]:
    """Every method's run of the race `record` ran in, the lead first, each read once per server as `open_run`."""
    store = store_of(record.id)
    return [_stored_run(str(store.folder), member.id, store) for member in store.race_runs(record.race)]


def delete(run_id: str) -> None:
    access.require_change()
    _own_store().delete(run_id)
    _stored_run.clear()


def rename(run_id: str, name: str) -> None:
    """Name one of the user's runs ('' takes its name away); the runs read once see it too."""
    access.require_change()
    _own_store().rename(run_id, name)
    _stored_run.clear()
