"""The sidebar's model and training sections, generated from the config dataclasses' field specs (label,
type, choices and help: `deepclust_core.settings.options`); `TRAINING_FORM` says where each field goes.

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

import math
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from deepclust_core import (
    AutoencoderConfig,
    DataError,
    Dataset,
    TrainConfig,
    validate_for_clustering,
)
from deepclust_core.catalog import CARDS
from deepclust_core.recipe.build import AUTOENCODER_FIELDS, config_for
from deepclust_core.recipe.drives import Use, uses
from deepclust_core.settings.options import OptionSpec, option_specs

SUBSAMPLE_DEFAULT = 10000  # large sets train on a seeded subsample unless the user asks for more
# The training section as the sidebar lays it out: TrainConfig and AutoencoderConfig fields, at the top ("")
# or in an expander; each widget is drawn from its field's spec (label, type, choices, help).
TRAINING_FORM = {
    "": ("pretrain_epochs", "cluster_epochs", "batch_size", "lr", "seed"),
    "Autoencoder": ("kind", "hidden", "embedding_dim", "init"),
    "Pretraining": ("pretrain_optimizer", "pretrain_sgd_lr", "pretrain_momentum", "pretrain_hidden_weight",
                    "pretrain_holdout", "pretrain_patience"),
}
FORM_FIELDS = tuple(name for names in TRAINING_FORM.values() for name in names)
FIELD_SPECS = {spec.name: spec for spec in option_specs(TrainConfig) + option_specs(AutoencoderConfig)}


@dataclass(frozen=True)
class Choice:
    data: Dataset | None
    config: TrainConfig | None
    problem: str | None  # why Start is disabled, shown next to it


def train_key(method: str, name: str) -> str:
    """A training field's widget key: the method's own, except the seed, which is the user's for every method."""
    return "seed" if name == "seed" else f"{method}:train:{name}"


def option_key(method: str, name: str) -> str:
    return f"{method}:{name}"


def k_key(data: Dataset | None) -> str:
    # keyed by data set and class count: choosing a label column resets K to the new number of classes
    return f"k:{data.name}:{data.n_classes}" if data is not None else "k:"


def shown_value(config: TrainConfig, name: str):
    """A training field of `config` as its widget holds it: widths as text, floats as floats."""
    value = getattr(config.autoencoder if name in AUTOENCODER_FIELDS else config, name)
    if name == "hidden":
        return ",".join(map(str, value))
    return float(value) if FIELD_SPECS[name].type is float else value


def widget_values(config: TrainConfig) -> dict:
    """What the method's widgets show for `config`, by widget key (K and the seed aside)."""
    method = config.method
    values = {train_key(method, name): shown_value(config, name) for name in FORM_FIELDS if name != "seed"}
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


def float_step(default) -> float:
    """A tenth of the default's order of magnitude (lr 1e-3: steps of 1e-4); 0.01 for a default of 0."""
    return 10.0 ** (math.floor(math.log10(abs(default))) - 1) if default else 0.01


def field_widget(key: str, spec: OptionSpec, default, state: dict, options: list | None = None, label: str = ""):
    """The widget of one config field, as its spec says (choices: a list; bool: a box; int, float: a number;
    else text), starting at `default`; `state` is `described`'s help and disabled."""
    label, options = label or spec.title, options or (list(spec.choices) if spec.choices else None)
    if options:
        return kept(st.selectbox, label, key, default, options=options, **state)
    if spec.type is bool:
        return kept(st.checkbox, label, key, bool(default), **state)
    if spec.type is int:
        return int(kept(st.number_input, label, key, int(default), step=1, **state))
    if spec.type is float:
        return float(kept(st.number_input, label, key, float(default), step=float_step(spec.default), format="%g",
                          **state))
    return kept(st.text_input, label, key, str(default), **state)


def method_picker() -> str:
    return kept(st.selectbox, "Method", "method", "dekm", options=list(CARDS), format_func=lambda n: CARDS[n].title,
                help="See the Learn page for what each method optimises.")


def form_choices(method: str, values: dict) -> tuple[dict, dict]:
    """The method's widget values (by widget key) as `build_choice`'s (options, training): what the form returns."""
    options = {spec.name: values[option_key(method, spec.name)] for spec in option_specs(CARDS[method].config_class)}
    training = {name: values[train_key(method, name)] for name in FORM_FIELDS
                if name not in AUTOENCODER_FIELDS and name != "seed"}
    training["autoencoder"] = {name: values[train_key(method, name)] for name in FORM_FIELDS if name in AUTOENCODER_FIELDS}
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
    """A widget's `help` (what it drives, then the field's own help) and, when nothing reads it, disabled with
    the reason."""
    if not use.read:
        return {"help": use.says, "disabled": True}
    return {"help": f"{use.says} ({own_help})" if use.says and own_help else use.says or own_help, "disabled": False}


def method_options(method: str, data: Dataset | None) -> dict:
    paper, used = preset_values(method, data=data), shown_uses(method, data)
    with st.expander("Method options", expanded=False):
        return {spec.name: field_widget(option_key(method, spec.name), spec, paper[option_key(method, spec.name)],
                                        described(used[spec.name], spec.help))
                for spec in option_specs(CARDS[method].config_class)}


def kinds(data: Dataset | None, default: str) -> list[str]:
    """The networks the data can take: the conv network for images only (or while no data is chosen), and the
    recipe's own (DEPICT's) when it is neither."""
    return ["mlp"] + (["conv"] if data is None or data.is_image else []) + (
        [default] if default not in ("mlp", "conv") else [])


def training_settings(method: str, data: Dataset | None) -> dict:
    """The training section (`TRAINING_FORM`): each widget says what it drives in this run's recipe
    (recipe.drives), disabled with the reason where nothing reads it."""
    paper, used = preset_values(method, data=data), shown_uses(method, data)
    paper[train_key(method, "seed")] = TrainConfig.seed

    def widget(name: str):
        key = train_key(method, name)
        options = kinds(data, paper[key]) if name == "kind" else None
        value = field_widget(key, FIELD_SPECS[name], paper[key], described(used[name], FIELD_SPECS[name].help), options)
        if name == "hidden":
            try:
                widths(value)
            except ValueError as error:
                st.error(str(error))
        return value

    values = {name: widget(name) for name in TRAINING_FORM[""]}
    for section in ("Autoencoder", "Pretraining"):
        with st.expander(section, expanded=False):
            values.update({name: widget(name) for name in TRAINING_FORM[section]})
    values["autoencoder"] = {name: values.pop(name) for name in TRAINING_FORM["Autoencoder"]}
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
