"""The runs the app can open: the user's run store and the shipped gallery (read-only examples)."""
from __future__ import annotations

import streamlit as st

from deepclust_core.runs.record import RunRecord
from deepclust_core.runs.schema import StoreVersionError
from deepclust_core.runs.store import GALLERY_DIR, RunStore, default_home
from deepclust_core.runs.stored_run import StoredRun

from . import access


@st.cache_resource(show_spinner=False)
def _user_store(folder: str) -> RunStore:
    return RunStore(folder)


def user_store() -> RunStore:
    """The store at $DEEPCLUST_HOME (else ~/.local/share/deepclust), where the app records its runs; a store
    this version cannot open (written by a newer deepclust) stops the page with its one line."""
    try:
        return _user_store(str(default_home()))
    except StoreVersionError as error:
        st.error(str(error), icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False)
def gallery_store() -> RunStore | None:
    return RunStore(GALLERY_DIR, read_only=True) if (GALLERY_DIR / "runs.sqlite").is_file() else None


def stores() -> list[RunStore]:
    gallery = gallery_store()
    return [user_store()] + ([gallery] if gallery else [])


def records() -> list[RunRecord]:
    """The user's runs, newest first, then the examples."""
    return [record for store in stores() for record in store.runs()]


def store_of(run_id: str) -> RunStore:
    for store in stores():
        try:
            store.record(run_id)
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


def delete(run_id: str) -> None:
    access.require_change()
    user_store().delete(run_id)
    _stored_run.clear()
