"""The live view: progress, scoreboard, replay controls, both panels and the curves.
The lecture layout fits all of it but the curves below on a 1280 x 720 screen.

A fragment with `run_every` redraws from the newest snapshot while a run is active (or a
replay is playing); the training thread never calls st.*.
"""
from __future__ import annotations

import time
from contextlib import nullcontext

import streamlit as st

from deepclust_core.evaluation.collapse import collapse_note
from deepclust_core.runs.shown_run import Entry, ShownRun, live_edge
from deepclust_core.training.snapshot import display_subsample

from . import replay
from .curves import curves, global_epoch, metric_chart
from .point_pictures import selected_points_pictures
from .hover_thumbnails import hover_thumbnails
from .input_plane import input_plane_panel
from .panels import COLOURINGS, PANEL_HEIGHT, autoencoder_panel, clustering_panel, spectrum_chart
from .scoreboard import scoreboard
from .selection import selected_rows

# How often the live view redraws while training: about as often as a clustering epoch ends on digits,
# so most epochs are drawn, each with its own UMAP frame (docs/benchmarks.md, live UMAP frames).
# A replay redraws at its own pace (ui/replay.py).
REFRESH_SECONDS = 0.5
# While a run trains, the page redraws every chart it shows at each refresh, and on 2 cores the browser's
# redraws were what held the live view back (docs/benchmarks.md, live UMAP frames): the charts a lecture
# watches stay live, the others are drawn when the run pauses or ends.
DEFERRED_CURVES = ("Label changes, cluster sizes and the method's own quantities are drawn when the run pauses "
                   "or ends, so that the panels keep up with training.")
FRAME_WAIT_SECONDS = 0.5  # after a run, or on a stored run's epoch, how often to look for the frame on its way
FIRST_SNAPSHOT_WAIT = 2.0  # seconds the first draw after Start waits for epoch 0 (cached AE: ~0.5 s)
PHASES = {"pretrain": "Pretraining the autoencoder", "cluster": "Clustering"}
ENDINGS = {
    "finished": "Finished: all planned epochs ran.",
    "converged": "Finished: the method's stopping rule fired.",
    "stopped": "Stopped. Everything up to the last finished epoch is kept.",
    "interrupted": "Interrupted (the tab closed, or the process training it ended). Everything up to the last saved epoch is kept.",
}
# The lecture layout on a 1280 x 720 screen, sidebar collapsed: everything a lecture watches above the fold (run
# buttons, scoreboard, replay and colour controls, both panels with their captions, the ACC curve and the
# method's spectrum), chart text at LECTURE_FONT pixels. The page starts under Streamlit's header, made
# see-through (its buttons still work) with the run buttons clear of its « and ⋮; elements sit closer together.
LECTURE_STYLE = """<style>
[data-testid="stMainBlockContainer"] {padding: 0.75rem 1.5rem 0.25rem 1.5rem; max-width: none}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {gap: 0.5rem}
[data-testid="stHeader"] {background: transparent; pointer-events: none}
[data-testid="stHeader"] button, [data-testid="stHeader"] a {pointer-events: auto}
.st-key-run_buttons {padding: 0 3rem}
</style>"""
LECTURE_PANEL_HEIGHT = 345
LECTURE_CHART_HEIGHT = 290
LECTURE_SPECTRUM_HEIGHT = 150


def progress(run: ShownRun, newest: Entry, lecture: bool = False) -> None:
    """A progress bar while training, how the run ended after, and a line when it ended with collapsed
    clusters; the lecture layout leaves the first two to the scoreboard and keeps the messages."""
    s = newest.snapshot
    config = run.config
    total = config.pretrain_epochs + config.cluster_epochs
    done = global_epoch(newest, config.pretrain_epochs)
    if run.active:
        left = (s.epochs_in_phase - s.epoch) * s.seconds
        text = (f"{PHASES[s.phase]} · epoch {s.epoch} of {s.epochs_in_phase} · {s.seconds:.2f} s per epoch · "
                f"about {left:.0f} s left in this phase{' · paused' if run.status == 'paused' else ''}")
        if not lecture:
            st.progress(min(done / max(total, 1), 1.0), text=text)
    elif run.status == "failed":
        st.error(run.error)
    else:
        if not lecture:
            st.success(f"{ENDINGS[run.status]} {PHASES[s.phase]} epoch {s.epoch}, {s.elapsed:.1f} s in all, on {s.device}.")
        note = collapse_note(s.cluster_sizes) if s.phase == "cluster" else None
        if note:
            st.warning(note, icon="⚠️")


