"""Which of the method's presets the sidebar shows, and buttons that apply either.

A preset (deepclust_core.recipe.build.PRESETS) sets the method's epochs, batch size, learning rate,
autoencoder, pretraining and options: "paper", the recipe of the method's paper or reference
code for the chosen data set (`MethodCard.suggested` and `for_data`), or "quick", a quick look
(`MethodCard.quick_look`: shorter epochs that finish in about a minute on a 2-core CPU on
digits). Any other values are "custom". K, the seed and the data are no part of a preset, but
the recipe may depend on the data (DEKM's network, AE-CM's tuned row): when the data set changes,
widgets that showed a preset show that preset for the new data, unless the user changed them.

The preset is the user's intent, not one method's: after a quick look on DEKM, DEC opens at its own
quick look too (`follow_method`), unless DEC's widgets hold values the user set, and a line says so
with the run's length in epochs.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core import Dataset
from deepclust_core.catalog import CARDS
from deepclust_core.recipe.build import PRESETS, config_for

from .settings_form import preset_values, put

BUTTONS = {"paper": "Paper's settings", "quick": "Quick look"}
HELP = {"paper": "The epochs, batch size, learning rate, autoencoder, pretraining and options of the method's paper "
                 "or reference code, for this data set.",
        "quick": "The paper's recipe with fewer epochs: about a minute on a 2-core CPU on digits."}


def _same(shown: dict, values: dict) -> bool:
    """Equal widget values; hidden widths typed with spaces ("500, 500, 2000") count as the same."""
    def plain(value):
        return value.replace(" ", "") if isinstance(value, str) else value
    return all(plain(shown[key]) == plain(value) for key, value in values.items())


def active_preset(method: str, data: Dataset | None) -> str | None:
    """The preset the method's widgets show now ("paper" or "quick"), or None for custom values."""
    shown = {key: st.session_state.get(key, value) for key, value in preset_values(method, data=data).items()}
    return next((name for name in PRESETS if _same(shown, preset_values(method, name, data))), None)


def follow_data(method: str, data: Dataset | None) -> None:
    """Widgets that showed a preset for the previous data set show it for this one (before they are drawn)."""
    shown = st.session_state.get(f"{method}:preset shown")  # (preset, its widget values) at the last rerun, or None
    if shown is not None:
        name, values = shown
        now = preset_values(method, name, data)
        if now != values and _same({key: st.session_state.get(key, value) for key, value in values.items()}, values):
            put(now)


def follow_method(method: str, data: Dataset | None) -> None:
    """After a method switch, the new method's widgets show the preset the previous one showed (before they are
    drawn), unless they hold custom values; a line under the settings says what was carried over."""
    previous, intent = st.session_state.get("preset:method"), st.session_state.get("preset:intent")
    st.session_state["preset:method"] = method
    if previous in (None, method) or intent is None:
        return
    now = active_preset(method, data)
    if now is None:
        st.session_state["preset:carried"] = (method, None, f"{CARDS[method].title} keeps the values you set for it.")
    elif now != intent:
        put(preset_values(method, intent, data))
        st.session_state["preset:carried"] = (method, intent, f"{BUTTONS[intent]} carried over from "
                                              f"{CARDS[previous].title}: this run is {_epochs(method, intent, data)}.")


def carried_line(method: str, active: str | None) -> None:
    """The line `follow_method` left, while the method and its preset are still those it spoke of."""
    carried = st.session_state.get("preset:carried")
    if carried is not None and carried[0] == method and carried[1] == active:
        st.caption(f":material/swap_horiz: {carried[2]}")
    else:
        st.session_state.pop("preset:carried", None)


def _epochs(method: str, preset_name: str, data: Dataset | None) -> str:
    config = config_for(method, 2, preset_name=preset_name, data=data)
    return f"{config.pretrain_epochs} + {config.cluster_epochs} epochs"


def _apply(method: str, preset_name: str, data: Dataset | None) -> None:
    put(preset_values(method, preset_name, data))


def preset_bar(method: str, data: Dataset | None) -> None:
    """One line saying which preset is active (or "custom") and where the recipe comes from, and a button for each."""
    follow_data(method, data)
    follow_method(method, data)
    active = active_preset(method, data)
    if active is not None:
        st.session_state["preset:intent"] = active
    st.session_state[f"{method}:preset shown"] = (active, preset_values(method, active, data)) if active else None
    if active == "paper":
        st.caption(f":material/menu_book: Settings: **the paper's** ({_epochs(method, 'paper', data)})")
    elif active == "quick":
        st.caption(f":material/bolt: Settings: **quick look** ({_epochs(method, 'quick', data)}; its length: beside "
                   "Start)")
    else:
        st.caption(":material/tune: Settings: **custom** (changed from the presets)")
    carried_line(method, active)
    if CARDS[method].source:
        st.caption(f"Recipe: {CARDS[method].source}")
    with st.container(horizontal=True):
        for name, label in BUTTONS.items():
            st.button(label, key=f"preset:{name}", on_click=_apply, args=(method, name, data), disabled=active == name,
                      help=f"{HELP[name]} ({_epochs(method, name, data)})", width="content")
