"""A run's settings as JSON: the data it trained on and its TrainConfig.

The run store keeps a run's configuration in this form, and the file a run exports is
what `python -m deepclust_core train --config FILE` reads to train it again:

    {"format": "deepclust-run", "version": 1,
     "data": {"name": "digits", "subsample": null, "seed": 0, ...},   # load_dataset(**data)
     "data_fingerprint": "3f2a...",                                  # to check it is the same data
     "train": {"n_clusters": 10, "method": "dekm", "autoencoder": {...}, ...},
     "branch_from": {"run_id": "...", "seq": 12}}                  # a branched run only

A branched run's file names its parent's snapshot: the CLI starts from those weights when
its run store still holds them.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from .autoencoder import AutoencoderConfig
from .train import TrainConfig

FORMAT = "deepclust-run"
VERSION = 1
MACHINE_FIELDS = ("cache_dir",)  # where this machine keeps things: never part of a file meant to travel
# Method options renamed since runs were first stored, {method: {old name: new name}}: stored runs and run files
# keep their old names and are read with the new ones (AE-CM's `init` became `start`, which presets can set).
RENAMED_OPTIONS = {"aecm": {"init": "start"}}


def config_to_dict(config: TrainConfig) -> dict:
    """Plain JSON types only (tuples become lists)."""
    values = asdict(config)
    values["autoencoder"]["hidden"] = list(config.autoencoder.hidden)
    return values


def config_from_dict(values: dict) -> TrainConfig:
    """The inverse of `config_to_dict`; an unknown setting is a ValueError that names it."""
    values = dict(values)
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown training settings {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    renamed = RENAMED_OPTIONS.get(values.get("method"), {})
    if "method_options" in values:
        values["method_options"] = {renamed.get(name, name): value for name, value in values["method_options"].items()}
    autoencoder = dict(values.pop("autoencoder", {}))
    known_ae = {f.name for f in fields(AutoencoderConfig)}
    if set(autoencoder) - known_ae:
        raise ValueError(f"unknown autoencoder settings {', '.join(sorted(set(autoencoder) - known_ae))}")
    return TrainConfig(autoencoder=AutoencoderConfig(**autoencoder), **values)


@dataclass(frozen=True)
class RunFile:
    data: dict | None  # load_dataset(**data); None: the data cannot be reloaded (an upload)
    config: TrainConfig
    data_fingerprint: str | None = None
    branch_from: dict | None = None  # {"run_id": ..., "seq": ...} for a branched run


def run_config_json(run: RunFile) -> str:
    """The file that reproduces a run."""
    train = {name: value for name, value in config_to_dict(run.config).items() if name not in MACHINE_FIELDS}
    document = {"format": FORMAT, "version": VERSION, "data": run.data, "data_fingerprint": run.data_fingerprint,
                "train": train}
    if run.branch_from:
        document["branch_from"] = run.branch_from
    return json.dumps(document, indent=2)


def read_run_config(text: str) -> RunFile:
    """The run a file describes; ValueError (one line) if it is not a run file or cannot be reproduced."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"the run file is not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a deepclust run file (expected \"format\": \"{FORMAT}\")")
    if document.get("version", 0) > VERSION:
        raise ValueError(f"the run file is version {document['version']}; this deepclust reads up to {VERSION}")
    if not document.get("data"):
        raise ValueError("the run trained on data that cannot be reloaded (an upload); train on the file with --file")
    return RunFile(dict(document["data"]), config_from_dict(document["train"]), document.get("data_fingerprint"),
                   document.get("branch_from"))
