"""How long the run takes, under the run buttons: before Start, about how long the chosen settings
take on this machine (deepclust_core.runs.duration: from the user's recorded runs of the same data,
method, network and batch size, else a first estimate); while a run trains, the time left from its
own epochs so far, redrawn every 5 s."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from deepclust_core.runs.duration import duration_text, estimate, time_left

from . import run_library
from .settings_form import Choice

if TYPE_CHECKING:  # the training code (torch) is imported on the first Start, not for the first page
    from deepclust_core.runs.live import LiveRun

REDRAW_SECONDS = 5.0  # the time left changes slowly: a rare redraw leaves the live view its cores


def settings_line(choice: Choice) -> str | None:
    """'About 4 min on this machine (...)' for the chosen settings; None while they are invalid."""
    if choice.config is None or choice.data is None:
        return None
    return estimate(choice.data, choice.config, run_library.user_store()).line()


def time_left_line(run: LiveRun) -> str:
    rows = [(e.snapshot.phase, e.snapshot.epoch, e.snapshot.epochs_in_phase, e.snapshot.seconds) for e in run.history()]
    left = time_left(rows, run.config)
    if left is None:
        return "Time left: measured after the first epoch."
    return f"About {duration_text(left)} left at this run's pace (at most: a method may stop sooner)."


def run_estimate(choice: Choice, run: LiveRun | None) -> None:
    """The estimate for the settings, or the time left of the run training now."""
    active = run is not None and run.active

    @st.fragment(run_every=REDRAW_SECONDS if active else None)
    def line() -> None:
        if active and run.active:
            st.caption(time_left_line(run), help="From this run's own epoch times so far.")
        elif (text := settings_line(choice)) is not None:
            st.caption(text, help="Pretraining epochs times the seconds of one, plus the clustering epochs (at most) "
                                  "times the seconds of one: measured on your recorded runs of this data, method, "
                                  "network and batch size, or else estimated from the data size and the network.")

    line()
