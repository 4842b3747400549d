"""The sidebar's model and training sections, generated from the config dataclasses.

Each method keeps its own widget values (keys carry the method's name), starting from its
reference's recipe for the chosen data set (`deepclust_core.settings.build.preset`); `build_choice`
hands every widget's value to `config_for` as the user's choice, as the CLI hands its options.
Every widget keeps its value for the whole session (`persist_state="session"`): Streamlit
otherwise forgets the value of a widget that a run does not draw, so a change to DEKM's epochs
would be lost on a visit to DKM. A widget's first value is put into session state before it is
drawn, never passed as `value=`, so that presets and branches (ui/presets.py, ui/branch.py) can
set the same keys from their callbacks.

Numbers have no bounds in the widgets: a bound makes Streamlit put back the old value without a
word when a number is out of range. TrainConfig and the method's config check them instead, and
`build_choice` says what is wrong next to Start. Nothing here imports torch: the first page
draws this form before any training code is loaded.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from deepclust_core import AutoencoderConfig, DataError, Dataset, TrainConfig, validate_for_clustering
from deepclust_core.settings.autoencoder import INITS
from deepclust_core.catalog import CARDS
from deepclust_core.settings.train import PRETRAIN_OPTIMIZERS
from deepclust_core.settings.options import OptionSpec, option_specs
from deepclust_core.settings.build import config_for

SUBSAMPLE_DEFAULT = 10000  # large sets train on a seeded subsample unless the user asks for more
PRETRAIN_NUMBERS = {"pretrain_sgd_lr": "SGD step size", "pretrain_momentum": "SGD momentum",
                    "pretrain_hidden_weight": "Hidden layers' reconstruction weight",
                    "pretrain_holdout": "Hold-out share (early stopping)"}  # float widgets, by TrainConfig field
TRAIN_HELP = {spec.name: spec.help for spec in option_specs(TrainConfig)}  # TrainConfig's field help
AUTOENCODER_HELP = {spec.name: spec.help for spec in option_specs(AutoencoderConfig)}


@dataclass(frozen=True)
class Choice:
    data: Dataset | None
    config: TrainConfig | None
    problem: str | None  # why Start is disabled, shown next to it


def train_key(method: str, name: str) -> str:
    return f"{method}:train:{name}"


def option_key(method: str, name: str) -> str:
    return f"{method}:{name}"


def k_key(data: Dataset | None) -> str:
    # keyed by data set and class count: choosing a label column resets K to the new number of classes
    return f"k:{data.name}:{data.n_classes}" if data is not None else "k:"


def widget_values(config: TrainConfig) -> dict:
    """What the method's widgets show for `config`, by widget key (K and the seed aside)."""
    method, ae = config.method, config.autoencoder
    values = {train_key(method, "pretrain"): config.pretrain_epochs,
              train_key(method, "cluster"): config.cluster_epochs,
              train_key(method, "batch"): config.batch_size, train_key(method, "lr"): float(config.lr),
              train_key(method, "kind"): ae.kind, train_key(method, "hidden"): ",".join(map(str, ae.hidden)),
              train_key(method, "embedding"): ae.embedding_dim, train_key(method, "init"): ae.init,
              train_key(method, "pretrain_optimizer"): config.pretrain_optimizer,
              train_key(method, "pretrain_patience"): config.pretrain_patience}
    for name in PRETRAIN_NUMBERS:
        values[train_key(method, name)] = float(getattr(config, name))
    for spec in option_specs(CARDS[method].config_class):
        values[option_key(method, spec.name)] = config.method_options.get(spec.name, spec.default)
    return values


def preset_values(method: str, preset_name: str = "paper", data: Dataset | None = None) -> dict:
    """A preset of the method (settings.PRESETS) for the data set as its widget values, by widget key."""
    return widget_values(config_for(method, 2, preset_name=preset_name, data=data))  # K is no part of a preset


def put(values: dict) -> None:
    """Set widgets by key before they are drawn (from a callback: a preset's or a branch's values)."""
    for key, value in values.items():
        st.session_state[key] = value


def show_config(config: TrainConfig, data: Dataset) -> None:
    """Put a run's settings into the form (from a callback): method, K, seed, epochs, options, autoencoder."""
    put({"method": config.method, k_key(data): config.n_clusters, "seed": config.seed, **widget_values(config)})


def kept(draw: Callable, label: str, key: str, default, **kwargs):
    """`draw` a widget that keeps its value for the session, starting at `default` (see the module docstring)."""
    options = kwargs.get("options")
    if key not in st.session_state or (options is not None and st.session_state[key] not in options):
        st.session_state[key] = default if options is None or default in options else options[0]
    return draw(label, key=key, persist_state="session", **kwargs)


def method_picker() -> str:
    return kept(st.selectbox, "Method", "method", "dekm", options=list(CARDS), format_func=lambda n: CARDS[n].title,
                help="See the Learn page for what each method optimises.")


def option_widget(method: str, spec: OptionSpec, default):
    key, label = option_key(method, spec.name), spec.name.replace("_", " ")
    if spec.choices:
        return kept(st.selectbox, label, key, default, options=list(spec.choices), help=spec.help)
    if spec.type is bool:
        return kept(st.checkbox, label, key, bool(default), help=spec.help)
    if spec.type is int:
        return int(kept(st.number_input, label, key, int(default), step=1, help=spec.help))
    if spec.type is float:
        return float(kept(st.number_input, label, key, float(default), step=0.01, format="%g", help=spec.help))
    return kept(st.text_input, label, key, str(default), help=spec.help)


def method_options(method: str, data: Dataset | None) -> dict:
    paper = preset_values(method, data=data)
    with st.expander("Method options", expanded=False):
        return {spec.name: option_widget(method, spec, paper[option_key(method, spec.name)])
                for spec in option_specs(CARDS[method].config_class)}


