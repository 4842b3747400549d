"""How long the run takes, under the run buttons: before Start, about how long the chosen settings
take on this machine (deepclust_core.runs.duration: from the user's recorded runs of the same data,
method, network and batch size, else a first estimate, for settings of more than 2 minutes refined by a
trial of them on a few batches of the data that starts when the form shows them to the teacher, runs/probe.py;
a viewer's visit never spends the teacher's cores on it); while a run trains, the time left from its own epochs
so far, redrawn every 5 s."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from deepclust_core.runs.duration import duration_text, estimate, time_left
from deepclust_core.runs.probe import TrialProcess

from . import access, run_library
from .settings_form import Choice

if TYPE_CHECKING:  # the training code (torch) is imported on the first Start, not for the first page
    from deepclust_core.runs.live import LiveRun

REDRAW_SECONDS = 5.0  # the time left changes slowly: a rare redraw leaves the live view its cores
TRIAL_POLL_SECONDS = 1.0  # how often the line looks whether the trial has ended
TRIAL_DELAY_SECONDS = 3.0  # the trial (and its import of the training code) waits for the page to be drawn
# Settings whose calibrated first estimate is shorter get no trial: a quick look is not worth a core's seconds
# beside the page (and, on a machine's first start, beside UMAP's compilation).
TRIAL_ABOVE_SECONDS = 120.0

_TRIALS: dict[tuple, TrialProcess] = {}  # settings key: its trial; one a server and settings


def trial_key(choice: Choice) -> tuple:
    """What an epoch's time depends on: the data, the method and its clusters, the network, batch, hold-out."""
    c = choice.config
    return (choice.data.fingerprint(), c.method, c.n_clusters, c.autoencoder, c.batch_size, c.pretrain_holdout,
            c.device, c.seed)


def trial(choice: Choice) -> TrialProcess:
    """The trial of these settings (runs/probe.py), started once per server and settings, in the background."""
    key = trial_key(choice)
    if key not in _TRIALS:
        _TRIALS[key] = TrialProcess(choice.data, choice.config, delay=TRIAL_DELAY_SECONDS)
    return _TRIALS[key]


def stop_trials() -> None:
    """A run starts: the trials still under way would take its cores."""
    for key, running in list(_TRIALS.items()):
        if not running.done():
            running.stop()
            del _TRIALS[key]


def settings_line(choice: Choice) -> tuple[str | None, TrialProcess | None]:
    """'About 4 min on this machine (...)' for the chosen settings (None while they are invalid), and the trial
    of these settings when the line waits for it (None: measured on recorded runs, or the trial has ended)."""
    if choice.config is None or choice.data is None:
        return None, None
    store = run_library.user_store()
    first = estimate(choice.data, choice.config, store)
    if first.runs or first.seconds < TRIAL_ABOVE_SECONDS or not access.can_change():  # a viewer spends no core
        return first.line(), None
    running = trial(choice)  # a trial that failed (data the loop refuses) leaves the calibrated estimate
    probed = running.result()
    line = (first if probed is None else estimate(choice.data, choice.config, store, probed)).line()
    if running.done():
        return line, None
    return line + " Timing a trial of these settings on this data…", running


def time_left_line(run: LiveRun) -> str:
    rows = [(e.snapshot.phase, e.snapshot.epoch, e.snapshot.epochs_in_phase, e.snapshot.seconds) for e in run.history()]
    left = time_left(rows, run.config)
    if left is None:
        return "Time left: measured after the first epoch."
    return f"About {duration_text(left)} left at this run's pace (a method may stop sooner)."


def run_estimate(choice: Choice, run: LiveRun | None) -> None:
    """The estimate for the settings, or the time left of the run training now."""
    if run is not None and run.active:
        stop_trials()

        @st.fragment(run_every=REDRAW_SECONDS)
        def left() -> None:
            if run.active:
                st.caption(time_left_line(run), help="From this run's own epoch times so far.")

        left()
        return
    text, waiting = settings_line(choice)
    if text is None:
        return

    @st.fragment(run_every=TRIAL_POLL_SECONDS if waiting is not None else None)
    def line() -> None:
        if waiting is not None and waiting.done():
            st.rerun()  # the trial has ended: the page again, with the line it gives
        st.caption(text, help="Pretraining epochs times the seconds of one, plus the clustering epochs (those a "
                              "method's stopping rule usually leaves, at most every one) times the seconds of one: "
                              "measured on your recorded runs of this data, method, network and batch size, or else "
                              "timed on a trial of a few batches of this data.")

    line()
