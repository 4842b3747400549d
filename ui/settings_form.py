"""The sidebar's model and training sections, generated from the config dataclasses.

Each method keeps its own widget values (keys carry the method's name), starting from its
reference's recipe for the chosen data set (`deepclust_core.recipe.build.preset`); `build_choice`
hands every widget's value to `config_for` as the user's choice, as the CLI hands its options.
Every widget keeps its value for the whole session (`persist_state="session"`): Streamlit
otherwise forgets the value of a widget that a run does not draw, so a change to DEKM's epochs
would be lost on a visit to DKM. A widget's first value is put into session state before it is
drawn, never passed as `value=`, so that presets (ui/presets.py) can set the same keys before the
widgets are drawn. Each widget says which phase and optimiser it drives in the run's recipe, and is
disabled with the reason where the recipe reads it nowhere (`deepclust_core.recipe.drives`).

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
from deepclust_core.catalog import CARDS
from deepclust_core.recipe.build import config_for
from deepclust_core.recipe.drives import Use, uses
from deepclust_core.settings.autoencoder import INITS
from deepclust_core.settings.options import OptionSpec, option_specs
from deepclust_core.settings.train import PRETRAIN_OPTIMIZERS

SUBSAMPLE_DEFAULT = 10000  # large sets train on a seeded subsample unless the user asks for more
PRETRAIN_NUMBERS = {"pretrain_sgd_lr": "SGD step size", "pretrain_momentum": "SGD momentum",
                    "pretrain_hidden_weight": "Hidden layers' reconstruction weight",
                    "pretrain_holdout": "Hold-out share (early stopping)"}  # float widgets, by TrainConfig field
# the training widgets' keys (after "<method>:train:") and the TrainConfig or AutoencoderConfig field each sets
TRAIN_WIDGETS = {"pretrain": "pretrain_epochs", "cluster": "cluster_epochs", "batch": "batch_size", "lr": "lr",
                 "pretrain_optimizer": "pretrain_optimizer", **{name: name for name in PRETRAIN_NUMBERS},
                 "pretrain_patience": "pretrain_patience"}
AUTOENCODER_WIDGETS = {"kind": "kind", "hidden": "hidden", "embedding": "embedding_dim", "init": "init"}
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
    values = {train_key(method, name): getattr(config, field) for name, field in TRAIN_WIDGETS.items()}
    values.update({train_key(method, name): getattr(ae, field) for name, field in AUTOENCODER_WIDGETS.items()})
    values[train_key(method, "hidden")] = ",".join(map(str, ae.hidden))
    for name in ("lr", *PRETRAIN_NUMBERS):
        values[train_key(method, name)] = float(getattr(config, name))
    for spec in option_specs(CARDS[method].config_class):
        values[option_key(method, spec.name)] = config.method_options.get(spec.name, spec.default)
    return values


def preset_values(method: str, preset_name: str = "paper", data: Dataset | None = None) -> dict:
    """A preset of the method (settings.PRESETS) for the data set as its widget values, by widget key."""
    return widget_values(config_for(method, 2, preset_name=preset_name, data=data))  # K is no part of a preset


def put(values: dict) -> None:
    """Set widgets by key before they are drawn (from a callback, or before the widgets in the page: a preset)."""
    for key, value in values.items():
        st.session_state[key] = value


def kept(draw: Callable, label: str, key: str, default, **kwargs):
    """`draw` a widget that keeps its value for the session, starting at `default` (see the module docstring)."""
    options = kwargs.get("options")
    if key not in st.session_state or (options is not None and st.session_state[key] not in options):
        st.session_state[key] = default if options is None or default in options else options[0]
    return draw(label, key=key, persist_state="session", **kwargs)


def method_picker() -> str:
    return kept(st.selectbox, "Method", "method", "dekm", options=list(CARDS), format_func=lambda n: CARDS[n].title,
                help="See the Learn page for what each method optimises.")


def form_choices(method: str, values: dict) -> tuple[dict, dict]:
    """The method's widget values (by widget key) as `build_choice`'s (options, training): what the form returns."""
    options = {spec.name: values[option_key(method, spec.name)] for spec in option_specs(CARDS[method].config_class)}
    training = {field: values[train_key(method, name)] for name, field in TRAIN_WIDGETS.items()}
    training["autoencoder"] = {field: values[train_key(method, name)] for name, field in AUTOENCODER_WIDGETS.items()}
    return options, training


def shown_uses(method: str, data: Dataset | None) -> dict[str, Use]:
    """What each of the method's settings drives with the values the form holds (before it is drawn: a change
    reruns the page), or with the recipe's values while one of them is not valid."""
    paper = preset_values(method, data=data)
    options, training = form_choices(method, {key: st.session_state.get(key, value) for key, value in paper.items()})
    try:
        config = config_from_form(data, 2, method, options, training)
    except ValueError:
        config = config_for(method, 2, data=data)
    return uses(config, image=data is None or data.is_image)


def described(use: Use, own_help: str = "") -> dict:
    """A widget's `help` (what it drives, then where its default comes from) and, when nothing reads it, disabled."""
    return {"help": use.says + (f" ({own_help})" if use.read and own_help else ""), "disabled": not use.read}


