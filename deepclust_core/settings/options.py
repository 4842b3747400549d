"""A method's hyperparameters as data: name, type, default and help, read from its config
dataclass. The CLI parses `--option name=value` with it and the app builds its form from it.

The help text is the comment that follows each field's default in the source, so the
dataclass stays the single place where a default and its provenance are written.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import MISSING, dataclass, fields

_COMMENTED_FIELD = re.compile(r"^\s+(\w+)\s*:[^=]*=.*?#\s*(.+)$", re.MULTILINE)
_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


@dataclass(frozen=True)
class OptionSpec:
    name: str
    type: type  # int, float, bool or str
    default: object
    help: str
    choices: tuple = ()  # allowed values, when the field is a closed set


def option_specs(config_class: type) -> list[OptionSpec]:
    comments = dict(_COMMENTED_FIELD.findall(inspect.getsource(config_class)))
    specs = []
    for f in fields(config_class):
        kind = _TYPES.get(f.type if isinstance(f.type, str) else getattr(f.type, "__name__", ""), str)
        default = f.default if f.default is not MISSING else None
        specs.append(OptionSpec(f.name, kind, default, comments.get(f.name, ""), tuple(f.metadata.get("choices", ()))))
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