def colour_controls(run: ShownRun, entry: Entry) -> tuple[str, bool]:
    """How to colour both panels, and whether to ring misclustered points."""
    options = [c for c in COLOURINGS if (c != "true label" or run.data.y is not None)
               and (c != "confidence" or entry.snapshot.view.point_values is not None)]
    if st.session_state.get("colour_by") not in options:
        st.session_state.colour_by = options[0]
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        colour_by = st.radio("Colour by", options, horizontal=True, key="colour_by",
                             help="confidence: the method's own per-point certainty, when it has one")
        wrong = st.checkbox("Ring misclustered points", key="highlight", disabled=run.data.y is None,
                            help="Points whose cluster, matched to a class, is not their class.")
    return colour_by, wrong


def controls_and_panels(run: ShownRun, entries: list[Entry], lecture: bool) -> Entry:
    """The replay and colour controls, then both point panels side by side; the lecture layout puts
    the controls in one row, and the ACC curve and the method's spectrum in a third column beside the
    panels. Returns the entry shown."""
    with st.container(horizontal=True, vertical_alignment="bottom", gap="large") if lecture else nullcontext():
        entry = replay.replay_controls(entries)
        colour_by, wrong = colour_controls(run, entry)
    left, right, side = st.columns([5, 5, 4]) if lecture else (*st.columns(2), None)
    height = LECTURE_PANEL_HEIGHT if lecture else PANEL_HEIGHT
    with left:
        autoencoder_panel(run, entries, entry, colour_by, wrong, height, lecture)
    with right:
        clustering_panel(run, entry, colour_by, wrong, height, lecture)
    if side is not None:
        with side:
            metric_chart(entries, entry, run.config.pretrain_epochs, height=LECTURE_CHART_HEIGHT, lecture=True)
            spectrum_chart(entry.snapshot.view, LECTURE_SPECTRUM_HEIGHT, lecture=True)
    input_plane_panel(run, entry, colour_by, height)  # data of two columns only
    return entry


def live_view(run: ShownRun | None, lecture: bool = False, buttons_show: str | None = None) -> None:
    """The live view of `run`; `buttons_show`: the status the page's run buttons were drawn for (default: the
    run's now). When a live run leaves it by itself (paused after a Step, or in slow motion), the page is redrawn."""
    if run is None:
        return
    if lecture:
        st.html(LECTURE_STYLE)

    def needs_ticking() -> bool:
        return run.active or run.frames.pending() or st.session_state.get("playing", False)

    ticking = needs_ticking()
    playing = st.session_state.get("playing", False)
    status = buttons_show or run.status

    @st.fragment(run_every=None if not ticking else REFRESH_SECONDS if run.active
                 else replay.tick_seconds() if playing else FRAME_WAIT_SECONDS)
    def view() -> None:
        draw(run, lecture)
        if ticking and not needs_ticking():  # the run ended and its last frame is drawn (just now, above):
            st.rerun(scope="app")  # redraw the buttons and the curves drawn at the end, stop ticking
        elif run.active and run.status != status:  # paused by itself (after a Step, or in slow motion):
            st.rerun(scope="app")  # the buttons say Resume, and the curves drawn while paused appear

    view()
    hover_thumbnails(run.data, display_subsample(run.data.n_samples, run.config.display_size, run.config.seed))


def draw(run: ShownRun, lecture: bool) -> None:
    """One redraw of the live view from the run's newest state (or the epoch picked or replayed)."""
    entries = run.history()
    if not entries and hasattr(run, "wait_for_first_snapshot"):  # a live run, just started
        entries = run.wait_for_first_snapshot(FIRST_SNAPSHOT_WAIT)
    if not entries:
        if run.active:  # a run that failed before its first epoch has its message beside Start
            st.info("Starting: the first epoch is on its way…")
        return
    with st.container():  # its own container, so that what follows keeps its place (and its charts)
        progress(run, entries[-1], lecture)
    if st.session_state.get("follow_live", True):
        entries = entries[:live_edge(entries, run.frames, time.time()) + 1]
    board = st.container()
    entry = controls_and_panels(run, entries, lecture)
    if hasattr(run, "shown") and run.frames.layout(entry.seq) is not None:  # a paced live run goes on
        run.shown(entry.seq)
    with board:
        scoreboard(run, entries, entry)
    with st.expander("Selected points", expanded=bool(selected_rows(run))):
        selected_points_pictures(run, entry.snapshot.display_index, entry.snapshot.display_labels)
    training = run.status == "running"
    curves(entries, entry, run.config.pretrain_epochs, run.config.n_clusters, with_metrics=not lecture,
           only_losses=training)
    if training:
        st.caption(DEFERRED_CURVES)
