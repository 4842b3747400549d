"""The sidebar's model and training sections, generated from the config dataclasses.

Each method keeps its own widget values (keys carry the method's name), starting from the
settings its paper used (`MethodCard.suggested`). Nothing here imports torch: the
first page draws this form before any training code is loaded.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from deepclust_core import AutoencoderConfig, DataError, Dataset, TrainConfig, validate_for_clustering
from deepclust_core.catalog import CARDS
from deepclust_core.options import OptionSpec, option_specs

SUBSAMPLE_DEFAULT = 10000  # large sets train on a seeded subsample unless the user asks for more


@dataclass(frozen=True)
class Choice:
    data: Dataset | None
    config: TrainConfig | None
    problem: str | None  # why Start is disabled, shown next to it


def method_picker() -> str:
    names = list(CARDS)
    return st.selectbox("Method", names, index=names.index("dekm"), format_func=lambda n: CARDS[n].title,
                        key="method", help="See the Learn page for what each method optimises.")


def option_widget(method: str, spec: OptionSpec):
    key = f"{method}:{spec.name}"
    label = spec.name.replace("_", " ")
    if spec.choices:
        return st.selectbox(label, spec.choices, index=spec.choices.index(spec.default), key=key, help=spec.help)
    if spec.type is bool:
        return st.checkbox(label, bool(spec.default), key=key, help=spec.help)
    if spec.type is int:
        return int(st.number_input(label, value=int(spec.default), step=1, key=key, help=spec.help))
    if spec.type is float:
        return float(st.number_input(label, value=float(spec.default), format="%g", key=key, help=spec.help))
    return st.text_input(label, str(spec.default), key=key, help=spec.help)


def method_options(method: str) -> dict:
    with st.expander("Method options", expanded=False):
        return {spec.name: option_widget(method, spec) for spec in option_specs(CARDS[method].config_class)}


def _suggested(method: str, name: str, fallback):
    return CARDS[method].suggested.get(name, fallback)


def training_settings(method: str, data: Dataset | None) -> dict:
    """Epochs, batch, learning rate, seed, autoencoder and subsample widgets."""
    key = lambda name: f"{method}:train:{name}"  # noqa: E731
    values = {
        "pretrain_epochs": int(st.number_input("Pretraining epochs", 0, 2000, _suggested(method, "pretrain_epochs", 200),
                                               key=key("pretrain"), help="Autoencoder reconstruction epochs (cached once done).")),
        "cluster_epochs": int(st.number_input("Clustering epochs (at most)", 0, 5000, _suggested(method, "cluster_epochs", 100),
                                              key=key("cluster"), help="The method's own stopping rule may end sooner.")),
        "batch_size": int(st.number_input("Batch size", 1, 4096, _suggested(method, "batch_size", 256), key=key("batch"))),
        "lr": float(st.number_input("Learning rate", 1e-6, 1.0, float(_suggested(method, "lr", 1e-3)), format="%g",
                                    key=key("lr"), help="Adam's step size.")),
        "seed": int(st.number_input("Seed", 0, 2**31 - 1, 0, key="seed", help="Same seed, same labels on this machine.")),
    }
    with st.expander("Autoencoder", expanded=False):
        kinds = ["mlp", "conv"] if data is not None and data.is_image else ["mlp"]
        default_kind = _suggested(method, "kind", "mlp")
        kind = st.selectbox("Kind", kinds, index=kinds.index(default_kind) if default_kind in kinds else 0,
                            key=key("kind"), help="conv: DEKM's convolutional autoencoder, for images.")
        hidden = st.text_input("Hidden widths", ",".join(map(str, _suggested(method, "hidden", (500, 500, 2000)))),
                               key=key("hidden"), help="MLP layer widths, comma separated (d-500-500-2000-10 by default).")
        if not all(w.strip().isdigit() and int(w) > 0 for w in hidden.split(",") if w.strip()):
            st.error("Hidden widths must be positive whole numbers separated by commas, e.g. 500,500,2000.")
        embedding = int(st.number_input("Embedding size", 1, 512, _suggested(method, "embedding_dim", 10), key=key("embedding")))
        values["autoencoder"] = dict(kind=kind, hidden=hidden, embedding_dim=embedding,
                                     activation=_suggested(method, "activation", "relu"))
    return values


def choose_k(data: Dataset | None) -> int:
    default = data.n_classes if data is not None and data.n_classes else 4
    # keyed by data set and class count: choosing a label column resets K to the new number of classes
    key = f"k:{data.name}:{data.n_classes}" if data is not None else "k:"
    k = int(st.number_input("Clusters K", 2, 100, default, key=key,
                            help="Defaults to the number of classes when the data has labels."))
    if data is not None:
        try:
            validate_for_clustering(data, k)
        except DataError as error:
            st.error(str(error))
    return k


@st.cache_resource(max_entries=4, show_spinner=False)
def _subsample(_data: Dataset, name: str, n: int) -> Dataset:
    return _data.subsample(n, seed=0)


def choose_subsample(data: Dataset | None) -> Dataset | None:
    if data is None or data.n_samples <= SUBSAMPLE_DEFAULT:
        return data
    n = int(st.number_input("Rows to train on", 100, data.n_samples, SUBSAMPLE_DEFAULT, step=1000,
                            key=f"subsample:{data.name}", help=f"A seeded random subset of the {data.n_samples:,} rows."))
    return _subsample(data, data.name, n)


def build_choice(data: Dataset | None, k: int, method: str, options: dict, training: dict) -> Choice:
    """Validate everything; the problem is one sentence the page shows next to Start."""
    if data is None:
        return Choice(None, None, "Choose a data set first.")
    try:
        validate_for_clustering(data, k)
        ae = training.pop("autoencoder")
        hidden = tuple(int(w) for w in ae.pop("hidden").replace(" ", "").split(",") if w)  # ValueError: explained
        config = TrainConfig(n_clusters=k, method=method, method_options=options,
                             autoencoder=AutoencoderConfig(hidden=hidden, **ae), **training)
        CARDS[method].config_class(**options)
    except (DataError, ValueError) as error:
        return Choice(data, None, str(error))
    return Choice(data, config, None)
