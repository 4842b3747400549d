"""The Compare page's pieces: runs overlaid on one epoch axis, final metrics side by side,
final clustering spaces next to each other, and the settings that differ, highlighted.

A branched run's curves start where its parent's were branched, so parent and child line
up on the same axis.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from deepclust_core.settings.run_file import config_to_dict
from deepclust_core.runs.store.rows import EpochRow, RunRecord, epoch_position
from deepclust_core.runs.stored_run import last_snapshot

from . import run_library
from .charts import MARGIN, PNG, colour, points_figure

MAX_PICTURES = 4  # final clustering spaces drawn side by side


def short_name(index: int, record: RunRecord) -> str:
    """What the legends, tables and pictures call a run: its place, its name (else its method) and its id."""
    return f"{index + 1}. {record.name or record.method} · {record.id}"


def default_choice(records: list[RunRecord]) -> list[str]:
    """The run open on the Runs page with its parent and children; else the user's latest runs (the newest with an
    epoch, and the newer ones on the same data, at most MAX_PICTURES); the examples' parent and branch only when
    the user has no run with an epoch yet."""
    ids = [r.id for r in records]
    opened = st.session_state.get("opened_run")
    if opened in ids:
        return family(records, opened)
    own = [r for r in records if not r.read_only and r.n_snapshots]  # newest first (run_library.records)
    if own:
        same_data = [r.id for r in own if r.data.fingerprint == own[0].data.fingerprint][:MAX_PICTURES]
        return same_data if len(same_data) > 1 else [r.id for r in own[:2]]
    example = next((r.id for r in records if r.read_only and r.parent), None)
    return ids[:2] if example is None else family(records, example)


def family(records: list[RunRecord], run_id: str) -> list[str]:
    """The run `run_id`, its parent before it and its children after it (those among `records`)."""
    ids = [r.id for r in records]
    record = next(r for r in records if r.id == run_id)
    parent = [record.parent.run_id] if record.parent and record.parent.run_id in ids else []
    return parent + [run_id] + [r.id for r in records if r.parent and r.parent.run_id == run_id]


def epoch_axis(record: RunRecord, rows: list[EpochRow]) -> np.ndarray:
    """Positions on the parent's axis for a branch, on the run's own axis otherwise."""
    offset = record.parent.epoch if record.parent else 0
    return np.array([offset + epoch_position(r.phase, r.epoch, record.config.pretrain_epochs) for r in rows])


def overlay(runs: list[tuple[str, RunRecord, list[EpochRow]]], title: str, value, log_y: bool = False) -> go.Figure:
    """One line per run of `value(row)` (None where a run lacks it)."""
    figure = go.Figure()
    for i, (name, record, rows) in enumerate(runs):
        y = [value(row) for row in rows]
        if all(v is None for v in y):
            continue
        figure.add_trace(go.Scatter(x=epoch_axis(record, rows), y=y, mode="lines", name=name,
                                    line=dict(color=colour(i), dash="dash" if record.parent else "solid")))
    figure.update_layout(title=title, height=280, margin=MARGIN, xaxis_title="epoch (pretraining, then clustering)",
                         legend=dict(orientation="h", y=-0.35))
    if log_y:
        figure.update_yaxes(type="log")
    return figure


def curves(runs: list[tuple[str, RunRecord, list[EpochRow]]]) -> None:
    """ACC, NMI, ARI and the total loss in a 2 x 2 grid; every other loss term in an expander."""
    charts = [overlay(runs, metric.upper(), lambda row, m=metric: row.metrics.get(m)) for metric in ("acc", "nmi", "ari")]
    charts.append(overlay(runs, "Total loss", lambda row: row.losses.get("total"), log_y=True))
    for i, (column, figure) in enumerate(zip(st.columns(2) + st.columns(2), charts)):
        column.plotly_chart(figure, key=f"compare:curve:{i}", config=PNG, width="stretch")
    terms = list(dict.fromkeys(t for _, _, rows in runs for row in rows for t in row.losses if t != "total"))
    with st.expander("Every loss term"):
        columns = st.columns(2)
        for i, term in enumerate(terms):
            columns[i % 2].plotly_chart(overlay(runs, term, lambda row, t=term: row.losses.get(t), log_y=True),
                                        key=f"compare:loss:{term}", config=PNG, width="stretch")


def final_table(runs: list[tuple[str, RunRecord, list[EpochRow]]]) -> None:
    table = pd.DataFrame([{
        "run": name, "data": record.data.name, "ACC": record.final_metrics.get("acc"),
        "NMI": record.final_metrics.get("nmi"), "ARI": record.final_metrics.get("ari"),
        "AE + k-means ACC": rows[-1].reference_metrics.get("acc") if rows else None, "reached": record.final_step,
        "seconds": round(record.elapsed, 1), "status": record.status,
        "parent": f"{record.parent.run_id} @ epoch {record.parent.epoch}" if record.parent else "",
    } for name, record, rows in runs])
    score = st.column_config.NumberColumn(format="%.3f")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"ACC": score, "NMI": score, "ARI": score, "AE + k-means ACC": score})


def pictures(runs: list[tuple[str, RunRecord, list[EpochRow]]]) -> None:
    """Each run's final clustering space, coloured by cluster (the first MAX_PICTURES runs)."""
    shown = runs[:MAX_PICTURES]
    for column, (name, record, _) in zip(st.columns(len(shown)), shown):
        snapshot = last_snapshot(run_library.store_of(record.id), record.id)
        if snapshot is None:
            column.info(f"{name}: no epoch saved yet")
            continue
        view, labels = snapshot.view, snapshot.display_labels
        x, y = view.default_axes
        centroids = None if view.centroids is None else view.centroids[:, [x, y]]
        figure = points_figure(view.coords[:, [x, y]], labels, [f"cluster {k}" for k in range(int(labels.max()) + 1)],
                               np.column_stack([np.arange(len(labels)), labels]),
                               "cluster %{customdata[1]}<extra></extra>", f"{name}<br><sup>{view.title}</sup>",
                               axis_names=(view.axis_names[x], view.axis_names[y]), centroids=centroids, height=360,
                               webgl=False)  # small multiples: SVG, leaving the browser's few WebGL contexts alone
        figure.update_layout(showlegend=False)
        column.plotly_chart(figure, key=f"compare:picture:{record.id}", config=PNG, width="stretch")
    if len(runs) > MAX_PICTURES:
        st.caption(f"The first {MAX_PICTURES} runs are drawn.")


def flat_settings(record: RunRecord) -> dict[str, str]:
    values = {"data": record.data.name}
    for name, value in config_to_dict(record.config).items():
        if isinstance(value, dict):
            values.update({f"{name}.{k}": str(v) for k, v in value.items()})
        elif name not in ("cache_dir", "device"):
            values[name] = str(value)
    if record.parent:
        values["branched from"] = f"{record.parent.run_id} @ epoch {record.parent.epoch}"
    return values


def settings_table(runs: list[tuple[str, RunRecord, list[EpochRow]]]) -> None:
    """Every setting of every run; the rows where runs differ are highlighted."""
    table = pd.DataFrame({name: flat_settings(record) for name, record, _ in runs}).fillna("—")
    differs = table.nunique(axis=1) > 1
    if st.toggle("Only the settings that differ", value=False, key="compare:only_differences"):
        table = table[differs]
    styled = table.style.apply(lambda row: ["background-color: #fff3b0" if differs[row.name] else ""] * len(row),
                               axis=1)
    st.dataframe(styled, width="stretch")
    st.caption(f"{int(differs.sum())} of {len(differs)} settings differ (highlighted).")
