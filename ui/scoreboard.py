"""The scoreboard: large numbers above the panels, readable from the back of a lecture room.

It shows the epoch the panels show (the newest while following live, so the final numbers stay
after a run): phase and epoch, ACC / NMI / ARI with their change against the AE + k-means
level (k-means on the pretrained embedding, where every method starts), and the main loss.
Without labels, the fraction of labels that changed stands in for the scores.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core.runs.shown_run import Entry, ShownRun

SCORES = {"acc": "ACC", "nmi": "NMI", "ari": "ARI"}
# Tiles never narrower than their numbers (no "0.0…"); the delta's note goes under it when space is short;
# on a wide page (a projector, the lecture layout) the numbers grow.
STYLE = """<style>
.st-key-scoreboard {container-type: inline-size}
.st-key-scoreboard div, .st-key-scoreboard label {min-width: min-content}
.st-key-scoreboard [data-testid="stMetric"] > div {padding: 0.35rem 0.9rem}
.st-key-scoreboard [data-testid="stMetricValue"] {font-size: 2.25rem; line-height: 1.1}
.st-key-scoreboard [data-testid="stMetricLabel"] p {font-size: 1.05rem; font-weight: 600}
.st-key-scoreboard [data-testid="stMetricDelta"], .st-key-scoreboard [data-testid="stMetricDeltaDescription"]
  {font-size: 1rem}
.st-key-scoreboard div:has(> [data-testid="stMetricDelta"]) {flex-wrap: wrap}
@container (min-width: 1000px) {
  .st-key-scoreboard [data-testid="stMetricValue"] {font-size: 2.75rem}
  .st-key-scoreboard [data-testid="stMetricLabel"] p {font-size: 1.15rem}
}
</style>"""


def main_loss(entries: list[Entry], entry: Entry) -> tuple[str, float] | None:
    """The loss the method minimises at the epoch shown, and its name. A method's set-up (clustering
    epoch 0) trains nothing: then the newest loss before it, the end of pretraining."""
    shown = next(i for i, e in enumerate(entries) if e.seq == entry.seq)
    for earlier in reversed(entries[: shown + 1]):
        losses = dict(earlier.snapshot.losses)
        if len(losses) == 2:  # one term and its total: name the term
            losses.pop("total", None)
        if losses:
            name = "total" if "total" in losses else next(iter(losses))
            return name, losses[name]
    return None


def at_ae_kmeans_level(entry: Entry) -> bool:
    """Scores equal to AE + k-means (to the three decimals shown): a method starting from it, or AE + k-means itself."""
    s = entry.snapshot
    return bool(s.reference_metrics) and all(abs(s.metrics.get(name, 2.0) - start) < 5e-4
                                             for name, start in s.reference_metrics.items())


def phase_tile(run: ShownRun, entry: Entry, newest: Entry) -> None:
    s = entry.snapshot
    value = f"{s.epoch} / {s.epochs_in_phase}"
    if s.phase == "cluster" and s.epoch == 0:  # the method's initial clusters, before any clustering epoch
        value = "k-means" if at_ae_kmeans_level(entry) else "start"
    state = run.status if entry.seq == newest.seq else f"replay of a {run.status} run"
    st.metric("Pretraining" if s.phase == "pretrain" else "Clustering", value, delta=state, delta_arrow="off",
              delta_color="gray", border=True, help="The epoch the panels show; clustering starts from the "
              "method's initial clusters (k-means on the pretrained embedding for most methods).")


def score_tiles(entry: Entry) -> None:
    s = entry.snapshot
    level = at_ae_kmeans_level(entry)
    for name, title in SCORES.items():
        value, start = s.metrics.get(name), s.reference_metrics.get(name)
        delta = None if value is None or start is None else "AE + k-means level" if level else f"{value - start:+.3f}"
        st.metric(title, "—" if value is None else f"{value:.3f}", delta=delta, border=True,
                  delta_description=None if delta is None or level else "vs AE + k-means",
                  delta_arrow="off" if level else "auto", delta_color="gray" if level else "normal",
                  help="Against the true labels (never used for training). During pretraining: k-means on the "
                       "embedding so far; then the method's clusters, compared with AE + k-means, their start.")


def scoreboard(run: ShownRun, entries: list[Entry], entry: Entry) -> None:
    st.html(STYLE)
    with st.container(horizontal=True, wrap=False, key="scoreboard"):  # tiles shrink to their numbers, see STYLE
        phase_tile(run, entry, entries[-1])
        if entry.snapshot.metrics:
            score_tiles(entry)
        else:
            st.metric("Labels changed", f"{entry.snapshot.changed:.1%}", border=True,
                      help="Fraction of points whose cluster changed since the previous epoch (no labels to score).")
        loss = main_loss(entries, entry)
        st.metric("Loss", "—" if loss is None else f"{loss[1]:.3g}", delta=None if loss is None else loss[0],
                  delta_arrow="off", delta_color="gray", border=True, help="The loss the method minimises.")
