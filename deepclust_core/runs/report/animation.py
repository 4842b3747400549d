"""The report's animation of both spaces, packed small: at most MOST_POINTS of the display rows, one frame
per snapshot (at most MAX_FRAMES), each point's coordinates as one of LEVELS steps
across its frame's range, stored as the change from the previous frame (zigzag-coded, low bytes then
high bytes, which gzip compresses best), cluster ids as bytes, all gzip-compressed; assets/report.js
unpacks them into Plotly frames in the browser.
"""
from __future__ import annotations

import base64
import gzip
from typing import Sequence

import numpy as np

from ...projection.umap import align_layout, pca_layout
from ..shown_run import Entry
from ..stored_run import StoredRun

MAX_FRAMES = 150  # about 15 s of animation; longer runs show evenly spaced snapshots (the last always)
MOST_POINTS = 1000  # points per panel: beyond this SVG panels slow down (ui/charts.py draws them with WebGL)
LEVELS = 1024  # steps across a frame's range: 2 per pixel of a 500-pixel panel, finer than a 5-pixel marker


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


def drawn_points(n_display: int, seed: int) -> np.ndarray:
    """The display rows the animation draws: all of them, or MOST_POINTS drawn at random once."""
    if n_display <= MOST_POINTS:
        return np.arange(n_display)
    return np.sort(np.random.default_rng(seed).choice(n_display, size=MOST_POINTS, replace=False))


def _range(values: np.ndarray) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = 0.05 * (high - low or 1.0)
    return [low - pad, high + pad]


def _steps(values: np.ndarray, axis_range: list[float]) -> np.ndarray:
    low, high = axis_range
    return np.round((np.nan_to_num(values, nan=low) - low) / (high - low) * (LEVELS - 1)).astype(np.int16)


def packed_animation(run: StoredRun) -> dict:
    """Everything report.js needs to draw the animation, as JSON types; "data" is base64 of gzip of the
    coordinate steps (frame by frame: panel 1 x, y, panel 2 x, y; each minus the frame before, zigzag-coded
    as uint16: their low bytes, then their high bytes) and then the uint8 (uint16 for K > 256) cluster ids
    of every frame."""
    entries = frame_entries(run.history())
    shown = drawn_points(len(entries[0].snapshot.display_index), run.config.seed)
    layouts, how = embedding_frames(run, entries)
    layouts = [layout[shown] for layout in layouts]
    autoencoder_range = [_range(np.concatenate(layouts)[:, axis]) for axis in (0, 1)]
    frames, steps, labels = [], [], []
    for entry, layout in zip(entries, layouts):
        view = entry.snapshot.view
        coords = view.coords[shown][:, list(view.default_axes)]
        ranges = autoencoder_range + [_range(coords[:, 0]), _range(coords[:, 1])]
        columns = [layout[:, 0], layout[:, 1], coords[:, 0], coords[:, 1]]
        steps.append(np.stack([_steps(values, r) for values, r in zip(columns, ranges)]))
        labels.append(entry.snapshot.display_labels[shown])
        names = [view.axis_names[i] for i in view.default_axes]
        frames.append({"name": step_label(entry), "title": f"{step_label(entry)}: {view.title}", "ranges": ranges,
                       "axes": names})
    changes = np.diff(np.stack(steps), axis=0, prepend=0).astype(np.int16)  # |change| < LEVELS: no overflow
    zigzag = ((changes << 1) ^ (changes >> 15)).astype(np.uint16)  # 0, -1, 1, -2, ... -> 0, 1, 2, 3, ...
    ids = np.stack(labels).astype(np.uint8 if run.config.n_clusters <= 256 else np.uint16)
    packed = gzip.compress((zigzag & 255).astype(np.uint8).tobytes() + (zigzag >> 8).astype(np.uint8).tobytes()
                           + ids.tobytes(), compresslevel=9, mtime=0)
    return {"n_points": int(ids.shape[1]), "n_display": len(entries[0].snapshot.display_index), "n_clusters": run.config.n_clusters, "id_bytes": ids.itemsize,
            "levels": LEVELS, "frames": frames, "layout": _layout(frames, how),
            "data": base64.b64encode(packed).decode("ascii")}


def _layout(frames: list[dict], how: str) -> dict:
    """Two panels side by side, their titles, the legend of clusters, a slider and Play / Pause below."""
    last = frames[-1]
    animate = dict(mode="immediate", frame=dict(duration=120, redraw=True), transition=dict(duration=0))
    axis_names = ("UMAP 1", "UMAP 2") if how == "UMAP" else ("principal axis 1", "principal axis 2")
    return dict(
        height=600, margin=dict(l=60, r=20, t=80, b=150), title=dict(text=last["title"]),
        xaxis=dict(domain=[0, 0.44], range=last["ranges"][0], title=dict(text=axis_names[0]), automargin=True),
        yaxis=dict(range=last["ranges"][1], title=dict(text=axis_names[1]), automargin=True),
        xaxis2=dict(domain=[0.54, 0.98], anchor="y2", range=last["ranges"][2], title=dict(text=last["axes"][0]),
                    automargin=True),
        yaxis2=dict(anchor="x2", range=last["ranges"][3], title=dict(text=last["axes"][1]), automargin=True),
        annotations=[dict(text=text, x=x, xref="paper", xanchor="center", y=1.02, yref="paper", yanchor="bottom",
                          showarrow=False, font=dict(size=15))
                     for text, x in ((f"Autoencoder space ({how})", 0.22), ("Clustering space", 0.76))],
        legend=dict(title=dict(text="cluster"), itemsizing="constant"),
        sliders=[dict(steps=[dict(method="animate", label=f["name"], args=[[f["name"]], animate]) for f in frames],
                      active=len(frames) - 1, currentvalue=dict(prefix="epoch: "), x=0.1, len=0.9, y=-0.16,
                      yanchor="top", pad=dict(t=10))],
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.16, xanchor="left", yanchor="top",
                          pad=dict(t=30), buttons=[
                              dict(label="Play", method="animate", args=[None, {**animate, "fromcurrent": False}]),
                              dict(label="Pause", method="animate",
                                   args=[[None], dict(mode="immediate", frame=dict(duration=0))])])])
