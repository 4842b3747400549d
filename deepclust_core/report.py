"""A self-contained HTML report of a stored run: its settings, its curves and an animated
picture of both spaces (a play button and an epoch slider; one Plotly frame per snapshot,
at most MAX_FRAMES). plotly.js is embedded, so the file opens with no network and no Python.

    html = html_report(StoredRun(store, run_id))
"""
from __future__ import annotations

import html
from typing import Sequence

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .projection import align_layout, pca_layout
from .run_record import epoch_position
from .run_view import Entry
from .stored_run import StoredRun

MAX_FRAMES = 150  # about 10 s of animation; longer runs show evenly spaced snapshots (the last always)
PALETTE = plotly.colors.qualitative.Plotly + plotly.colors.qualitative.D3[::2] + plotly.colors.qualitative.Alphabet
CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2},
          "modeBarButtonsToRemove": ["sendChartToCloud"]}  # the report stays offline; the camera saves a PNG


def frame_entries(entries: Sequence[Entry], limit: int = MAX_FRAMES) -> list[Entry]:
    if len(entries) <= limit:
        return list(entries)
    return [entries[i] for i in np.unique(np.linspace(0, len(entries) - 1, limit).round().astype(int))]


def step_label(entry: Entry) -> str:
    return f"{entry.snapshot.phase} {entry.snapshot.epoch}"


def embedding_frames(run: StoredRun, entries: list[Entry]) -> tuple[list[np.ndarray], str]:
    """The autoencoder space of each entry: its stored UMAP frame (or the nearest one), else principal
    axes rotated onto the previous frame so points do not jump."""
    if run.frames.nearest(entries[0].seq) is not None:
        return [run.frames.nearest(e.seq)[1] for e in entries], "UMAP"
    frames, previous = [], None
    for entry in entries:
        layout = pca_layout(entry.snapshot.embedding)
        previous = layout if previous is None else align_layout(layout, previous)
        frames.append(previous)
    return frames, "principal axes"


def _discrete_colours(k: int) -> list:
    return [[position, PALETTE[i % len(PALETTE)]] for i in range(k) for position in (i / k, (i + 1) / k)]


def _points(xy: np.ndarray, labels: np.ndarray, k: int) -> go.Scatter:
    return go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers", showlegend=False,
                      marker=dict(size=5, color=labels, colorscale=_discrete_colours(k), cmin=-0.5, cmax=k - 0.5,
                                  opacity=0.8), hovertemplate="cluster %{marker.color}<extra></extra>")


def _range(values: np.ndarray) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = 0.05 * (high - low or 1.0)
    return [low - pad, high + pad]


def animation_figure(run: StoredRun) -> go.Figure:
    entries = frame_entries(run.history())
    layouts, how = embedding_frames(run, entries)
    k = run.config.n_clusters
    figure = make_subplots(rows=1, cols=2, subplot_titles=(f"Autoencoder space ({how})", "Clustering space"))
    frames = []
    for entry, layout in zip(entries, layouts):
        view, labels = entry.snapshot.view, entry.snapshot.display_labels
        coords = view.coords[:, list(view.default_axes)]
        frames.append(go.Frame(name=step_label(entry), data=[_points(layout, labels, k), _points(coords, labels, k)],
                               traces=[0, 1], layout=dict(xaxis2=dict(range=_range(coords[:, 0])),
                                                          yaxis2=dict(range=_range(coords[:, 1])),
                                                          title_text=f"{step_label(entry)}: {view.title}")))
    figure.add_trace(frames[-1].data[0], row=1, col=1)
    figure.add_trace(frames[-1].data[1], row=1, col=2)
    figure.frames = frames
    every = np.concatenate(layouts)
    figure.update_xaxes(range=_range(every[:, 0]), row=1, col=1)
    figure.update_yaxes(range=_range(every[:, 1]), row=1, col=1)
    figure.update_layout(frames[-1].layout)
    animate = dict(mode="immediate", frame=dict(duration=120, redraw=True), transition=dict(duration=0))
    steps = [dict(method="animate", label=frame.name, args=[[frame.name], animate]) for frame in frames]
    figure.update_layout(
        height=520, margin=dict(l=20, r=20, t=70, b=20),
        sliders=[dict(steps=steps, active=len(steps) - 1, currentvalue=dict(prefix="epoch: "), pad=dict(t=40))],
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.08, xanchor="left", yanchor="top", buttons=[
            dict(label="Play", method="animate", args=[None, {**animate, "fromcurrent": False}]),
            dict(label="Pause", method="animate", args=[[None], dict(mode="immediate", frame=dict(duration=0))]),
        ])])
    return figure


def curves_figure(run: StoredRun) -> go.Figure:
    entries = run.history()
    x = [epoch_position(e.snapshot.phase, e.snapshot.epoch, run.config.pretrain_epochs) for e in entries]
    figure = make_subplots(rows=1, cols=2, subplot_titles=("ACC / NMI / ARI", "Loss terms (log scale)"))
    for name in dict.fromkeys(n for e in entries for n in e.snapshot.metrics):
        figure.add_trace(go.Scatter(x=x, y=[e.snapshot.metrics.get(name) for e in entries], name=name.upper()), 1, 1)
    for name in dict.fromkeys(n for e in entries for n in e.snapshot.losses):
        figure.add_trace(go.Scatter(x=x, y=[e.snapshot.losses.get(name) for e in entries], name=name), 1, 2)
    figure.update_yaxes(type="log", row=1, col=2)
    figure.update_xaxes(title_text="epoch (pretraining, then clustering)")
    figure.update_layout(height=380, margin=dict(l=20, r=20, t=60, b=20))
    return figure


def summary_table(run: StoredRun) -> str:
    record = run.record
    metrics = ", ".join(f"{k.upper()} {v:.4f}" for k, v in record.final_metrics.items()) or "no labels"
    rows = {"Method": record.method, "Data": f"{record.data.name} ({record.data.n_samples} rows)",
            "Status": record.status + (f": {record.error}" if record.error else ""),
            "Final": f"{metrics} at {record.final_step}, {record.elapsed:.1f} s", "Settings": record.key_settings(),
            "Run": f"{record.id}, {record.date}, from the {record.origin}"}
    if record.parent:
        rows["Branched from"] = f"run {record.parent.run_id} at epoch {record.parent.epoch}"
    return "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items())


def html_report(run: StoredRun) -> str:
    if not run.history():
        raise ValueError(f"run {run.run_id} has no snapshots to report")
    curves = curves_figure(run).to_html(full_html=False, include_plotlyjs=True, config=CONFIG)
    animation = animation_figure(run).to_html(full_html=False, include_plotlyjs=False, config=CONFIG, auto_play=False)
    title = html.escape(f"deepclust: {run.record.method} on {run.record.data.name} ({run.run_id})")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}} th{{text-align:left;padding-right:1em}}</style>
</head><body>
<h1>{title}</h1>
<table>{summary_table(run)}</table>
<h2>Curves</h2>{curves}
<h2>The run, epoch by epoch</h2>
<p>Press Play, or drag the slider. Colours are clusters. The camera icon above each chart saves it as a PNG.</p>
{animation}
</body></html>
"""