def training_settings(method: str, data: Dataset | None) -> dict:
    """Epochs, batch, learning rate, seed, autoencoder and pretraining widgets."""
    paper = preset_values(method, data=data)

    def number(label: str, name: str, **kwargs):
        return kept(st.number_input, label, train_key(method, name), paper[train_key(method, name)], **kwargs)

    values = {
        "pretrain_epochs": int(number("Pretraining epochs", "pretrain", step=1,
                                      help="Autoencoder reconstruction epochs (cached once done).")),
        "cluster_epochs": int(number("Clustering epochs (at most)", "cluster", step=1,
                                     help="The method's own stopping rule may end sooner.")),
        "batch_size": int(number("Batch size", "batch", step=1)),
        "lr": float(number("Learning rate", "lr", step=1e-4, format="%g", help="Adam's step size.")),
        "seed": int(kept(st.number_input, "Seed", "seed", 0, step=1, help="Same seed, same labels on this machine.")),
    }
    with st.expander("Autoencoder", expanded=False):
        default_kind = paper[train_key(method, "kind")]
        kinds = ["mlp"] + (["conv"] if data is None or data.is_image else []) + (  # no data yet: keep a conv choice
            [default_kind] if default_kind not in ("mlp", "conv") else [])  # DEPICT's own network
        kind = kept(st.selectbox, "Kind", train_key(method, "kind"), default_kind, options=kinds,
                    help="conv: DEKM's convolutional autoencoder, for images; depict: DEPICT's dropout network.")
        hidden = kept(st.text_input, "Hidden widths", train_key(method, "hidden"), paper[train_key(method, "hidden")],
                      help="MLP layer widths, comma separated (d-500-500-2000-10 by default).")
        try:
            widths(hidden)
        except ValueError as error:
            st.error(str(error))
        embedding = int(number("Embedding size", "embedding", step=1))
        init = kept(st.selectbox, "Weight initialisation", train_key(method, "init"), paper[train_key(method, "init")],
                    options=list(INITS), help=AUTOENCODER_HELP["init"])
        values["autoencoder"] = dict(kind=kind, hidden=hidden, embedding_dim=embedding, init=init)
    with st.expander("Pretraining", expanded=False):
        values.update(pretraining_settings(method, paper, number))
    return values


def pretraining_settings(method: str, paper: dict, number: Callable) -> dict:
    """The pretraining optimiser, its loss and its early stopping; the help of each is its TrainConfig field's help."""
    key = train_key(method, "pretrain_optimizer")
    values = {"pretrain_optimizer": kept(st.selectbox, "Optimiser", key, paper[key], options=list(PRETRAIN_OPTIMIZERS),
                                         help=TRAIN_HELP["pretrain_optimizer"])}
    for name, label in PRETRAIN_NUMBERS.items():
        values[name] = float(number(label, name, step=0.1, format="%g", help=TRAIN_HELP[name]))
    values["pretrain_patience"] = int(number("Patience (epochs)", "pretrain_patience", step=1,
                                             help=TRAIN_HELP["pretrain_patience"]))
    return values


def widths(text: str) -> tuple[int, ...]:
    """The hidden widths typed, e.g. "500, 500, 2000"; ValueError with a one-line message."""
    parts = [w.strip() for w in text.split(",") if w.strip()]
    if not all(w.isdigit() and int(w) > 0 for w in parts):
        raise ValueError("Hidden widths must be positive whole numbers separated by commas, e.g. 500,500,2000.")
    return tuple(int(w) for w in parts)


def choose_k(data: Dataset | None) -> int:
    default = data.n_classes if data is not None and data.n_classes else 4
    k = int(kept(st.number_input, "Clusters K", k_key(data), default, step=1,
                 help="Defaults to the number of classes when the data has labels."))
    if data is not None:
        try:
            validate_for_clustering(data, k)
        except DataError as error:
            st.error(str(error))
    return k


@st.cache_resource(max_entries=4, show_spinner=False)
def _subsample(_data: Dataset, what: tuple, n: int) -> Dataset:
    return _data.subsample(n, seed=0)


def choose_subsample(data: Dataset | None) -> Dataset | None:
    if data is None or data.n_samples <= SUBSAMPLE_DEFAULT:
        return data
    n = int(st.number_input("Rows to train on", 100, data.n_samples, SUBSAMPLE_DEFAULT, step=1000,
                            key=f"subsample:{data.name}", help=f"A seeded random subset of the {data.n_samples:,} rows."))
    # the cache key: what tells one reading of a file from another (label, ID and dropped columns, dropped rows)
    what = (data.name, data.n_features, data.class_names, data.id_column, data.dropped_columns, data.dropped_rows)
    return _subsample(data, what, n)


def build_choice(data: Dataset | None, k: int, method: str, options: dict, training: dict,
                 data_problem: str | None = None) -> Choice:
    """The run the widgets ask for: `config_for` with every widget's value as the user's choice (what has no
    widget, the autoencoder's activation, is the recipe's). The problem is one sentence shown next to Start:
    without data, what was wrong with it (`data_problem`), else that data is still to be chosen."""
    if data is None:
        return Choice(None, None, f"Fix or replace the file: {data_problem}" if data_problem else "Choose a data set first.")
    try:
        validate_for_clustering(data, k)
        autoencoder = {**training["autoencoder"], "hidden": widths(training["autoencoder"]["hidden"])}
        settings = {name: value for name, value in training.items() if name != "autoencoder"}
        config = config_for(method, k, data=data, autoencoder=autoencoder, options=options, **settings)
    except (DataError, ValueError) as error:
        problem = str(error)
        return Choice(data, None, problem[:1].upper() + problem[1:])
    return Choice(data, config, None)
