"""The points picked with box or lasso in either panel. A selection belongs to the run it was
made in: the next run (or another stored run opened for replay) starts with none.

Streamlit keeps a chart's last selection event and hands it back on every rerun, so an
event is taken once, when it first arrives: a selection cleared with the Clear selection button
stays cleared until the user selects again.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core.runs.shown_run import ShownRun


def run_key(run: ShownRun) -> str:
    """The run a selection belongs to: its id in the run store, else this very object."""
    return run.run_id or f"unrecorded-{id(run)}"


def selected_rows(run: ShownRun) -> list[int]:
    """Data-set rows selected in this run (none when the selection was made in another run)."""
    picked = st.session_state.get("selection")
    return picked["rows"] if picked and picked["run"] == run_key(run) else []


def take_event(run: ShownRun, chart_key: str, rows: list[int]) -> None:
    """Remember a chart's selection event for this run, unless it is the one already taken."""
    taken = st.session_state.setdefault("selection_events", {})
    if taken.get(chart_key) == rows:
        return
    taken[chart_key] = rows
    if rows:
        st.session_state.selection = {"run": run_key(run), "rows": rows}


def clear() -> None:
    st.session_state.selection = None
