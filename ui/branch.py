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
from deepclust_core.recipe.drives import uses
from deepclust_core.runs.branch import branch_config, branch_start, reload_data
from deepclust_core.runs.record import EpochRow, RunRecord
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.view import Entry, RunView
from deepclust_core.settings.options import OptionSpec, option_specs

from . import access, run_library, run_state
from .replay import label

KEPT = ("Snapshots whose weights the store kept: every epoch of a small model; for larger ones every 2nd, 4th, … "
        "epoch, plus the first clustering epoch and the newest.")


def _shown_seq(entries: list[Entry]) -> int:
    """The snapshot the replay slider shows (the newest when it shows none of these)."""
    shown = st.session_state.get("replay")
    return next((e.seq for e in entries if label(e) == shown), entries[-1].seq if entries else 0)


def _option(method: str, spec: OptionSpec, default):
    key, name = f"branch:{method}:{spec.name}", spec.name.replace("_", " ")
    if spec.choices:
        return st.selectbox(name, spec.choices, index=spec.choices.index(default), key=key, help=spec.help)
    if spec.type is bool:
        return st.checkbox(name, bool(default), key=key, help=spec.help)
    if spec.type in (int, float):
        return spec.type(st.number_input(name, value=spec.type(default), key=key, help=spec.help,
                                         **({"format": "%g"} if spec.type is float else {"step": 1})))
    return st.text_input(name, str(default), key=key, help=spec.help)


def _described_lr(record: RunRecord, method: str, pretraining_left: int | None) -> dict:
    """The learning rate's help and state as the Train page gives them (recipe.drives), for the branch's method
    with the options its widgets hold: disabled with the reason where no optimiser of the branch reads it."""
    own = record.config.method_options if method == record.config.method else {}
    options = {spec.name: st.session_state.get(f"branch:{method}:{spec.name}", own.get(spec.name, spec.default))
               for spec in option_specs(CARDS[method].config_class)}
    try:
        config = replace(record.config, method=method, method_options=every_option(method, options),
                         pretrain_epochs=pretraining_left or 0)
    except ValueError:
        return {}
    use = uses(config, image=record.data.image_shape is not None)["lr"]
    return {"help": use.says, "disabled": not use.read}


def settings(record: RunRecord, pretraining_left: int | None) -> dict:
    """Widgets for what a branch may change, starting from the parent's values."""
    parent = record.config
    names = list(CARDS)
    method = st.selectbox("Method", names, index=names.index(parent.method), format_func=lambda n: CARDS[n].title,
                          key="branch:method")
    first, second, third = st.columns(3)
    changes = {
        "method": method,
        # no bounds: TrainConfig explains a bad number where a bound would put back the old one silently
        "n_clusters": int(first.number_input("Clusters K", value=parent.n_clusters, step=1, key="branch:k")),
        "cluster_epochs": int(second.number_input("Clustering epochs", value=parent.cluster_epochs, step=1,
                                                  key="branch:cluster_epochs")),
        "lr": float(third.number_input("Learning rate", value=float(parent.lr), step=1e-4, format="%g",
                                       key="branch:lr", **_described_lr(record, method, pretraining_left))),
        "batch_size": int(first.number_input("Batch size", value=parent.batch_size, step=1, key="branch:batch")),
        "seed": int(second.number_input("Seed", value=parent.seed, step=1, key="branch:seed")),
    }
    if pretraining_left is not None:
        changes["pretrain_epochs"] = int(third.number_input("Pretraining epochs left", value=pretraining_left, step=1,
                                                            key="branch:pretrain"))
    with st.expander("Method options"):
        own = parent.method_options if method == parent.method else {}
        changes["method_options"] = {spec.name: _option(method, spec, own.get(spec.name, spec.default))
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


def branch_expander(run: RunView | None) -> None:
    """'Branch from this epoch', for a recorded run that is paused or over."""
    if st.session_state.pop("branch:started", False):
        st.switch_page("pages/train.py")  # where the new run trains
    if run is None or run.run_id is None or (run.active and run.status != "paused") or not access.can_change():
        return
    store = run_library.store_of(run.run_id)
    record, kept = store.record(run.run_id), store.weight_seqs(run.run_id)
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
