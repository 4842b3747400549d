"""A method's hyperparameters as data: name, type, default and help, read from its config
dataclass. The CLI parses `--option name=value` with it and the app builds its form from it.

Each field of a config dataclass carries its help text (and, for a closed set, its choices) in
its metadata, written with `setting`, so the dataclass stays the single place where a default
and its provenance are written (dataclasses.field's `metadata`, docs.python.org/3/library/dataclasses.html).
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


def setting(default=MISSING, *, help: str, choices: tuple = (), label: str = "", default_factory=MISSING):
    """A config dataclass field whose help text (allowed values, if `choices`; the form's label, if `label`)
    option_specs reads: `alpha: float = setting(1.0, help="...")`. No default and no default_factory: the
    field is required."""
    return field(default=default, default_factory=default_factory,
                 metadata={"help": help, "choices": tuple(choices), "label": label})


@dataclass(frozen=True)
class OptionSpec:
    name: str
    type: type  # int, float, bool or str
    default: object
    help: str
    choices: tuple = ()  # allowed values, when the field is a closed set
    label: str = ""  # what the form calls it; empty: its name, spaced ("update_interval" -> "update interval")

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")


def option_specs(config_class: type) -> list[OptionSpec]:
    specs = []
    for f in fields(config_class):
        kind = _TYPES.get(f.type if isinstance(f.type, str) else getattr(f.type, "__name__", ""), str)
        default = f.default if f.default is not MISSING else None
        specs.append(OptionSpec(f.name, kind, default, f.metadata["help"], tuple(f.metadata.get("choices", ())),
                                f.metadata.get("label", "")))
    return specs


def parse_option(spec: OptionSpec, text: str):
    """`text` as a value of the option's type; ValueError with a one-line message if it is not."""
    try:
        if spec.type is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            value = text.lower() in ("true", "1", "yes")
        else:
            value = spec.type(text)
    except ValueError:
        raise ValueError(f"option {spec.name} takes a {spec.type.__name__}, got {text!r}") from None
    if spec.choices and value not in spec.choices:
        raise ValueError(f"option {spec.name} must be one of {', '.join(map(str, spec.choices))}, got {value!r}")
    return value
