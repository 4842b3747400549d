"""A sweep running in the background of the app, and its live status: every trial's status and
latest epoch, redrawn every second while it runs, and Stop.

The sweep runs in the server's sweep host (deepclust_core.sweeps.host), a process of its own started
with the first sweep and reused by every later one: it owns the local Ray (on loopback only) or
joins RAY_ADDRESS, and records every trial in the user's run store, so each trial is on the Runs
page as it trains. Whatever happens to Ray, this server goes on serving. One sweep per browser
session; it goes on if the tab closes.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from deepclust_core.data.dataset import Dataset
from deepclust_core.sweeps.spec import SweepSpec

from . import access, run_library

REFRESH_SECONDS = 1.0
START = "sweep:start_asked"


@st.cache_resource(show_spinner=False, validate=lambda host: host.alive)
def sweep_host():
    """The server's one sweep host (a new one if the last has died)."""
    from deepclust_core.sweeps.host import SweepHost  # brings torch: imported when a sweep starts

    return SweepHost()


def ask_to_start() -> None:
    """Start's callback only asks, as on the Train page (ui/run_buttons.py): a callback's arguments are those of the
    page that drew the button, and a click before the rerun of the last edit started 20 default trials, not the 4
    typed. `start_if_asked` starts the setup as the rerun this click starts reads it."""
    st.session_state[START] = True


def start_if_asked(spec: SweepSpec | None, data: Dataset | None) -> None:
    """Start the sweep the sidebar sets up now, if Start was pressed (before the button and the status are drawn)."""
    if st.session_state.pop(START, False) and spec is not None:
        start(spec, data)


def start(spec: SweepSpec, data: Dataset) -> None:
    """Start the sweep on the server's Ray (the teacher only; not without a run store, which records every trial)."""
    access.require_change()
    store = run_library.user_store()
    if store is not None:  # the line above the page says why it cannot be used
        st.session_state.sweep = sweep_host().start(spec, data, store)


def current():
    """This session's sweep (deepclust_core.sweeps.host.RemoteSweep), if it started one."""
    return st.session_state.get("sweep")


def trial_rows(running) -> pd.DataFrame:
    return pd.DataFrame([{
        "setting": t.setting.label, "seed": t.seed, "status": t.status, "latest epoch": t.step,
        "ACC": f"{t.metrics['acc']:.3f}" if "acc" in t.metrics else "", "node": t.node, "run": t.run_id or "", "reason": t.error or "",
    } for t in running.trials])


def start_label(spec: SweepSpec) -> str:
    """'Start 6 trials (3 settings × 2 seeds)', 'Start 1 trial (1 setting × 1 seed)'."""
    def counted(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    return (f"Start {counted(len(spec.trials()), 'trial')} "
            f"({counted(len(spec.settings), 'setting')} × {counted(len(spec.seeds), 'seed')})")


def live_status(running) -> None:
    """Every trial's row and Stop, redrawn while the sweep runs; one last full rerun when it ends."""

    @st.fragment(run_every=REFRESH_SECONDS if running.active else None)
    def status() -> None:
        trials = running.trials
        done = sum(t.done for t in trials)
        st.progress(done / len(trials), text=f"{running.sweep_id}: {done} of {len(trials)} trials ended")
        st.dataframe(trial_rows(running), hide_index=True, width="stretch")
        for error in running.errors:
            st.error(f"The sweep stopped: {error}")
        if running.active:
            st.button("Stop", key="sweep:stop", on_click=running.stop, disabled=running.stopping,
                      help="Cancel every trial left; they are recorded as stopped, with the epochs they made.")
        elif st.session_state.get("sweep:drawn_ended") != running.sweep_id:
            st.session_state["sweep:drawn_ended"] = running.sweep_id
            st.rerun()  # the whole page: the results below need the ended sweep

    status()
