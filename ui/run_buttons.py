"""The run's name, Start, Pause / Resume, Step and Stop, with a note beside them.

Start is disabled while the settings are invalid, and the note says why in one line. Pressed
while a run is training, Start asks first: starting stops the current run (its epochs so far
stay recorded), so a stray click never throws away a lecture's run. The name goes with the next
Start and is then cleared, so it never labels a run it was not meant for. A run the store cannot
record trains all the same, and the note says why.

Start's click only asks for a run (`START`); the page starts it with `start_if_asked`, from the form as
that rerun reads it. A callback's arguments are those of the page that drew the button, and on a busy
machine a click can land on a button drawn before the user's last change (a run on digits with the
default epochs after moons and 3 + 3 epochs were typed).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from deepclust_core.runs.store import NAME_LENGTH

from . import access, run_library, run_state
from .settings_form import Choice

if TYPE_CHECKING:  # the training code (torch) is imported on the first Start, not for the first page
    from deepclust_core.runs.live import LiveRun

CONFIRM = "confirm_start"  # session-state flag: Start was pressed while a run was active
START = "start_asked"  # session-state flag: Start (or "Stop it and start the new run") was pressed
NAME = "run_name"  # the name field's key: the name the next run is recorded under
STEP_HELP = ("Train exactly one more epoch, then pause with every panel, the scoreboard and the curves showing it. "
             "Pressed while training, it pauses at the end of the epoch under way.")


def _ask_to_start() -> None:
    access.require_change()  # a viewer's forged click is refused here, in one line
    st.session_state[CONFIRM], st.session_state[START] = False, True


def start_if_asked(choice: Choice) -> None:
    """Start the run the form asks for now, if Start was pressed (before the buttons and the live view are drawn)."""
    if st.session_state.pop(START, False) and choice.config is not None:
        run_state.start_run(choice.data, choice.config, name=st.session_state.get(NAME, ""))
        st.session_state[NAME] = ""


def _ask(asking: bool) -> None:
    st.session_state[CONFIRM] = asking


def _control(action: str) -> None:
    """Pause, resume, step or stop this tab's run, looked up when the button is clicked: a widget's callback outlives
    the page it was drawn on, and one that held the run kept the run's history in memory after the next Start."""
    run = run_state.current_run()
    if run is not None:
        getattr(run, action)()


def control_buttons(columns, active: bool, paused: bool, control, step_help: str) -> None:
    """Pause / Resume, Step and Stop in `columns`; `control(action)` acts on the tab's run (or race), looked up
    when clicked. Callbacks run before the page does: the one rerun a click starts already shows the new state."""
    pause, step, stop = columns
    pause.button("Resume" if paused else "Pause", disabled=not active, width="stretch", on_click=control,
                 args=("resume" if paused else "pause",))
    step.button("Step", disabled=not active, width="stretch", on_click=control, args=("step",), help=step_help)
    stop.button("Stop", disabled=not active, width="stretch", on_click=control, args=("stop",))


def _confirm(choice: Choice, run: LiveRun) -> None:
    """The question asked when Start is pressed during a run, with its two answers."""
    with st.container(border=True):
        st.warning(f"A run is {'paused' if run.status == 'paused' else 'training'}. Starting a new one stops it; "
                   "its epochs so far stay recorded.", icon=":material/help:")
        with st.container(horizontal=True):
            st.button("Stop it and start the new run", key="start:confirm", type="primary", on_click=_ask_to_start)
            st.button("Keep the current run", key="start:cancel", on_click=_ask, args=(False,))


def run_buttons(choice: Choice, run: LiveRun | None) -> str | None:
    """The row of buttons and its note; the run's status they were drawn for (the live view redraws the page
    when the run leaves it by itself: paused after a Step, or in slow motion)."""
    status = run.status if run is not None else None
    active = run is not None and run.active
    asking = active and choice.config is not None and st.session_state.get(CONFIRM, False)
    # the container's key: the lecture layout's style places these buttons
    name, start, pause, step, stop, note = st.container(key="run_buttons").columns([2, 1, 1, 1, 1, 3])
    name.text_input("Run name", key=NAME, max_chars=NAME_LENGTH, placeholder="Name the next run (optional)",
                    label_visibility="collapsed", help="Shown on the Runs and Compare pages and in the exports.")
    start.button("Start", type="primary", disabled=choice.config is None or asking or not access.can_change(),
                 width="stretch",
                 on_click=_ask if active else _ask_to_start, args=(True,) if active else (),
                 help="Asks first while a run is training." if active else None)
    paused = status == "paused"
    control_buttons((pause, step, stop), active, paused, _control, STEP_HELP)
    if not access.can_change():
        note.info(access.VIEWER_LINE, icon=":material/visibility:")
    elif choice.problem:
        note.error(choice.problem, icon=":material/block:")
    elif asking:
        with note:
            _confirm(choice, run)
    elif run is None:
        note.info("Press Start to train. The page shows every epoch as it happens.")
    elif run.status == "failed" and not run.history():  # failed before its first epoch: no view to say so
        note.error(run.error, icon=":material/error:")
    elif run.recording.problem:  # the line above the page says why, unless the store failed during the run
        why = " (the line above says why)." if run_library.store_problem() else f": {run.recording.problem}."
        note.warning("This run trains and draws but is not recorded" + why, icon=":material/database_off:")
    if not asking:  # the run ended, or the settings turned invalid: ask again on the next Start
        st.session_state[CONFIRM] = False
    return status
