"""A sweep running in the background of the app, and its live status: every trial's status and
latest epoch, redrawn every second while it runs, and Stop.

The page's process is the sweep's driver (deepclust_core.sweeps.driver): it starts a local Ray
(or joins RAY_ADDRESS) and records every trial in the user's run store, so each trial is on the
Runs page as it trains. One sweep per browser session; it goes on if the tab closes.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from deepclust_core.data.dataset import Dataset
from deepclust_core.sweeps.spec import SweepSpec

from . import run_library

REFRESH_SECONDS = 1.0


@dataclass
class BackgroundSweep:
    sweep: object  # deepclust_core.sweeps.driver.Sweep (imported when one starts: it brings torch)
    thread: threading.Thread | None = None
    errors: list = field(default_factory=list)  # why the sweep itself could not run (Ray would not start...)

    @property
    def active(self) -> bool:
        return self.thread.is_alive()


def start(spec: SweepSpec, data: Dataset) -> None:
    from deepclust_core.sweeps.driver import Sweep

    sweep = Sweep(spec, data, run_library.user_store())
    running = BackgroundSweep(sweep)
    running.thread = threading.Thread(target=_run, args=(running,), name=sweep.sweep_id, daemon=True)
    st.session_state.sweep = running
    running.thread.start()


def _run(running: BackgroundSweep) -> None:
    try:
        running.sweep.run()
    except Exception as error:  # noqa: BLE001 - shown on the page, with the trials recorded so far
        running.errors.append(f"{type(error).__name__}: {error}")


def current() -> BackgroundSweep | None:
    return st.session_state.get("sweep")


def trial_rows(running: BackgroundSweep) -> pd.DataFrame:
    return pd.DataFrame([{
        "setting": t.setting.label, "seed": t.seed, "status": t.status, "latest epoch": t.step,
        "ACC": f"{t.metrics['acc']:.3f}" if "acc" in t.metrics else "", "node": t.node, "run": t.run_id or "", "reason": t.error or "",
    } for t in running.sweep.trials])


def live_status(running: BackgroundSweep) -> None:
    """Every trial's row and Stop, redrawn while the sweep runs; one last full rerun when it ends."""

    @st.fragment(run_every=REFRESH_SECONDS if running.active else None)
    def status() -> None:
        trials = running.sweep.trials
        done = sum(t.done for t in trials)
        st.progress(done / len(trials), text=f"{running.sweep.sweep_id}: {done} of {len(trials)} trials ended")
        st.dataframe(trial_rows(running), hide_index=True, width="stretch")
        for error in running.errors:
            st.error(f"The sweep stopped: {error}")
        if running.active:
            st.button("Stop", key="sweep:stop", on_click=running.sweep.stop, disabled=running.sweep.stopping,
                      help="Cancel every trial left; they are recorded as stopped, with the epochs they made.")
        elif st.session_state.get("sweep:drawn_ended") != running.sweep.sweep_id:
            st.session_state["sweep:drawn_ended"] = running.sweep.sweep_id
            st.rerun()  # the whole page: the results below need the ended sweep

    status()
