"""The Explore page's cluster profiles, for tables: a heatmap of how far each cluster's mean lies
from the rest's in every leading column (the cluster's mean written in the cell, in the file's
units), then one cluster's columns in a table, most set apart first, and the whole profile as CSV
(deepclust_core/runs/profile.py; the numbers: deepclust_core/evaluation/profile.py)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from deepclust_core.evaluation.profile import ClusterProfile
from deepclust_core.runs.profile import PROFILE_HELP, profile_csv, shown_run_profile
from deepclust_core.runs.shown_run import ShownRun

from .charts import FONT, MARGIN, PNG

TOP_COLUMNS = 12  # the heatmap's columns: readable at 1600 px and on a projector; the table and CSV hold all
TICKS = {"size": 15}  # cluster and column names, read across a room
SCORE_RANGE = 3.0  # standard deviations at which the colour saturates (larger differences read the same)


def cluster_profiles(run: ShownRun) -> None:
    """The section: heatmap, one cluster's table, the CSV download (a run on a table)."""
    try:
        found = _profile(run)
    except ValueError as error:
        st.info(str(error))
        return
    if found is None:
        st.info("No clusters to describe yet.")
        return
    profile = found.profile
    shown = min(TOP_COLUMNS, len(profile.columns))
    which = (f"the {shown} of {len(profile.columns)} columns that set some cluster apart most"
             if shown < len(profile.columns) else f"all {shown} columns, those that set some cluster apart most first")
    st.caption(f"Each cluster in the file's own units, on {found.rows}: {which}. The number in a cell is the "
               "cluster's mean; its colour, how far that mean lies from the mean of all other rows, in standard "
               "deviations of the column (red: above the rest, blue: below).")
    if found.note:
        st.caption(f"Note: {found.note}.")
    st.plotly_chart(profile_figure(profile, shown), width="stretch", config=PNG)
    cluster = st.selectbox("Every column of", range(profile.n_clusters), key="explore:profile",
                           format_func=lambda k: f"cluster {k} ({profile.sizes[k]} rows, "
                                                 f"{100 * profile.shares[k]:.1f} %)")
    if profile.sizes[cluster] == 0:
        st.info(f"Cluster {cluster} has no rows at this epoch.")
    else:
        st.dataframe(cluster_table(profile, cluster), hide_index=True, width="stretch", column_config=NUMBERS,
                     height=min(420, 35 * (len(profile.columns) + 1) + 3))
    name = run.run_id or "run"
    st.download_button("Cluster profiles (CSV)", profile_csv(found, name), f"{name}-profile.csv", "text/csv",
                       on_click="ignore", help=PROFILE_HELP)


def _profile(run: ShownRun):
    """The run's profile, made again only when the run has a newer epoch (a stored run's may reload its data)."""
    entries = run.history()
    key = (run.run_id or id(run), entries[-1].seq if entries else None)
    kept = st.session_state.get("explore:profile-of")
    if kept is None or kept[0] != key:
        kept = (key, shown_run_profile(run))
        st.session_state["explore:profile-of"] = kept
    return kept[1]


def profile_figure(profile: ClusterProfile, count: int) -> go.Figure:
    """Clusters (rows) by the `count` leading columns: colour the score, text the cluster's mean."""
    columns = profile.top_columns(count)
    scores, means = profile.scores[:, columns], profile.means[:, columns]
    text = [["" if np.isnan(m) else f"{m:.4g}" for m in row] for row in means]
    detail = np.dstack([profile.stds[:, columns], profile.rest_means[:, columns], profile.ranks[:, columns]])
    clusters = [f"cluster {k} · {n} rows" for k, n in enumerate(profile.sizes)]
    heatmap = go.Heatmap(
        z=scores, x=[profile.columns[j] for j in columns], y=clusters, text=text, texttemplate="%{text}",
        textfont={"size": 14}, customdata=detail, zmid=0, zmin=-SCORE_RANGE, zmax=SCORE_RANGE, colorscale="RdBu_r",
        hoverongaps=False, colorbar={"title": {"text": "SDs from<br>the rest"}, "thickness": 14},
        hovertemplate="%{y}, %{x}<br>mean %{text} (SD %{customdata[0]:.4g})<br>rest of the rows: mean "
                      "%{customdata[1]:.4g}<br>%{z:+.2f} SDs of the column, rank %{customdata[2]}<extra></extra>")
    figure = go.Figure(heatmap)
    figure.update_layout(title="Cluster profiles: each cluster's mean, coloured by its distance from the rest",
                         height=150 + 36 * profile.n_clusters, margin=MARGIN, font=FONT,
                         yaxis={"autorange": "reversed", "tickfont": TICKS},
                         xaxis={"automargin": True, "tickfont": TICKS})
    return figure


def cluster_table(profile: ClusterProfile, cluster: int):
    """One cluster's columns, most set apart first."""
    import pandas as pd

    order = profile.order(cluster)
    return pd.DataFrame({
        "rank": profile.ranks[cluster, order], "column": [profile.columns[j] for j in order],
        "mean": profile.means[cluster, order], "SD": profile.stds[cluster, order],
        "rest: mean": profile.rest_means[cluster, order], "rest: SD": profile.rest_stds[cluster, order],
        "SDs from the rest": profile.scores[cluster, order]})


NUMBERS = {name: st.column_config.NumberColumn(format="%.4g")
           for name in ("mean", "SD", "rest: mean", "rest: SD", "SDs from the rest")}
