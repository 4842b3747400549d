"""The Runs page's table: filters, the table itself, the run to open, its name, and deletion."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from deepclust_core.runs.store import NAME_LENGTH
from deepclust_core.runs.store.rows import RunRecord
from deepclust_core.runs.store.unavailable import StoreUnavailable

from . import access, run_library


def filtered(records: list[RunRecord]) -> list[RunRecord]:
    """Filter widgets above the table; the records that pass them."""
    with st.container(horizontal=True, vertical_alignment="bottom"):  # the toggle as wide as its label
        methods = st.multiselect("Method", sorted({r.method for r in records}), key="runs:method")
        datasets = st.multiselect("Data", sorted({r.data.name for r in records}), key="runs:data")
        statuses = st.multiselect("Status", sorted({r.status for r in records}), key="runs:status")
        show_examples = st.toggle("Examples", value=True, key="runs:examples",
                                  help="The recorded runs that ship with the app (read-only).")
    return [r for r in records
            if (not methods or r.method in methods) and (not datasets or r.data.name in datasets)
            and (not statuses or r.status in statuses) and (show_examples or not r.read_only)]


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def table(records: list[RunRecord]) -> None:
    rows = [{
        "run": r.id, "name": r.name, "method": r.method, "data": r.data.name, "settings": r.key_settings(),
        "ACC": r.final_metrics.get("acc"), "NMI": r.final_metrics.get("nmi"), "ARI": r.final_metrics.get("ari"),
        "reached": r.final_step, "duration": _duration(r.elapsed), "status": r.status, "date": r.date,
        "branched from": f"{r.parent.run_id} @ epoch {r.parent.epoch}" if r.parent else "",
        "sweep": f"{r.sweep.sweep_id} · {r.sweep.setting}" if r.sweep else "",
        "race": r.race or "",
        "example": r.read_only,
    } for r in records]
    score = st.column_config.NumberColumn(format="%.3f")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"ACC": score, "NMI": score, "ARI": score,
                                "name": st.column_config.TextColumn(width="medium"),
                                "race": st.column_config.TextColumn(help="Runs of one race share its id; opening "
                                                                         "one shows the whole race"),
                                "example": st.column_config.CheckboxColumn(help="shipped with the app, read-only")})


def _opened() -> None:
    """Remember the run (widget state ends with the page; `opened_run` is what Explore and Compare start from)."""
    st.session_state.opened_run = st.session_state.open_run
    st.session_state.follow_live, st.session_state.playing = True, False


def pick(records: list[RunRecord]) -> RunRecord | None:
    """The run to open, chosen from those shown (the one opened last, when coming back to the page)."""
    by_id = {r.id: r for r in records}
    if "open_run" not in st.session_state and st.session_state.get("opened_run") in by_id:
        st.session_state.open_run = st.session_state.opened_run
    chosen = st.selectbox("Open a run", list(by_id), index=None, format_func=lambda i: by_id[i].label,
                          placeholder="Choose a run to replay it, export it or branch from it", key="open_run",
                          on_change=_opened)
    return by_id.get(chosen)


def _renamed(run_id: str) -> None:
    try:
        run_library.rename(run_id, st.session_state[f"runs:name:{run_id}"])
    except StoreUnavailable as error:
        run_library.say_store_problem(str(error))


def name_field(record: RunRecord) -> None:
    """The opened run's name, saved as soon as it is changed (an example's cannot be)."""
    st.text_input("Name", value=record.name, key=f"runs:name:{record.id}", on_change=_renamed, args=(record.id,),
                  max_chars=NAME_LENGTH, disabled=record.read_only or not access.can_change(),
                  placeholder="Name this run: what you tried",
                  help="Examples are read-only." if record.read_only else access.why_not() or
                  "Shown in the runs table, on the Compare page and in the exports. Saved when you press Enter or "
                  "leave the field.")


def _delete(run_ids: list[str]) -> None:
    """A callback: it runs before the page is drawn again, so it may reset the widgets that named these runs."""
    try:
        for run_id in run_ids:
            run_library.delete(run_id)
    except StoreUnavailable as error:
        run_library.say_store_problem(str(error))
    st.session_state["runs:delete"] = []
    if st.session_state.get("open_run") in run_ids:
        st.session_state.open_run = None
    if st.session_state.get("opened_run") in run_ids:
        del st.session_state.opened_run


def delete_controls(records: list[RunRecord]) -> None:
    if not access.can_change():
        return access.explain()
    deletable = {r.id: r for r in records if not r.read_only and not r.active}
    if not deletable:
        return
    with st.expander("Delete runs"):
        doomed = st.multiselect("Runs to delete", list(deletable), format_func=lambda i: deletable[i].label,
                                key="runs:delete", help="Examples and runs still training cannot be deleted.")
        st.button(f"Delete {len(doomed)} run(s)", disabled=not doomed, key="runs:delete_button",
                  on_click=_delete, args=(doomed,))
