"""Branch from this epoch: continue a recorded run from one of its snapshots, with other
settings, as a new run on the Train page. The child starts from the autoencoder weights the
parent had then; the method is set up afresh on that embedding (k-means for most methods).
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from deepclust_core import DataError, Dataset
from deepclust_core.catalog import CARDS
from deepclust_core.recipe.build import every_option
from deepclust_core.recipe.drives import Use, uses
from deepclust_core.runs.branch import branch_config, branch_start, reload_data
from deepclust_core.runs.shown_run import Entry, ShownRun
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.store.rows import EpochRow, RunRecord
from deepclust_core.settings.options import option_specs

from . import access, run_library, run_state
from .replay import label
from .settings_form import FIELD_SPECS, described, field_widget, kept, shown_value

KEPT = ("Snapshots whose weights the store kept: every epoch of a small model; for larger ones every 2nd, 4th, … "
        "epoch, plus the first clustering epoch and the newest.")


def _shown_seq(entries: list[Entry]) -> int:
    """The snapshot the replay slider shows (the newest when it shows none of these)."""
    shown = st.session_state.get("replay")
    return next((e.seq for e in entries if label(e) == shown), entries[-1].seq if entries else 0)


BRANCH_FIELDS = ("n_clusters", "cluster_epochs", "lr", "batch_size", "seed")  # and the pretraining epochs left


def _uses(record: RunRecord, method: str, pretraining_left: int | None, key) -> dict[str, Use]:
    """What each setting drives in the branch as its widgets hold it (recipe.drives, as the Train page says it),
    or in the parent's settings while a value is not valid."""
    own = record.config.method_options if method == record.config.method else {}
    options = {spec.name: st.session_state.get(key(f"{method}:{spec.name}"), own.get(spec.name, spec.default))
               for spec in option_specs(CARDS[method].config_class)}
    try:
        config = replace(record.config, method=method, method_options=every_option(method, options),
                         pretrain_epochs=pretraining_left or 0)
    except ValueError:
        config = record.config
    return uses(config, image=record.data.image_shape is not None)


def settings(record: RunRecord, pretraining_left: int | None) -> dict:
    """Widgets for what a branch may change, the Train page's own (`settings_form.field_widget`), starting from
    the parent's values: each run's branch form starts from that run."""
    parent, names = record.config, list(CARDS)

    def key(name: str) -> str:
        return f"branch:{name}"

    if st.session_state.get("branch:parent") != record.id:  # another run: its own values, not the last one's
        fields = ("method", "pretrain_epochs", *BRANCH_FIELDS, *(f"{m}:{spec.name}" for m in names
                                                                for spec in option_specs(CARDS[m].config_class)))
        for name in fields:
            st.session_state.pop(key(name), None)
        st.session_state["branch:parent"] = record.id

    method = kept(st.selectbox, "Method", key("method"), parent.method, options=names,
                  format_func=lambda n: CARDS[n].title)
    used = _uses(record, method, pretraining_left, key)
    changes, columns = {"method": method}, st.columns(3)
    for column, name in zip(columns * 2, BRANCH_FIELDS):
        with column:  # no bounds: TrainConfig explains a bad number where a bound would put back the old one silently
            changes[name] = field_widget(key(name), FIELD_SPECS[name], shown_value(parent, name),
                                         described(used[name], FIELD_SPECS[name].help) if name in used else {})
    if pretraining_left is not None:
        with columns[2]:
            changes["pretrain_epochs"] = field_widget(key("pretrain_epochs"), FIELD_SPECS["pretrain_epochs"],
                                                      pretraining_left, described(used["pretrain_epochs"]),
                                                      label="Pretraining epochs left")
    with st.expander("Method options"):
        own = parent.method_options if method == parent.method else {}
        changes["method_options"] = {
            spec.name: field_widget(key(f"{method}:{spec.name}"), spec, own.get(spec.name, spec.default),
                                    described(used[spec.name], spec.help))
            for spec in option_specs(CARDS[method].config_class)}
    return changes


def training_data(run_data: Dataset, record: RunRecord) -> Dataset:
    """The run's training data: in memory when a run here holds it (an upload, say), else loaded again."""
    current = run_state.current_run()
    for data in (run_data, current.data if current else None):
        if data is not None and data.fingerprint() == record.data.fingerprint:
            return data
    return reload_data(record)


def _start(run_data: Dataset, store: RunStore, record: RunRecord, at: EpochRow, changes: dict) -> None:
    """The Start button's callback (it runs before the page is drawn again, so it may reset the replay widgets).
    It is given the run's data, not the run: a widget's callback and arguments outlive the run they were drawn for."""
    access.require_change()
    try:
        data = training_data(run_data, record)
        config = branch_config(record.config, at, changes)  # ValueError: explained
        start = branch_start(store, record.id, at.seq, data, config)
    except (DataError, ValueError, KeyError) as error:
        st.session_state["branch:error"] = str(error)
        return
    # the sidebar keeps the form the user left: a fresh run starts from it, not from the branch's settings
    child = run_state.start_run(data, config, branch_from=start)
    st.session_state.opened_run = child.run_id  # Compare then shows it beside its parent
    st.session_state["branch:started"] = True


def branch_expander(run: ShownRun | None) -> None:
    """'Branch from this epoch', for a recorded run that is paused or over."""
    if st.session_state.pop("branch:started", False):
        st.switch_page("pages/train.py")  # where the new run trains
    if run is None or run.run_id is None or (run.active and run.status != "paused") or not access.can_change():
        return
    store = run_library.store_of(run.run_id)
    record, kept = store.run_record(run.run_id), store.weight_seqs(run.run_id)
    entries = {e.seq: e for e in run.history()}
    if not kept:
        return
    with st.expander("Branch from this epoch", expanded="branch:error" in st.session_state):
        st.caption("Continue from one epoch's weights with other settings, as a new run. The method starts afresh "
                   "on that embedding (its clusters are initialised again, k-means for most methods).")
        shown = _shown_seq(list(entries.values()))
        earlier = [s for s in kept if s <= shown]
        labels = {s: label(entries[s]) for s in kept if s in entries}  # not the entries: the widget outlives them
        seq = st.selectbox("Start from", kept, index=kept.index(earlier[-1]) if earlier else 0, key="branch:seq",
                           format_func=lambda s: labels.get(s, f"snapshot {s}"), help=KEPT)
        at = store.epoch_rows(run.run_id, after=seq - 1)[0]
        left = record.config.pretrain_epochs - at.epoch if at.phase == "pretrain" else None
        changes = settings(record, left)
        st.button("Start the branch", type="primary", key="branch:start", on_click=_start,
                  args=(run.data, store, record, at, changes))
        if "branch:error" in st.session_state:
            st.error(st.session_state.pop("branch:error"))