def option_widget(method: str, spec: OptionSpec, default, use: Use):
    key, label = option_key(method, spec.name), spec.name.replace("_", " ")
    help = {"help": spec.help, "disabled": False} if use.read and not use.says else described(use, spec.help)
    if spec.choices:
        return kept(st.selectbox, label, key, default, options=list(spec.choices), **help)
    if spec.type is bool:
        return kept(st.checkbox, label, key, bool(default), **help)
    if spec.type is int:
        return int(kept(st.number_input, label, key, int(default), step=1, **help))
    if spec.type is float:
        return float(kept(st.number_input, label, key, float(default), step=0.01, format="%g", **help))
    return kept(st.text_input, label, key, str(default), **help)


def method_options(method: str, data: Dataset | None) -> dict:
    paper, used = preset_values(method, data=data), shown_uses(method, data)
    with st.expander("Method options", expanded=False):
        return {spec.name: option_widget(method, spec, paper[option_key(method, spec.name)], used[spec.name])
                for spec in option_specs(CARDS[method].config_class)}


def training_settings(method: str, data: Dataset | None) -> dict:
    """Epochs, batch, learning rate, seed, autoencoder and pretraining widgets, each saying what it drives in this
    run's recipe (recipe.drives), disabled with the reason where nothing reads it."""
    paper, used = preset_values(method, data=data), shown_uses(method, data)

    def number(label: str, name: str, **kwargs):
        field = TRAIN_WIDGETS.get(name) or AUTOENCODER_WIDGETS[name]
        return kept(st.number_input, label, train_key(method, name), paper[train_key(method, name)],
                    **described(used[field], TRAIN_HELP.get(field, "")), **kwargs)

    values = {
        "pretrain_epochs": int(number("Pretraining epochs", "pretrain", step=1)),
        "cluster_epochs": int(number("Clustering epochs (at most)", "cluster", step=1)),
        "batch_size": int(number("Batch size", "batch", step=1)),
        "lr": float(number("Learning rate", "lr", step=1e-4, format="%g")),
        "seed": int(kept(st.number_input, "Seed", "seed", 0, step=1, **described(used["seed"]))),
    }
    with st.expander("Autoencoder", expanded=False):
        default_kind = paper[train_key(method, "kind")]
        kinds = ["mlp"] + (["conv"] if data is None or data.is_image else []) + (  # no data yet: keep a conv choice
            [default_kind] if default_kind not in ("mlp", "conv") else [])  # DEPICT's own network
        kind = kept(st.selectbox, "Kind", train_key(method, "kind"), default_kind, options=kinds,
                    **described(used["kind"], AUTOENCODER_HELP["kind"]))
        hidden = kept(st.text_input, "Hidden widths", train_key(method, "hidden"), paper[train_key(method, "hidden")],
                      **described(used["hidden"], "comma separated; d-500-500-2000-10 by default"))
        try:
            widths(hidden)
        except ValueError as error:
            st.error(str(error))
        embedding = int(number("Embedding size", "embedding", step=1))
        init = kept(st.selectbox, "Weight initialisation", train_key(method, "init"), paper[train_key(method, "init")],
                    options=list(INITS), **described(used["init"], AUTOENCODER_HELP["init"]))
        values["autoencoder"] = dict(kind=kind, hidden=hidden, embedding_dim=embedding, init=init)
    with st.expander("Pretraining", expanded=False):
        values.update(pretraining_settings(method, paper, number, used))
    return values


def pretraining_settings(method: str, paper: dict, number: Callable, used: dict[str, Use]) -> dict:
    """The pretraining optimiser, its loss and its early stopping."""
    key = train_key(method, "pretrain_optimizer")
    values = {"pretrain_optimizer": kept(st.selectbox, "Optimiser", key, paper[key], options=list(PRETRAIN_OPTIMIZERS),
                                         **described(used["pretrain_optimizer"], TRAIN_HELP["pretrain_optimizer"]))}
    for name, label in PRETRAIN_NUMBERS.items():
        values[name] = float(number(label, name, step=0.1, format="%g"))
    values["pretrain_patience"] = int(number("Patience (epochs)", "pretrain_patience", step=1))
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
                            key=f"subsample:{data.name}", persist_state="session", help=f"A seeded random subset of the {data.n_samples:,} rows."))
    # the cache key: what tells one reading of a file from another (label, ID and dropped columns, dropped rows)
    what = (data.name, data.n_features, data.class_names, data.id_column, data.dropped_columns, data.dropped_rows)
    return _subsample(data, what, n)


def config_from_form(data: Dataset | None, k: int, method: str, options: dict, training: dict) -> TrainConfig:
    """`config_for` with every widget's value as the user's choice; ValueError (one line) on a bad value."""
    autoencoder = {**training["autoencoder"], "hidden": widths(training["autoencoder"]["hidden"])}
    settings = {name: value for name, value in training.items() if name != "autoencoder"}
    return config_for(method, k, data=data, autoencoder=autoencoder, options=options, **settings)


def build_choice(data: Dataset | None, k: int, method: str, options: dict, training: dict,
                 data_problem: str | None = None) -> Choice:
    """The run the widgets ask for: `config_for` with every widget's value as the user's choice (what has no
    widget, the autoencoder's activation, is the recipe's). The problem is one sentence shown next to Start:
    without data, what was wrong with it (`data_problem`), else that data is still to be chosen."""
    if data is None:
        return Choice(None, None, f"Fix or replace the file: {data_problem}" if data_problem else "Choose a data set first.")
    try:
        validate_for_clustering(data, k)
        config = config_from_form(data, k, method, options, training)
    except (DataError, ValueError) as error:
        problem = str(error)
        return Choice(data, None, problem[:1].upper() + problem[1:])
    return Choice(data, config, None)
