"""What a sweep trains: data × settings × seeds, each (setting, seed) one trial, one recorded run.

A setting is a method and the values it changes: the method's options, TrainConfig and
AutoencoderConfig fields, or "k". The settings are a grid (every method × every combination
of the values given for the fields it has) and/or a list written out one by one; `common`
values apply to every setting first. Each trial's TrainConfig comes from the one builder,
`recipe.build.config_for` (TrainConfig defaults < the method's preset for the data < the
setting's values), so a trial is the same run as `train` with the same options.

A sweep file (`sweep --config sweep.json`) says the same in JSON:

    {"data": {"name": "digits"}, "methods": ["dekm", "idec"], "grid": {"stop_tolerance": [0.005, 0.001]},
     "settings": [{"method": "dec", "alpha": 1.0}], "common": {"pretrain_epochs": 50}, "seeds": "0-4"}

Torch-free: the app's Sweep page builds and checks one before anything trains.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Mapping

from ..catalog import CARDS
from ..recipe.build import AUTOENCODER_FIELDS, PRESETS, TRAIN_FIELDS, config_for
from ..settings.options import option_specs, parse_option
from ..settings.train import TrainConfig

RUN_FIELDS = ("k",)  # a setting's values beyond the method's options, TRAIN_FIELDS and AUTOENCODER_FIELDS


@dataclass(frozen=True)
class Setting:
    """One point of the sweep: a method and the values it sets (every seed of it shares them)."""

    method: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self):
        if self.method not in CARDS:
            raise ValueError(f"unknown method {self.method!r}; choose one of {', '.join(CARDS)}")
        unknown = sorted(set(self.values) - set(settable(self.method)))
        if unknown:
            raise ValueError(f"{self.method} has no setting {', '.join(unknown)}; it takes its options "
                             f"({', '.join(method_option_names(self.method)) or 'none'}), training and autoencoder "
                             "fields, and k")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        options = {name: value for name, value in self.values.items() if name in method_option_names(self.method)}
        CARDS[self.method].config_class(**options)  # the card's own checks, before anything trains

    @property
    def label(self) -> str:
        """The setting in one line, the same for every seed: "dekm stop_tolerance=0.005"."""
        return " ".join([self.method, *(f"{name}={_text(value)}" for name, value in self.values.items())])


@dataclass(frozen=True)
class SweepSpec:
    data: Mapping  # load_dataset(**data): {"name": "digits"}, {"name": "blobs", "n_samples": 300}, {"path": ...}
    settings: tuple[Setting, ...]
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    common: Mapping[str, object] = field(default_factory=dict)  # values every setting starts from
    preset: str = "paper"  # the method's preset the values go on top of (recipe.build.PRESETS)
    device: str = "auto"  # on the worker: "auto" takes the GPU Ray gives the trial, if any
    cache_dir: str | None = None  # pretrained autoencoders, on each worker's disk
    use_cache: bool = True

    def __post_init__(self):
        if not self.settings or not self.seeds:
            raise ValueError("a sweep needs at least one setting and one seed")
        if len({s.label for s in self.settings}) < len(self.settings):
            raise ValueError("the sweep lists a setting twice")
        unused = [name for name in self.common if not any(name in settable(s.method) for s in self.settings)]
        if unused:
            raise ValueError(f"no method of the sweep has the setting {', '.join(unused)}")
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; choose one of {', '.join(PRESETS)}")
        object.__setattr__(self, "settings", tuple(self.settings))
        object.__setattr__(self, "seeds", tuple(self.seeds))
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))
        object.__setattr__(self, "common", MappingProxyType(dict(self.common)))

    def trials(self) -> list[tuple[Setting, int]]:
        """Every (setting, seed), seeds of a setting side by side."""
        return [(setting, seed) for setting in self.settings for seed in self.seeds]

    def config(self, setting: Setting, seed: int, data) -> TrainConfig:
        """The trial's TrainConfig: defaults < the method's preset for `data` < common < the setting's values."""
        values = {name: value for name, value in self.common.items() if name in settable(setting.method)}
        values.update(setting.values)
        k = values.pop("k", None) or data.n_classes
        if k is None:
            raise ValueError("the data has no labels: give the number of clusters as k")
        options = method_option_names(setting.method)
        return config_for(
            setting.method, int(k), options={n: v for n, v in values.items() if n in options},
            autoencoder={n: tuple(v) if n == "hidden" else v for n, v in values.items() if n in AUTOENCODER_FIELDS},
            preset_name=self.preset, data=data, seed=seed, device=self.device, cache_dir=self.cache_dir,
            use_cache=self.use_cache, **{n: v for n, v in values.items() if n in TRAIN_FIELDS})

    def configs(self, data) -> list[TrainConfig]:
        """Every trial's TrainConfig, in the order of `trials()`; ValueError for the first bad one."""
        return [self.config(setting, seed, data) for setting, seed in self.trials()]

    def to_dict(self) -> dict:
        """The sweep file's JSON, settings written out one by one."""
        return {"data": dict(self.data), "settings": [{"method": s.method, **s.values} for s in self.settings],
                "seeds": list(self.seeds), "common": dict(self.common), "preset": self.preset, "device": self.device,
                "cache_dir": self.cache_dir, "use_cache": self.use_cache}


