"""Per-tab run state in st.session_state: each browser tab is its own session, so two tabs
train side by side without mixing their runs. A tab keeps its current run only; a run whose tab closes stops
on its own, and gives back its memory once the tab cannot come back (ui/session_sweep.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from deepclust_core import Dataset, TrainConfig

from . import access, session_sweep

if TYPE_CHECKING:  # the training code (torch) is imported on the first Start, not for the first page
    from deepclust_core.runs.branch import BranchStart
    from deepclust_core.runs.live import LiveRun


# A tab disconnected this long is taken as closed and its run stops ("interrupted"). Long enough for a tab to
# reconnect: on a busy machine (load 50 on 2 cores, all 70,000 Fashion-MNIST images, docs/benchmarks.md) an open
# tab's connection dropped at the end of the first epoch and a grace of 3 s interrupted its run.
TAB_GONE_SECONDS = 30.0
PACE_HELP = ("Training waits after each clustering epoch (at most 2 s) until both panels have drawn it, so "
             "the audience sees every step even when an epoch is faster than a UMAP frame. Off: training runs "
             "at full speed and the panels show the newest epoch they can. The results are the same either way.")
SLOW_MOTION_HELP = ("Slow motion for a lecture: the run pauses after every epoch, pretraining's and clustering's, "
                    "with everything on the page showing that epoch; Resume or Step trains the next one.")


def current_run() -> LiveRun | None:
    return st.session_state.get("run")


def pace_toggle() -> None:
    """The switch that makes training wait for the page to draw each clustering epoch; it applies at once."""
    paced = st.toggle("Show every clustering epoch", key="paced", value=True, persist_state="session",
                      help=PACE_HELP)
    run = current_run()
    if run is not None:
        run.paced = paced


def slow_motion_toggle() -> None:
    """The switch that pauses the run after every epoch (Resume or Step trains the next one); it applies at once."""
    slow = st.toggle("Pause after every epoch", key="slow_motion", value=False, persist_state="session",
                     help=SLOW_MOTION_HELP)
    run = current_run()
    if run is not None:
        run.slow_motion = slow


def _session_watcher():
    """A thread-safe 'is this tab still connected?' check and the session's id, or None outside a server."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return None
    runtime, session_id = Runtime.instance(), context.session_id
    return session_id, lambda: runtime.is_active_session(session_id)


def start_run(data: Dataset, config: TrainConfig, branch_from: BranchStart | None = None, name: str = "") -> LiveRun:
    """Stop this tab's run, if any, and start a new one (from a stored run's weights with `branch_from`), recorded
    under `name`."""
    from deepclust_core.runs.live import LiveRun

    access.require_change()
    previous = current_run()
    if previous is not None:
        previous.stop()
    session = _session_watcher()
    run = LiveRun(data, config, is_alive=session and session[1], orphan_grace=TAB_GONE_SECONDS,
                  branch_from=branch_from, paced=st.session_state.get("paced", True),
                  slow_motion=st.session_state.get("slow_motion", False), name=name).start()
    st.session_state.run = run
    if session is not None:
        session_sweep.watch(session[0], run, is_connected=session[1])  # a closed tab gives its run back
    st.session_state.follow_live = True
    st.session_state.playing = False
    return run
