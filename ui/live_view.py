"""The live view: run buttons, progress, replay slider, both panels and the curves.

A fragment with `run_every` redraws from the newest snapshot while a run is active (or a
replay is playing); the training thread never calls st.*.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from deepclust_core.cores import few_cores
from deepclust_core.run_view import Entry, RunView, display_subsample

from . import run_state
from .curves import curves, global_epoch
from .gallery import selection_gallery
from .hover_thumbnails import hover_thumbnails
from .panels import COLOURINGS, autoencoder_panel, clustering_panel
from .settings_form import Choice

if TYPE_CHECKING:  # the training code (torch) is imported on the first Start, not for the first page
    from deepclust_core.live import LiveRun

# How often the live view redraws while training. Every redraw costs the browser a full render of
# both point panels and the curves; on a machine of few cores the browser shares them with
# training, so it redraws half as often there (docs/benchmarks.md, training slowdown).
# Replays play at one epoch a second.
REFRESH_SECONDS = 2.0 if few_cores() else 1.0
PLAY_SECONDS = 1.0
FIRST_SNAPSHOT_WAIT = 2.0  # seconds the first draw after Start waits for epoch 0 (cached AE: ~0.5 s)
# For bench/live_redraw.py and bench/live_scale.py, which time epoch end -> redrawn page in the browser:
# the newest snapshot's number, publication time and whether its UMAP frame is ready, in a marker
# whose element container takes no room in the layout.
EPOCH_MARKER = ('<style>[data-testid="stElementContainer"]:has(> * .epoch-published) {{display: none}}</style>'
                '<span hidden class="epoch-published" data-seq="{seq}" data-published="{published:.3f}" '
                'data-projected="{projected:d}"></span>')
PHASES = {"pretrain": "Pretraining the autoencoder", "cluster": "Clustering"}
ENDINGS = {
    "finished": "Finished: all planned epochs ran.",
    "converged": "Finished: the method's stopping rule fired.",
    "stopped": "Stopped. Everything up to the last finished epoch is kept.",
    "interrupted": "Interrupted (the tab closed, or the process training it ended). Everything up to the last saved epoch is kept.",
}


def run_buttons(choice: Choice, run: LiveRun | None) -> None:
    start, pause, stop, note = st.columns([1, 1, 1, 4])
    if start.button("Start", type="primary", disabled=choice.config is None, width="stretch"):
        run_state.start_run(choice.data, choice.config)
        st.rerun()
    active = run is not None and run.active
    paused = run is not None and run.status == "paused"
    if pause.button("Resume" if paused else "Pause", disabled=not active, width="stretch"):
        run.resume() if paused else run.pause()
        st.rerun()
    if stop.button("Stop", disabled=not active, width="stretch"):
        run.stop()
    if choice.problem:
        note.error(choice.problem)
    elif run is None:
        note.info("Press Start to train. The page shows every epoch as it happens.")


def label(entry: Entry) -> str:
    s = entry.snapshot
    return f"{s.phase} {s.epoch}" + (" (cached)" if s.scalars.get("cached") else "")


def progress(run: RunView, newest: Entry) -> None:
    s = newest.snapshot
    config = run.config
    total = config.pretrain_epochs + config.cluster_epochs
    done = global_epoch(newest, config.pretrain_epochs)
    if run.active:
        left = (s.epochs_in_phase - s.epoch) * s.seconds
        text = (f"{PHASES[s.phase]} · epoch {s.epoch} of {s.epochs_in_phase} · {s.seconds:.2f} s per epoch · "
                f"about {left:.0f} s left in this phase{' · paused' if run.status == 'paused' else ''}")
        st.progress(min(done / max(total, 1), 1.0), text=text)
        if newest.published is not None:
            st.html(EPOCH_MARKER.format(seq=newest.seq, published=newest.published,
                                        projected=run.layout(newest.seq) is not None))
    elif run.status == "failed":
        st.error(run.error)
    else:
        st.success(f"{ENDINGS[run.status]} {PHASES[s.phase]} epoch {s.epoch}, {s.elapsed:.1f} s in all, on {s.device}.")


def _start_replay(labels: list[str]) -> None:
    state = st.session_state
    state.follow_live, state.playing = False, True
    if state.get("replay") == labels[-1]:
        state.replay = labels[0]


def _pause_replay() -> None:
    st.session_state.playing = False


def replay_slider(entries: list[Entry]) -> Entry:
    """The epoch shown: the newest while following live, else the one picked or playing."""
    labels = [label(e) for e in entries]
    state = st.session_state
    state.setdefault("follow_live", True)
    if state.follow_live or state.get("replay") not in labels:
        state.replay = labels[-1]
    elif state.get("playing"):
        position = labels.index(state.replay) + 1
        state.replay = labels[min(position, len(labels) - 1)]
        state.playing = position < len(labels) - 1
    follow, slider, play = st.columns([1.2, 6, 1])
    follow.toggle("Follow live", key="follow_live", help="Show the newest epoch; turn off to scrub back in time.")
    slider.select_slider("Epoch", labels, key="replay", disabled=state.follow_live,
                         help="Scrub back through the run; both panels and the curve marker follow.")
    if state.get("playing"):
        play.button("Pause replay", on_click=_pause_replay, width="stretch")
    else:
        play.button("Play", on_click=_start_replay, args=(labels,), width="stretch", icon=":material/play_arrow:",
                    help="Animate the run from the epoch shown to the newest one.")
    return entries[labels.index(state.replay)]


def colour_controls(run: RunView, entry: Entry) -> tuple[str, bool]:
    """How to colour both panels, and whether to ring misclustered points."""
    options = [c for c in COLOURINGS if (c != "true label" or run.data.y is not None)
               and (c != "confidence" or entry.snapshot.view.point_values is not None)]
    if st.session_state.get("colour_by") not in options:
        st.session_state.colour_by = options[0]
    colour, highlight = st.columns([2, 1])
    colour_by = colour.radio("Colour by", options, horizontal=True, key="colour_by",
                             help="confidence: the method's own per-point certainty, when it has one")
    wrong = highlight.checkbox("Highlight misclustered points", key="highlight", disabled=run.data.y is None)
    return colour_by, wrong


def live_view(run: RunView | None) -> None:
    if run is None:
        return
    def needs_ticking() -> bool:
        return run.active or not run.newest_projected or st.session_state.get("playing", False)

    ticking = needs_ticking()

    @st.fragment(run_every=None if not ticking else REFRESH_SECONDS if run.active else PLAY_SECONDS)
    def view() -> None:
        if ticking and not needs_ticking():
            st.rerun(scope="app")  # the run ended and its last frame is drawn: redraw buttons, stop ticking
        entries = run.history()
        if not entries and hasattr(run, "wait_for_first_snapshot"):  # a live run, just started
            entries = run.wait_for_first_snapshot(FIRST_SNAPSHOT_WAIT)
        if not entries:
            st.info("Starting: the first epoch is on its way…")
            return
        progress(run, entries[-1])
        entry = replay_slider(entries)
        colour_by, wrong = colour_controls(run, entry)
        left, right = st.columns(2)
        with left:
            autoencoder_panel(run, entries, entry, colour_by, wrong)
        with right:
            clustering_panel(run, entry, colour_by, wrong)
        with st.expander("Selected points", expanded=bool(st.session_state.get("selected_rows"))):
            selection_gallery(run.data, entry.snapshot.display_index, entry.snapshot.display_labels)
        curves(entries, entry, run.config.pretrain_epochs, run.config.n_clusters)

    view()
    hover_thumbnails(run.data, display_subsample(run.data.n_samples, run.config.display_size, run.config.seed))
