"""The run store: every run on disk as it trains, in one folder the user can move (the layout: run_store.py).

    run_store.py     RunStore: writes a run as it trains, reads it back; StoreConfig; the user's default store
    database.py      the SQLite file: a connection per thread, write transactions, the quick check
    schema.py        its tables, their schema version and the migrations that bring an older store up to it
    rows.py          what the store says about a run and its epochs, as plain read-only values (RunRecord, ...)
    files.py         a run's arrays and weights on disk, written atomically, read without unpickling
    owner.py         which process writes a run, and whether it is still alive
    unavailable.py   a store that cannot be opened, read or written, said in one line
"""
from .run_store import (
    EXAMPLES_DIR,
    NAME_LENGTH,
    RunStore,
    StoreConfig,
    default_home,
    default_store,
)

__all__ = ["EXAMPLES_DIR", "NAME_LENGTH", "RunStore", "StoreConfig", "default_home", "default_store"]
