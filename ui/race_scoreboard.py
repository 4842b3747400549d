"""A race's scoreboard: one line per method, above its panels, readable from the back of a lecture room.

The method (in its chart colour), its phase and epoch, ACC / NMI / ARI with their change against
AE + k-means (where every method of the race starts), and how it is doing: training, paused, or
ended, and when a method stopped before the epoch the others show, that its picture is its last.
"""
from __future__ import annotations

import html

import streamlit as st

from deepclust_core.catalog import CARDS
from deepclust_core.runs.shown_run import Entry, ShownRun

from .race_chart import method_colour
from .scoreboard import SCORES, at_ae_kmeans_level

STYLE = """<style>
.race-line {font-size: 1.25rem; line-height: 1.3}
.race-line div {white-space: nowrap; overflow: hidden; text-overflow: ellipsis}
.race-line .method {font-weight: 700}
.race-line .epoch[title] {cursor: help}
.race-line .up {color: #15803d} .race-line .down {color: #b91c1c} .race-line .level {color: #6b7280}
.race-line .state {color: #6b7280; font-size: 1rem}
.race-line .last {color: #92400e; font-weight: 600; font-size: 1rem}
</style>"""


def method_title(run: ShownRun) -> str:
    """The method's short name: "DEKM" of "DEKM (Deep Embedded K-Means)"."""
    card = CARDS.get(run.config.method)
    return card.title.split(" (")[0] if card is not None else run.config.method


def _phase(entry: Entry) -> str:
    s = entry.snapshot
    if s.phase == "pretrain":
        return f"pretraining {s.epoch}/{s.epochs_in_phase}" + (" (cached)" if s.scalars.get("cached") else "")
    return "k-means start" if s.epoch == 0 else f"clustering {s.epoch}/{s.epochs_in_phase}"


def _scores(entry: Entry) -> str:
    s = entry.snapshot
    if not s.metrics:
        return f"labels changed {s.changed:.1%}"
    level = at_ae_kmeans_level(entry)
    parts = []
    for name, title in SCORES.items():
        value, start = s.metrics.get(name), s.reference_metrics.get(name)
        if value is None:
            continue
        change = "" if start is None else (" <span class='level'>=</span>" if level else
                                           f" <span class='{'up' if value >= start else 'down'}'>{value - start:+.3f}</span>")
        parts.append(f"{title} <b>{value:.3f}</b>{change}")
    return " · ".join(parts)


def scoreboard_line(index: int, run: ShownRun, entry: Entry | None, last_picture: bool, waiting_for: str,
                    frame_note: str | None = None) -> None:
    """The line of method `index` at the epoch its panels show (`entry`; None before it has one); hovering its
    epoch tells which UMAP frame the autoencoder panel shows (`frame_note`, panels.frame_of's), which the panel
    itself says only while its own frame is on its way."""
    title = f"<span class='method' style='color: {method_colour(index)}'>{html.escape(method_title(run))}</span>"
    if entry is None:
        first, second = f"<span class='state'>waiting for {html.escape(waiting_for)}</span>", "&nbsp;"
    else:
        state = (f"<span class='last'>{run.status}: its last picture</span>" if last_picture else
                 f"<span class='state'>{run.status}</span>")
        tooltip = "" if frame_note is None else f" title='Autoencoder space: {html.escape(frame_note, quote=True)}'"
        first, second = f"<span class='epoch'{tooltip}>{_phase(entry)}</span> · {state}", _scores(entry)
    st.html(STYLE + f"<div class='race-line'><div>{title} · {first}</div><div>{second}</div></div>")
