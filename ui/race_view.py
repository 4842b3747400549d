"""The race view: every method of a race side by side, each with its scoreboard line, its autoencoder-space
UMAP and its own space, under one row of replay and colour controls, above one ACC chart of all of them.

It draws live races (RaceLanes, runs/race.py) and races read back from the store (StoredRuns) alike.
Following live, each method shows its newest epoch (the race trains them in step: runs/race.py);
scrubbed or replayed, the slider and Play move along the race's epoch axis (runs/race_axis.py) and every
method shows its newest epoch at that place, a method that stopped earlier its last picture, marked so.
In the lecture layout, two methods' panels, their lines and the chart fit a 1280 x 720 screen. On data of
two columns each method's input plane follows, below the chart.
"""
from __future__ import annotations

import time
from typing import Callable

import streamlit as st

from deepclust_core.runs.race.axis import entry_at, position, race_axis, stopped_before
from deepclust_core.runs.shown_run import Entry, ShownRun, live_edge

from . import replay
from .input_plane import input_plane_panel
from .live_view import FIRST_SNAPSHOT_WAIT, FRAME_WAIT_SECONDS, REFRESH_SECONDS, colour_controls
from .panels import draw_points, frame_of
from .race_chart import race_acc_chart
from .race_scoreboard import method_title, scoreboard_line

PANEL_HEIGHT = {True: 285, False: 380}  # pixels, by lecture layout; four methods: two rows of two
CHART_HEIGHT = {True: 190, False: 300}
# The lecture layout's spacing (as live_view.LECTURE_STYLE): the page starts under Streamlit's see-through header
LECTURE_STYLE = """<style>
[data-testid="stMainBlockContainer"] {padding: 0.6rem 1.25rem 0.25rem 1.25rem; max-width: none}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {gap: 0.35rem}
[data-testid="stHeader"] {background: transparent; pointer-events: none}
[data-testid="stHeader"] button, [data-testid="stHeader"] a {pointer-events: auto}
.st-key-race_buttons {padding: 0 3rem}
.st-key-race_lanes [data-testid="stCaptionContainer"] {font-size: 0.8rem; line-height: 1.1}
</style>"""


def race_view(lanes: list[ShownRun], lecture: bool, active: Callable[[], bool],
              status: Callable[[], str] = lambda: "") -> None:
    """The view of a race's methods (`lanes`, the lead first); `active()`: whether the race still trains;
    `status()`: the race's status, which the page's buttons were drawn for."""
    if lecture:
        st.html(LECTURE_STYLE)

    def needs_ticking() -> bool:
        return (active() or any(lane.frames.pending() for lane in lanes)
                or st.session_state.get("playing", False))

    ticking = needs_ticking()
    playing = st.session_state.get("playing", False)
    drawn_for = status()

    @st.fragment(run_every=None if not ticking else REFRESH_SECONDS if active()
                 else replay.tick_seconds() if playing else FRAME_WAIT_SECONDS)
    def view() -> None:
        draw(lanes, lecture)
        if ticking and not needs_ticking():  # the race ended and its last frames are drawn: stop ticking
            st.rerun(scope="app")
        elif active() and status() != drawn_for:  # paused by itself (after a Step, or in slow motion):
            st.rerun(scope="app")  # the buttons say Resume

    view()


def draw(lanes: list[ShownRun], lecture: bool) -> None:
    histories = [lane.history() for lane in lanes]
    if not histories[0] and hasattr(lanes[0], "wait_for_first_snapshot"):  # a live race, just started
        histories[0] = lanes[0].wait_for_first_snapshot(FIRST_SNAPSHOT_WAIT)
    if not histories[0]:
        st.info("Starting: the first epoch is on its way…")
        return
    pretrain_epochs = lanes[0].config.pretrain_epochs
    with st.container(horizontal=True, vertical_alignment="bottom", gap="large"):
        shown = replay.replay_controls(race_axis(histories, pretrain_epochs))
        colour_by, wrong = colour_controls(lanes[0], shown)
    following = st.session_state.get("follow_live", True)
    place = position(shown, pretrain_epochs)
    height = PANEL_HEIGHT[lecture]
    lead = method_title(lanes[0])
    shown_entries: list[Entry | None] = []
    with st.container(key="race_lanes"):
        for row in range(0, len(lanes), 2):
            for index, column in zip(range(row, row + 2), st.columns(2, gap="medium")):
                if index >= len(lanes):
                    continue
                lane, entries = lanes[index], histories[index]
                if following and entries:
                    entry = entries[:live_edge(entries, lane.frames, time.time()) + 1][-1]
                else:
                    entry = entry_at(entries, place, pretrain_epochs)
                shown_entries.append(entry)
                with column:
                    last = stopped_before(entries, place, pretrain_epochs, lane.active) or (
                        following and not lane.active and any(other.active for other in lanes))
                    waiting = (f"the autoencoder that {lead} pretrains for every method" if lane.active
                               else f"nothing: it ended ({lane.status}) before its first epoch")
                    frame = None if entry is None else frame_of(lane, entries, entry)
                    scoreboard_line(index, lane, entry, last, waiting, None if frame is None else frame[2])
                    lane_panels(lane, entry, frame, colour_by, wrong, height, lecture)
    names = [method_title(lane) for lane in lanes]
    race_acc_chart(names, histories, pretrain_epochs, None if following else place, CHART_HEIGHT[lecture], lecture)
    if any(entry is not None and entry.snapshot.plane is not None for entry in shown_entries):  # two columns
        for lane, entry, column in zip(lanes, shown_entries, st.columns(len(lanes))):
            with column:
                if entry is not None:
                    input_plane_panel(lane, entry, colour_by, height)


def lane_panels(lane: ShownRun, entry: Entry | None, frame: tuple | None, colour_by: str, wrong: bool, height: int,
                lecture: bool) -> None:
    """One method's two panels: the autoencoder space (UMAP; `frame`: panels.frame_of's layout, axes and note) and
    its own clustering space."""
    if entry is None:
        with st.container(height=height, border=True):
            st.caption("This method starts from the shared autoencoder once it is pretrained." if lane.active
                       else "This method has no epoch to show here.")
        return
    lane.frames.look_at(entry.seq)
    layout, axes, note = frame
    projected = lane.frames.layout(entry.seq) is not None
    left, right = st.columns(2, gap="small")
    with left:
        draw_points(lane, entry, layout, "Autoencoder space", axes, colour_by, wrong, None, "race_autoencoder",
                    height, lecture, legend=not lecture)
        if not projected:
            st.caption(note)
    with right:
        view = entry.snapshot.view
        x, y = view.default_axes
        centroids = None if view.centroids is None else view.centroids[:, [x, y]]
        draw_points(lane, entry, view.coords[:, [x, y]], view.title, (view.axis_names[x], view.axis_names[y]),
                    colour_by, wrong, centroids, "race_own_space", height, lecture, legend=not lecture)
    if hasattr(lane, "shown") and projected:  # a paced race goes on once every method's epoch is drawn
        lane.shown(entry.seq)
