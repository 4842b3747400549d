"""The race's shared chart: every method's ACC over the race's epochs, and the AE + k-means level they start from."""
from __future__ import annotations

import numpy as np

from deepclust_core.runs.race.axis import position
from deepclust_core.runs.shown_run import Entry

from .charts import FONT, LECTURE_FONT, MARGIN
from .live_chart import live_chart

# A method's colour in the chart and on its scoreboard line: dark and far apart, unlike the clusters' colours
METHOD_COLOURS = ("#1d3f8f", "#c2410c", "#15803d", "#7e22ce")


def method_colour(i: int) -> str:
    return METHOD_COLOURS[i % len(METHOD_COLOURS)]


def race_acc_figure(names: list[str], histories: list[list[Entry]], pretrain_epochs: int, marker: int | None,
                    height: int) -> dict | None:
    """A line per method (ACC at each of its epochs), the AE + k-means ACC dashed, where clustering starts
    dotted and the epoch shown as a thin line; None without labels."""
    traces, level = [], None
    for i, (name, entries) in enumerate(zip(names, histories)):
        scored = [e for e in entries if "acc" in e.snapshot.metrics]
        x = [position(e, pretrain_epochs) for e in scored]
        y = [e.snapshot.metrics["acc"] for e in scored]
        traces.append(dict(type="scatter", x=x, y=y, mode="lines" if len(x) > 2 else "lines+markers", name=name,
                           line=dict(color=method_colour(i), width=3)))
        level = next((e.snapshot.reference_metrics["acc"] for e in entries
                      if "acc" in e.snapshot.reference_metrics), level)
    if not any(trace["x"] for trace in traces):
        return None
    shapes = [dict(type="line", yref="paper", y0=0, y1=1, x0=pretrain_epochs, x1=pretrain_epochs, name="clustering starts",
                   showlegend=True, line=dict(dash="dot", color="grey"))]
    if level is not None:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=level, y1=level, name=f"AE + k-means {level:.3f}",
                           showlegend=True, line=dict(dash="dash", color="black")))
    if marker is not None:
        shapes.append(dict(type="line", yref="paper", y0=0, y1=1, x0=marker, x1=marker, line=dict(color="black", width=1)))
    y_low = min([level or 1.0] + [min(t["y"]) for t in traces if t["y"]])
    return dict(data=traces, layout=dict(
        title=dict(text="ACC of every method"), height=height, margin=dict(MARGIN, t=34), font=FONT, shapes=shapes,
        uirevision="race-acc", xaxis=dict(title=dict(text=None)),
        yaxis=dict(range=[max(0.0, np.floor(y_low * 10) / 10 - 0.05), 1.0], nticks=5),
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top")))


def race_acc_chart(names: list[str], histories: list[list[Entry]], pretrain_epochs: int, marker: int | None,
                   height: int, lecture: bool) -> None:
    figure = race_acc_figure(names, histories, pretrain_epochs, marker, height)
    if figure is not None:
        live_chart(figure, "race_acc", font_size=LECTURE_FONT if lecture else None)
