"""Suggest K without labels (deepclust_core.choose_k): the silhouette and BIC of K = 2 … 15 on the
pretrained embedding, drawn as two curves, and a button that puts the suggestion into the sidebar.

The autoencoder is the one Start would pretrain with the sidebar's settings, read from the cache
or pretrained here with a progress bar (and cached, so Start does not pretrain it again).
"""
from __future__ import annotations

import streamlit as st

from . import access
from .charts import FONT, MARGIN
from .settings_form import Choice, k_key

RESULT = "k_helper"  # session state: (what the scores were computed from, KScores)


def k_helper(choice: Choice, busy: bool) -> None:
    """The helper's expander; `busy` (a run is training in this tab) keeps its button off."""
    data, config = choice.data, choice.config
    if data is None:
        return
    with st.expander("Suggest K (no labels needed)", expanded=False):
        st.caption("Scores K = 2 … 15 on the embedding of the autoencoder Start would pretrain with the sidebar's "
                   "settings (pretrained once and cached: Start then reuses it). The labels are never read.")
        if config is None:
            st.info(f"Fix the settings first: {choice.problem}")
            return
        made_from = (data.fingerprint(), config.autoencoder, config.seed, config.pretrain_epochs, config.batch_size,
                     config.lr, config.device)
        if st.button("Score K = 2 … 15", key="k_helper:score", disabled=busy or not access.can_change(),
                     help="Wait for the run in this tab to end first." if busy else access.why_not()):
            _score(choice, made_from)
        kept = st.session_state.get(RESULT)
        if kept is not None and kept[0] == made_from:
            _show(kept[1], k_key(data))


def _score(choice: Choice, made_from: tuple) -> None:
    from deepclust_core import DataError
    from deepclust_core.choose_k import suggest_k

    access.require_change()  # it pretrains an autoencoder on this machine
    bar = st.progress(0.0, text="starting")
    try:
        scores = suggest_k(choice.data, choice.config, on_progress=lambda done, text: bar.progress(min(done, 1.0), text))
    except DataError as error:
        st.error(str(error))
        return
    finally:
        bar.empty()
    st.session_state[RESULT] = (made_from, scores)


def _use_k(key: str, k: int) -> None:
    st.session_state[key] = k


def _show(scores, key: str) -> None:
    st.plotly_chart(scores_figure(scores), width="stretch", key="k_helper:chart")
    suggested = scores.suggested
    st.markdown(f"**Suggested K = {suggested}**: the smallest K whose silhouette is within 1 % of the best "
                f"(highest at K = {scores.best_by_silhouette}); the mixture's BIC is lowest at K = {scores.best_by_bic}. "
                f"On {scores.n_rows:,} rows.")
    st.button(f"Use K = {suggested}", key="k_helper:use", on_click=_use_k, args=(key, suggested))


def scores_figure(scores):
    """Silhouette (higher is better) and BIC (lower is better) against K, side by side, the best of each marked."""
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2, subplot_titles=("silhouette of k-means (higher is better)",
                                                           "BIC of a Gaussian mixture (lower is better)"))
    for column, values, best in ((1, scores.silhouette, scores.suggested), (2, scores.bic, scores.best_by_bic)):
        figure.add_scatter(x=scores.ks, y=values, mode="lines+markers", showlegend=False, row=1, col=column,
                           hovertemplate="K = %{x}: %{y:.4g}<extra></extra>")
        figure.add_vline(x=best, line=dict(dash="dash", color="grey"), row=1, col=column)
        figure.update_xaxes(title_text="K", dtick=1, row=1, col=column)
    figure.update_layout(height=280, margin={**MARGIN, "t": 50}, font=FONT)
    return figure
