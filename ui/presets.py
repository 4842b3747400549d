"""Which of the method's presets the sidebar shows, and buttons that apply either.

A preset (deepclust_core.settings.PRESETS) sets the method's epochs, batch size, learning rate,
autoencoder and options: "paper", the paper's settings (`MethodCard.suggested`), or "quick",
a quick look (`MethodCard.quick_look`: shorter epochs that finish in about a minute on a
2-core CPU on digits). Any other values are "custom". K, the seed and the data are no part of
a preset.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core.settings import PRESETS, config_for

from .settings_form import preset_values, put

BUTTONS = {"paper": "Paper's settings", "quick": "Quick look"}
HELP = {"paper": "The epochs, batch size, learning rate, autoencoder and options of the method's paper "
                 "or reference code.",
        "quick": "The paper's recipe with fewer epochs: about a minute on a 2-core CPU on digits."}


def _same(shown: dict, values: dict) -> bool:
    """Equal widget values; hidden widths typed with spaces ("500, 500, 2000") count as the same."""
    def plain(value):
        return value.replace(" ", "") if isinstance(value, str) else value
    return all(plain(shown[key]) == plain(value) for key, value in values.items())


def active_preset(method: str) -> str | None:
    """The preset the method's widgets show now ("paper" or "quick"), or None for custom values."""
    shown = {key: st.session_state.get(key, value) for key, value in preset_values(method).items()}
    return next((name for name in PRESETS if _same(shown, preset_values(method, name))), None)


def _epochs(method: str, preset_name: str) -> str:
    config = config_for(method, 2, preset_name=preset_name)
    return f"{config.pretrain_epochs} + {config.cluster_epochs} epochs"


def _apply(method: str, preset_name: str) -> None:
    put(preset_values(method, preset_name))


def preset_bar(method: str) -> None:
    """One line saying which preset is active (or "custom"), and a button for each preset."""
    active = active_preset(method)
    if active == "paper":
        st.caption(f":material/menu_book: Settings: **the paper's** ({_epochs(method, 'paper')})")
    elif active == "quick":
        st.caption(f":material/bolt: Settings: **quick look** ({_epochs(method, 'quick')}, about a minute on digits)")
    else:
        st.caption(":material/tune: Settings: **custom** (changed from the presets)")
    with st.container(horizontal=True):
        for name, label in BUTTONS.items():
            st.button(label, key=f"preset:{name}", on_click=_apply, args=(method, name), disabled=active == name,
                      help=f"{HELP[name]} ({_epochs(method, name)})", width="content")
