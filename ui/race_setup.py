"""The race's settings in the sidebar, its buttons, and this tab's race.

A teacher picks 2 to 4 methods and a preset (quick look or the papers' settings); data, K and the seed are
the Train page's widgets (the same keys), so a race runs on what the Train page has chosen. Every method's
settings come from `recipe.race.race_configs` (each method's own recipe, the lead's pretraining shared).
A tab keeps one race (`st.session_state.race`), beside its Train page run; Start race stops the last one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from deepclust_core import DataError, Dataset, TrainConfig, validate_for_clustering
from deepclust_core.catalog import CARDS
from deepclust_core.recipe.race import MOST_METHODS, race_configs

from . import access, run_state, session_sweep
from .run_buttons import control_buttons
from .settings_form import kept

if TYPE_CHECKING:  # the training code (torch) is imported on the first Start
    from deepclust_core.runs.race import Race

PRESETS = {"quick": "Quick look", "paper": "Papers' settings"}
DEFAULT_METHODS = ["dekm", "dec"]
EPOCHS = (("pretrain_epochs", "Pretraining epochs", "The shared autoencoder's; empty: the first method's recipe."),
          ("cluster_epochs", "Clustering epochs (at most)", "Every method's; empty: each method's own recipe (a "
                                                             "method's stopping rule may end it sooner)."))


@dataclass(frozen=True)
class RaceChoice:
    data: Dataset | None
    configs: list[TrainConfig] | None
    problem: str | None  # why Start race is disabled, shown beside it


def race_settings(data: Dataset | None, k: int) -> RaceChoice:
    """The methods, the preset and the seed (sidebar widgets); the race they ask for, or why there is none."""
    st.session_state.setdefault("race:methods", DEFAULT_METHODS)  # (`kept` takes one value, not a list)
    methods = st.multiselect("Methods (2 to 4)", list(CARDS), key="race:methods", persist_state="session",
                             max_selections=MOST_METHODS, format_func=lambda n: CARDS[n].title,
                             help="The first method pretrains the autoencoder every method starts from (its recipe's network "
                                  "and pretraining); each method then clusters with its own recipe.")
    preset = kept(st.radio, "Settings", "race:preset", "quick", options=list(PRESETS), format_func=PRESETS.get,
                  horizontal=True, help="Quick look: about a minute a method on digits. Papers' settings: far longer.")
    seed = int(kept(st.number_input, "Seed", "seed", 0, step=1, help="The same for every method."))
    epochs = {name: st.number_input(label, value=None, step=1, key=f"race:{name}", placeholder="each recipe's",
                                    help=help) for name, label, help in EPOCHS}
    epochs = {name: int(value) for name, value in epochs.items() if value is not None}
    if data is None:
        return RaceChoice(None, None, "Choose a data set first.")
    try:
        validate_for_clustering(data, k)
        return RaceChoice(data, race_configs(list(methods), data, k, seed=seed, preset_name=preset, **epochs), None)
    except (DataError, ValueError) as error:
        problem = str(error)
        return RaceChoice(data, None, problem[:1].upper() + problem[1:])


def current_race() -> Race | None:
    return st.session_state.get("race")


def pace_toggle() -> None:
    """The Train page's "Show every clustering epoch", for the race: epoch e of every method drawn before any e + 1."""
    paced = st.toggle("Show every clustering epoch", key="paced", value=True, persist_state="session",
                      help=run_state.PACE_HELP + " In a race: epoch e of every method is drawn before any method's "
                                                 "epoch e + 1.")
    race = current_race()
    if race is not None:
        race.paced = paced


def slow_motion_toggle() -> None:
    """The Train page's "Pause after every epoch", for the race: it pauses after every round of all methods."""
    slow = st.toggle("Pause after every epoch", key="slow_motion", value=False, persist_state="session",
                     help=run_state.SLOW_MOTION_HELP + " In a race: after every method's epoch of the round.")
    race = current_race()
    if race is not None:
        race.slow_motion = slow


STEP_HELP = ("Train exactly one more epoch of every method, then pause with every panel showing it. Pressed while "
             "racing, it pauses at the end of the round under way.")


def _ask_to_start() -> None:
    access.require_change()
    st.session_state["race:confirm"], st.session_state["race:start"] = False, True


def start_if_asked(choice: RaceChoice) -> None:
    """Start the race the form asks for now, if Start race was pressed (the Train page's `start_if_asked`: a
    callback's arguments may be those of a page drawn before the user's last change)."""
    if st.session_state.pop("race:start", False) and choice.configs is not None:
        _start(choice)


def _start(choice: RaceChoice) -> None:
    from deepclust_core.runs.race import Race

    access.require_change()
    previous = current_race()
    if previous is not None:
        previous.stop()
    session = run_state._session_watcher()
    race = Race(choice.data, choice.configs, is_alive=session and session[1], paced=st.session_state.get("paced", True),
                name=st.session_state.get("race:name", ""))
    race.slow_motion = st.session_state.get("slow_motion", False)
    race.start()
    st.session_state.race = race
    if session is not None:  # a closed tab gives the race's memory back, as it does its run's
        session_sweep.watch(f"{session[0]}:race", race, is_connected=session[1])
    st.session_state.follow_live, st.session_state.playing = True, False
    st.session_state["race:name"], st.session_state["race:confirm"] = "", False


def _ask(asking: bool) -> None:
    st.session_state["race:confirm"] = asking


def _confirm(choice: RaceChoice) -> None:
    """The question asked when Start race is pressed during a race, with its two answers."""
    with st.container(border=True):
        st.warning("A race is on. Starting a new one stops it; its epochs so far stay recorded.", icon=":material/help:")
        with st.container(horizontal=True):
            st.button("Stop it and start the new race", key="race:confirmed", type="primary", on_click=_ask_to_start)
            st.button("Keep the current race", key="race:cancel", on_click=_ask, args=(False,))


def _control(action: str) -> None:
    race = current_race()
    if race is not None:
        getattr(race, action)()


def race_buttons(choice: RaceChoice, race: Race | None) -> None:
    """The race's name, Start race, Pause / Resume, Step and Stop, and a note beside them."""
    active = race is not None and race.active
    name, start, pause, step, stop, note = st.container(key="race_buttons").columns([2, 1.3, 1, 1, 1, 3])
    name.text_input("Race name", key="race:name", placeholder="Name the next race (optional)",
                    label_visibility="collapsed", help="Every method's run is recorded under this name.")
    asking = active and choice.configs is not None and st.session_state.get("race:confirm", False)
    start.button("Start race", type="primary", width="stretch", on_click=_ask if active else _ask_to_start,
                 args=(True,) if active else (), disabled=choice.configs is None or asking or not access.can_change(),
                 help="Asks first while a race is on." if active else None)
    paused = race is not None and race.status == "paused"
    control_buttons((pause, step, stop), active, paused, _control, STEP_HELP)
    if not access.can_change():
        note.info(access.VIEWER_LINE, icon=":material/visibility:")
    elif choice.problem:
        note.error(choice.problem, icon=":material/block:")
    elif asking:
        with note:
            _confirm(choice)
    elif race is None:
        note.info("Press Start race: the methods train side by side, in step, from one pretrained autoencoder.")
    elif not active:
        note.success("The race is over: Play replays it.", icon=":material/sports_score:")
    if not asking:  # the race ended, or the settings turned invalid: ask again on the next Start race
        st.session_state["race:confirm"] = False
