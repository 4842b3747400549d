"""A closed tab gives back its run once Streamlit can no longer reconnect it (ui/session_sweep.py), and a
released LiveRun holds no snapshots, frames or weights."""
from __future__ import annotations

import gc
import weakref
from types import SimpleNamespace

import pytest

from ui import session_sweep
from ui.session_sweep import RECONNECT_SECONDS


class Run:
    released = False

    def release(self):
        self.released = True


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch):
    """An empty registry, and a stand-in for the sweeper thread: the tests sweep by hand."""
    monkeypatch.setattr(session_sweep, "_watched", {})
    monkeypatch.setattr(session_sweep, "_closed_since", {})
    monkeypatch.setattr(session_sweep, "_replaced", False)
    monkeypatch.setattr(session_sweep, "_sweeper", SimpleNamespace(is_alive=lambda: True))


def test_a_closed_tab_keeps_its_run_for_the_reconnect_window_then_releases_it():
    connected = {"open": True, "closed": True}
    runs = {"open": Run(), "closed": Run()}
    for name, run in runs.items():
        session_sweep.watch(name, run, lambda name=name: connected[name])
    connected["closed"] = False
    assert session_sweep.sweep(now=1000.0) == 0  # the tab was just found closed
    assert session_sweep.sweep(now=1000.0 + RECONNECT_SECONDS / 2) == 0 and not runs["closed"].released
    assert session_sweep.sweep(now=1001.0 + RECONNECT_SECONDS) == 1
    assert runs["closed"].released and not runs["open"].released
    assert session_sweep.sweep(now=5000.0) == 0  # released once; the open tab keeps its run


def test_a_tab_that_reconnects_in_time_keeps_its_run():
    connected, run = [False], Run()
    session_sweep.watch("tab", run, lambda: connected[0])
    session_sweep.sweep(now=0.0)
    connected[0] = True
    session_sweep.sweep(now=RECONNECT_SECONDS - 1)
    connected[0] = False
    assert session_sweep.sweep(now=RECONNECT_SECONDS + 1) == 0  # closed again: the window starts again
    assert session_sweep.sweep(now=2 * RECONNECT_SECONDS + 2) == 1 and run.released


def test_a_replaced_run_is_not_kept_by_the_sweep():
    first, second = Run(), Run()
    session_sweep.watch("tab", first, lambda: True)
    session_sweep.watch("tab", second, lambda: True)  # Start again in the same tab
    gone = weakref.ref(first)
    del first
    gc.collect()
    # (not `_replaced`: a sweeper thread started by an earlier test in this process may have swept it since)
    assert gone() is None and [run() for run, _ in session_sweep._watched.values()] == [second]


def test_a_released_live_run_holds_no_history_frames_or_weights(tiny_run, monkeypatch):
    from deepclust_core.projection import frames
    from deepclust_core.runs.live import LiveRun

    monkeypatch.setattr(frames.projection, "warm_up", lambda: None)
    monkeypatch.setattr(frames.projection, "project", lambda H, previous, seed: H[:, :2].copy())
    run = LiveRun(tiny_run.data, tiny_run.config, record=False).start()
    assert run.wait(60)
    autoencoder = weakref.ref(run.autoencoder)
    assert run.history() and run.release()
    gc.collect()
    assert run.history() == [] and run.final_labels is None and autoencoder() is None
    assert run.frames.seqs() == [] and run.status in ("finished", "converged") and not run.active


def test_start_on_the_page_puts_the_run_under_the_sweep():
    from streamlit.testing.v1 import AppTest

    from tests.test_app_settings import APP, button

    app = AppTest.from_file(APP, default_timeout=60).run()
    app.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    app.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(500).run()
    button(app, "Start").click().run()
    run = app.session_state["run"]
    try:
        watched = [(ref(), is_connected) for ref, is_connected in session_sweep._watched.values()]
        assert [entry[0] for entry in watched] == [run] and callable(watched[0][1])  # AppTest: a mock runtime
        assert session_sweep.sweep() == 0 and run.active and run.history() is not None  # the tab is open
    finally:
        run.stop()
