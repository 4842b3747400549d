"""The Learn page's way into the app: each method's "Try it" and its picture of what to watch.

"Try it" sets the Train page's widgets by key (the data picker's, K's, the method's and its quick look's,
as ui/presets.py's buttons do) in the button's callback, then opens the Train page. The data set is the
card's `TryIt.data`, one on which the method's idea shows well. The picture is drawn from the card's shipped
example (examples/): its autoencoder-space UMAP at the first and the last clustering epoch, coloured by cluster;
a method without an example shows its try-it data as a shipped run holds it (2-D data in its own plane, other
data in the pretrained autoencoder's space), coloured by the true classes.
Nothing here imports torch: the Learn page stays light.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from deepclust_core.catalog import MethodCard
from deepclust_core.runs.store import EXAMPLES_DIR, RunStore

from .charts import points_figure
from .data_picker import cached_dataset, data_choices
from .settings_form import k_key, preset_values, put

SYNTHETIC_SIZE = dict(synthetic_n=1000, synthetic_noise=0.05, synthetic_blobs=4)  # the data picker's first values
PICTURE_HEIGHT = 260


def try_it_state(card: MethodCard) -> dict:
    """The Train page's widget values, by key, for the card's method on its try-it data with its quick look."""
    name = card.try_it.data
    data = cached_dataset(name, None, SYNTHETIC_SIZE["synthetic_n"], SYNTHETIC_SIZE["synthetic_noise"],
                          SYNTHETIC_SIZE["synthetic_blobs"])
    quick = preset_values(card.name, "quick", data)
    label = next(label for label, loader in data_choices().items() if loader == name)
    return {"data_choice": label, k_key(data): data.n_classes, "method": card.name, **quick,
            # ui/presets.py: the quick look is the intent, shown for this method and data (nothing to carry over)
            "preset:method": card.name, "preset:intent": "quick", f"{card.name}:preset shown": ("quick", quick)}


def _open(card: MethodCard) -> None:
    for key in SYNTHETIC_SIZE:  # the data picker draws its first values again (what try_it_state loaded)
        st.session_state.pop(key, None)
    put(try_it_state(card))
    st.session_state["try_it:open"] = True


def try_it_button(card: MethodCard) -> None:
    """The button; `open_train_when_asked` opens the Train page on the rerun its click starts."""
    st.button(f"Try it: {card.title.split(' (')[0]} on {card.try_it.data}, quick look", key=f"try_it:{card.name}",
              icon=":material/play_arrow:", type="primary", on_click=_open, args=(card,), help=card.try_it.why)


def open_train_when_asked() -> None:
    """At the top of the page: after a "Try it" click, the Train page (a callback cannot switch pages)."""
    if st.session_state.pop("try_it:open", False):
        st.switch_page("pages/train.py")


@st.cache_data(max_entries=16, show_spinner=False)
def _example_frames(run_id: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(title, UMAP layout, clusters) of a shipped run at its first and last clustering epoch with a frame."""
    store = RunStore(EXAMPLES_DIR, read_only=True)
    rows = {row.seq: row for row in store.epoch_rows(run_id)}
    clustering = [seq for seq in store.layout_seqs(run_id) if rows[seq].phase == "cluster"]
    return [(f"clustering epoch {rows[seq].epoch}", store.layout(run_id, seq),
             store.epoch_arrays(run_id, seq)["labels"].astype(int)) for seq in (clustering[0], clustering[-1])]


@st.cache_data(max_entries=16, show_spinner=False)
def _data_frame(data_name: str) -> tuple[str, np.ndarray, np.ndarray] | None:
    """(what it shows, points, true classes) of the data set as a shipped run holds it: 2-D data in its own
    plane, other data in the autoencoder space after pretraining (UMAP); None without such a run."""
    store = RunStore(EXAMPLES_DIR, read_only=True)
    run = next((record for record in store.runs() if record.data.name == data_name and record.parent is None), None)
    if run is None:
        return None
    display = store.display(run.id)
    if display.X.shape[1] == 2:
        return f"{data_name}, coloured by its true classes: what a clustering should find", display.X, display.y
    rows = {row.seq: row for row in store.epoch_rows(run.id)}
    pretrained = [seq for seq in store.layout_seqs(run.id) if rows[seq].phase == "pretrain"][-1]
    title = (f"{data_name} in the autoencoder space every method starts from (UMAP after pretraining), coloured by "
             "the true classes")
    return title, store.layout(run.id, pretrained), display.y


def watch_picture(card: MethodCard) -> None:
    """A small picture of what to watch: the method's shipped example at its first and last clustering epoch, or,
    without one, its try-it data as a shipped example holds it."""
    if card.try_it.example is not None:
        frames = _example_frames(card.try_it.example)
        st.caption(f"The shipped example run *{card.try_it.example}* (Runs page), autoencoder space (UMAP), "
                   "coloured by cluster: first and last clustering epoch.")
        for column, (title, xy, clusters) in zip(st.columns(len(frames)), frames):
            with column:
                _scatter(xy, clusters, title, f"{card.name}:{title}")
        return
    frame = _data_frame(card.try_it.data)
    if frame is None:
        st.caption(f"No shipped example holds {card.try_it.data}: Try it draws the run as it learns.")
        return
    title, xy, truth = frame
    st.caption(f"From the shipped examples: {title}.")
    with st.columns(2)[0]:  # as small as one of an example's two pictures
        _scatter(xy, truth.astype(int), card.try_it.data, f"{card.name}:data")


def _scatter(xy: np.ndarray, groups: np.ndarray, title: str, key: str) -> None:
    names = [str(g) for g in range(int(groups.max()) + 1)]
    figure = points_figure(xy, groups, names, np.arange(len(xy))[:, None], "%{customdata[0]}", title,
                           height=PICTURE_HEIGHT, webgl=False)
    figure.update_layout(showlegend=False)
    st.plotly_chart(figure, key=key, config={"staticPlot": True})
