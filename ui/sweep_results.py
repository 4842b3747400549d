"""A sweep's results, read back from the run store: the table by setting (final ACC / NMI / ARI,
mean ± std over the seeds that finished), each setting's stability (mean pairwise ARI between
its seeds' labelings, label-free), and its seeds' ACC curves, one small chart per setting."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from deepclust_core.runs.store import RunStore
from deepclust_core.sweeps.summary import summarize

from .charts import PNG
from .compare import overlay

CHARTS_PER_ROW = 3


def sweep_ids(store: RunStore) -> list[str]:
    """The sweeps recorded in `store`, newest first."""
    return list(dict.fromkeys(r.sweep.sweep_id for r in store.runs() if r.sweep is not None))


def results(store: RunStore, sweep_id: str) -> None:
    summaries = summarize(store, sweep_id)
    st.dataframe(pd.DataFrame([{
        "setting": s.setting, "seeds ok": f"{s.ended_well}/{s.trials}", "failed": s.failed, "stopped": s.stopped,
        "ACC": s.cell("acc"), "NMI": s.cell("nmi"), "ARI": s.cell("ari"),
        "stability": s.stability_cell(missing="needs 2 seeds"),
    } for s in summaries]), hide_index=True, width="stretch", column_config={"stability": st.column_config.TextColumn(
        help="Mean adjusted Rand index between every pair of seeds' final labelings: 1 when every seed finds the "
             "same partition, near 0 when they agree no more than chance. Needs no labels, and at least 2 seeds "
             "that ended well.")})
    runs = store.sweep_runs(sweep_id)
    columns = st.columns(CHARTS_PER_ROW)
    for i, summary in enumerate(summaries):
        seeds = [(f"seed {r.config.seed}", r, store.epoch_rows(r.id)) for r in runs if r.sweep.setting == summary.setting]
        figure = overlay(seeds, summary.setting, lambda row: row.metrics.get("acc"))
        figure.update_layout(height=240, yaxis_title="ACC", xaxis_title="epoch")
        columns[i % CHARTS_PER_ROW].plotly_chart(figure, key=f"sweep:acc:{i}", config=PNG, width="stretch")