def method_option_names(method: str) -> tuple[str, ...]:
    return tuple(f.name for f in fields(CARDS[method].config_class))


def settable(method: str) -> tuple[str, ...]:
    """Every name a setting of `method` may give a value."""
    return method_option_names(method) + TRAIN_FIELDS + AUTOENCODER_FIELDS + RUN_FIELDS


def grid(methods: list[str], values: Mapping[str, list]) -> list[Setting]:
    """Every method × every combination of the `values` it has a field for (a method without any: one setting)."""
    unused = [name for name in values if not any(name in settable(m) for m in methods if m in CARDS)]
    if unused:
        raise ValueError(f"no method of {', '.join(methods)} has the setting {', '.join(unused)}")
    settings = []
    for method in methods:
        axes = [(name, list(options)) for name, options in values.items() if name in settable(method)]
        for combination in itertools.product(*(options for _, options in axes)):
            settings.append(Setting(method, dict(zip((name for name, _ in axes), combination))))
    return settings


def parse_seeds(text: str | list) -> tuple[int, ...]:
    """"0-4", "0,3,7", "0-2,10" or a JSON list: the seeds, in order, once each."""
    if isinstance(text, list):
        return tuple(dict.fromkeys(int(seed) for seed in text))
    seeds = []
    for part in (p.strip() for p in str(text).split(",") if p.strip()):
        first, dash, last = part.partition("-")
        try:
            seeds += range(int(first), int(last) + 1) if dash else [int(first)]
        except ValueError:
            raise ValueError(f"seeds are numbers and ranges like 0-4,7; got {part!r}") from None
    if not seeds:
        raise ValueError("give at least one seed")
    return tuple(dict.fromkeys(seeds))


def parse_values(methods: list[str], pair: str) -> tuple[str, list]:
    """NAME=V1,V2,... as (name, values), each read with the type of the first method's field of that name."""
    name, sep, text = pair.partition("=")
    name = name.strip()
    if not sep or not text.strip():
        raise ValueError(f"{pair!r}: write NAME=VALUE or NAME=V1,V2,...")
    specs = {spec.name: spec for m in methods if m in CARDS for spec in option_specs(CARDS[m].config_class)}
    field_types = {f.name: f.type for f in fields(TrainConfig)}
    values = []
    for item in (part.strip() for part in text.split(",")):
        if name in specs:
            values.append(parse_option(specs[name], item))
        elif name == "hidden":  # widths joined with "-" in a comma list of values: hidden=500-500-2000,64-64
            values.append(tuple(int(width) for width in item.split("-")))
        else:
            values.append(_number(item, field_types.get(name)))
    return name, values


def spec_from_values(data: Mapping, methods: list[str], pairs: list[str], seeds: tuple[int, ...], **fields) -> SweepSpec:
    """The CLI's and the page's sweep: every NAME=V1,V2 of `pairs` with several values is an axis of the grid
    over `methods`; one with a single value applies to every method that has it (`common`)."""
    values = dict(parse_values(methods, pair) for pair in pairs if pair.strip())
    axes = {name: options for name, options in values.items() if len(options) > 1}
    common = {name: options[0] for name, options in values.items() if len(options) == 1}
    return SweepSpec(data=data, settings=tuple(grid(methods, axes)), seeds=seeds, common=common, **fields)


def spec_from_file(text: str, **overrides) -> SweepSpec:
    """A SweepSpec from a sweep file's JSON (see the module docstring); `overrides` replace its top-level keys."""
    try:
        raw = {**json.loads(text), **{name: value for name, value in overrides.items() if value is not None}}
    except json.JSONDecodeError as error:
        raise ValueError(f"the sweep file is not JSON: {error}") from None
    known = {"data", "methods", "grid", "settings", "seeds", "common", "preset", "device", "cache_dir", "use_cache"}
    if set(raw) - known:
        raise ValueError(f"the sweep file has unknown keys {', '.join(sorted(set(raw) - known))}; "
                         f"it may hold {', '.join(sorted(known))}")
    settings = grid(list(raw["methods"]), raw.get("grid", {})) if raw.get("methods") else []
    for entry in raw.get("settings", []):
        values = dict(entry)
        settings.append(Setting(values.pop("method"), values))
    return SweepSpec(data=raw.get("data", {"name": "digits"}), settings=tuple(settings),
                     seeds=parse_seeds(raw.get("seeds", "0-4")), common=raw.get("common", {}),
                     preset=raw.get("preset", "paper"), device=raw.get("device", "auto"),
                     cache_dir=raw.get("cache_dir"), use_cache=raw.get("use_cache", True))


def _number(text: str, kind) -> object:
    kind = getattr(kind, "__name__", kind)
    for cast in ((int, float) if kind in ("int", "float", None) else ()):
        try:
            return cast(text)
        except ValueError:
            pass
    if kind == "bool" or text.lower() in ("true", "false"):
        return text.lower() in ("true", "1", "yes")
    return text


def _text(value) -> str:
    return "-".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)
