"""Which epoch the live view shows: the newest while following live, one picked on the slider,
or one a replay has reached.

Play is paced by the clock, not by redraws: the epoch shown is the one Play started from plus
the seconds since, times the speed. A replay therefore keeps its pace however long the browser
takes to draw a frame (it skips an epoch rather than fall behind) and ends on the last epoch.
While it plays, the live view redraws every `tick_seconds()`.
"""
from __future__ import annotations

import time

import streamlit as st

from deepclust_core.runs.shown_run import Entry

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0)  # epochs per second
DEFAULT_SPEED = 2.0  # a 20 + 20 epoch run replays in about 20 s
SHORTEST_TICK = 0.5  # seconds: redrawing both point panels takes the browser about that; faster speeds skip epochs
# For this long after Play starts or a replay ends, a Follow live or slider value that differs from the page's is
# the browser's older value sent back by a redraw cut short (the user cannot move a disabled slider): the page
# keeps its own. Seen on a loaded machine (load 40 to 60), where a race's redraw takes seconds: without it a
# replay stopped as it started, or ended on an earlier epoch than its last.
OLDER_VALUE_SECONDS = 3.0


def label(entry: Entry) -> str:
    s = entry.snapshot
    return f"{s.phase} {s.epoch}" + (" (cached)" if s.scalars.get("cached") else "")


def speed() -> float:
    return st.session_state.get("play_speed", DEFAULT_SPEED)


def tick_seconds() -> float:
    """How often the live view redraws while a replay plays."""
    return max(1 / speed(), SHORTEST_TICK)


def _play(labels: list[str]) -> None:
    """Start from the epoch shown (from the first when the last is shown), and redraw the whole
    page so that the live view ticks at the replay's pace."""
    state = st.session_state
    position = labels.index(state.replay) if state.get("replay") in labels else len(labels) - 1
    start = 0 if position == len(labels) - 1 else position
    state.follow_live, state.playing, state.replay = False, True, labels[start]
    state.play_from = (start, time.time())
    state.replay_needs_full_rerun = True
    state.replay_set = (None, time.time())  # Follow live is off from now on: the page's value


def _change_speed(labels: list[str]) -> None:
    """Go on from the epoch shown at the new speed."""
    state = st.session_state
    if state.get("playing") and state.get("replay") in labels:
        state.play_from = (labels.index(state.replay), time.time())
        state.replay_needs_full_rerun = True


def _pause() -> None:
    st.session_state.playing = False


def shown_position(n_labels: int) -> int:
    """The epoch a playing replay has reached by now (the last one at most)."""
    start, since = st.session_state.play_from
    return min(start + round((time.time() - since) * speed()), n_labels - 1)


def replay_controls(entries: list[Entry]) -> Entry:
    """Follow live, the epoch slider, Play / Pause and the speed, in one row; the epoch to show."""
    labels = [label(e) for e in entries]
    state = st.session_state
    state.setdefault("follow_live", True)
    set_by_page, at = state.get("replay_set", (None, 0.0))
    if time.time() - at < OLDER_VALUE_SECONDS:  # the browser's older values: keep the page's
        state.follow_live = False
        if set_by_page in labels and not state.get("playing"):  # the last epoch a replay ended on
            state.replay = set_by_page
    if state.follow_live or state.get("replay") not in labels:
        state.replay, state.playing = labels[-1], False
    elif state.get("playing"):
        position = shown_position(len(labels))
        state.replay, state.playing = labels[position], position < len(labels) - 1
        if not state.playing:
            state.replay_set = (state.replay, time.time())
    # No change callbacks on the toggle and the slider: the page sets both itself, and a redraw cut short
    # by the next one can send the browser's older value back, which would read as the user's change.
    with st.container(horizontal=True, vertical_alignment="bottom", key="replay_controls"):
        st.toggle("Follow live", key="follow_live", help="Show the newest epoch; turn off to scrub back in time.")
        st.select_slider("Epoch", labels, key="replay", disabled=state.follow_live or state.get("playing", False),
                         label_visibility="collapsed")  # the epoch's name stands above the handle
        if state.get("playing"):
            st.button("Pause replay", on_click=_pause, icon=":material/pause:")
        else:
            st.button("Play", on_click=_play, args=(labels,), icon=":material/play_arrow:",
                      help="Replay the run from the epoch shown (from the start when the last is shown) to its end.")
        st.selectbox("Speed", SPEEDS, key="play_speed", index=SPEEDS.index(DEFAULT_SPEED), width=140,
                     format_func=lambda v: f"{v:g} epoch{'s' if v != 1 else ''}/s", on_change=_change_speed,
                     args=(labels,), label_visibility="collapsed")
    if state.pop("replay_needs_full_rerun", False):
        st.rerun(scope="app")
    return entries[labels.index(state.replay)]
