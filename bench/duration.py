"""How long a run takes: the first estimate's calibration, and the estimate against real runs (issue 25).

    .venv/bin/python -m bench.duration --calibrate    # seconds per epoch of every method on digits
    .venv/bin/python -m bench.duration                # estimate vs reality for a few settings
    .venv/bin/python -m bench.duration --paper depict [--epochs 5]  # the form's estimates vs the run

--calibrate trains each method on digits with its paper network and batch size for a few epochs of
each phase (no pretraining cache) on one torch thread (the app's on 2 cores), and prints, per method,
the median epoch seconds, the rate per network unit (runs/duration.py's SECONDS_PER_UNIT: per row and
multiply-add for an MLP, per row and input value for the conv networks) and the clustering epoch as a
multiple of the pretraining epoch (CLUSTER_TO_PRETRAIN). The default run compares, for each of
SETTINGS, the first estimate, the estimate from one recorded run of the same settings, and the
time the whole run took (the run store a temporary folder). --paper prints what the form says of one
method's paper preset on digits before and after its trial (runs/probe.py), then trains the preset (no
pretraining cache) to its own end, or with --epochs only that many epochs of each phase, whose median
seconds at the epochs the estimate counts stand for the whole run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import torch

from bench.machine import describe_machine, machine_line
from deepclust_core.catalog import CARDS
from deepclust_core.data.loaders import load_dataset
from deepclust_core.recipe.build import config_for
from deepclust_core.runs.duration import (
    duration_text,
    epochs_run,
    estimate,
    network_units,
    phase_seconds,
    typical_epochs,
)
from deepclust_core.runs.probe import probe_epoch_seconds
from deepclust_core.runs.recording import RecordedTraining
from deepclust_core.runs.store import RunStore
from deepclust_core.training.cores import threads_beside_the_page

# (method, preset, pretraining epochs, clustering epochs): the quick looks a teacher starts first, shortened where long
SETTINGS = (("dekm", "quick", 20, 20), ("dec", "quick", 10, 10), ("depict", "quick", 3, 3))


def train(data, config, store: RunStore | None) -> float:
    """Train to the end; the wall seconds."""
    began = time.perf_counter()
    for _ in RecordedTraining(data, config, store, origin="python").snapshots():
        pass
    return time.perf_counter() - began


def calibrate(data, pretrain: int, cluster: int, workdir: Path) -> str:
    lines = ["| Method | Network | Batch | Pretraining s/epoch | Clustering s/epoch | s per row and unit | Clustering / pretraining |",
             "|---|---|---|---|---|---|---|"]
    for method in CARDS:
        config = config_for(method, data.n_classes or 10, data=data, pretrain_epochs=pretrain, cluster_epochs=cluster,
                            use_cache=False, cache_dir=str(workdir), pretrain_holdout=0.0, seed=0)
        store = RunStore(workdir / method)
        train(data, config, store)
        run = store.runs()[0]
        rows = store.epoch_rows(run.id)
        pre, clu = phase_seconds(rows, "pretrain"), phase_seconds(rows, "cluster")
        rate = pre / (data.n_samples * network_units(config, data.n_features)) if pre else None
        lines.append(f"| {method} | {config.autoencoder.kind} | {config.batch_size} | {pre or 0:.3f} | {clu or 0:.3f} | "
                     f"{rate or 0:.2e} | {(clu or 0) / pre if pre else 0:.2f} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def compare(data, workdir: Path) -> str:
    lines = ["| Method | Preset | Epochs | First estimate | From 1 recorded run | Real (whole run) | First / real | Recorded / real |",
             "|---|---|---|---|---|---|---|---|"]
    for method, preset_name, pretrain, cluster in SETTINGS:
        config = config_for(method, data.n_classes or 10, data=data, preset_name=preset_name, pretrain_epochs=pretrain,
                            cluster_epochs=cluster, cache_dir=str(workdir / "cache"), seed=0)
        store = RunStore(workdir / f"store-{method}")
        first = estimate(data, config, store).seconds
        train(data, replace(config, seed=1), store)  # a recorded run of the same settings (another seed)
        recorded = estimate(data, config, store)
        real = train(data, config, store)
        lines.append(f"| {method} | {preset_name} | {pretrain} + {cluster} | {duration_text(first)} ({first:.0f} s) | "
                     f"{duration_text(recorded.seconds)} ({recorded.seconds:.0f} s) | {duration_text(real)} ({real:.0f} s) | "
                     f"{first / real:.2f} | {recorded.seconds / real:.2f} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def paper_run(data, method: str, epochs: int | None, workdir: Path) -> str:
    """The form's estimates of `method`'s paper preset (calibrated, then from the trial), and the run: to its own
    end, or its first `epochs` epochs of each phase, whose median times give the whole run at the epochs the
    estimate counts (TYPICAL_EPOCHS)."""
    config = config_for(method, data.n_classes or 10, data=data, preset_name="paper", use_cache=False, seed=0)
    calibrated = estimate(data, config, None)
    began = time.perf_counter()
    probed = estimate(data, config, None, probe_epoch_seconds(data, config))
    trial_seconds = time.perf_counter() - began
    run_config = config if epochs is None else replace(config, pretrain_epochs=epochs, cluster_epochs=epochs)
    store = RunStore(workdir / "store")
    began = time.perf_counter()
    for snapshot in RecordedTraining(data, run_config, store, origin="python").snapshots():
        print(f"{time.perf_counter() - began:8.1f} s  {snapshot.phase} {snapshot.epoch}/{snapshot.epochs_in_phase}"
              f"  {snapshot.seconds:.2f} s", file=sys.stderr, flush=True)
    real = time.perf_counter() - began
    rows = store.epoch_rows(store.runs()[0].id)
    start = next((row.seconds for row in rows if row.phase == "cluster" and row.epoch == 0), 0.0)
    pretrain, cluster = phase_seconds(rows, "pretrain") or 0.0, phase_seconds(rows, "cluster") or 0.0
    trained = (epochs_run(rows, "pretrain"), epochs_run(rows, "cluster"))
    counted = typical_epochs(config)
    whole = real if epochs is None else counted[0] * pretrain + start + counted[1] * cluster
    return ("| Method | Epochs trained | s/epoch (pretraining, clustering; start) | Whole run | Form before the trial | "
            f"Form after the trial ({trial_seconds:.0f} s) | Trial / whole |\n|---|---|---|---|---|---|---|\n"
            f"| {method} | {trained[0]} + {trained[1]} | {pretrain:.2f}, {cluster:.2f}; {start:.1f} | "
            f"{duration_text(whole)} ({whole:.0f} s{'' if epochs is None else f', at {counted[0]} + {counted[1]} epochs'}) | "
            f"{calibrated.line()} | {probed.line()} | {probed.seconds / whole:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.duration", description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--pretrain", type=int, default=3, help="pretraining epochs per method (--calibrate)")
    parser.add_argument("--cluster", type=int, default=3, help="clustering epochs per method (--calibrate)")
    parser.add_argument("--paper", metavar="METHOD", help="one run of METHOD's paper preset against the form's estimates")
    parser.add_argument("--epochs", type=int, help="with --paper: train only this many epochs of each phase")
    args = parser.parse_args(argv)
    torch.set_num_threads(threads_beside_the_page())
    data = load_dataset("digits")
    machine = describe_machine()
    print(f"- Command: `python -m bench.duration {' '.join(argv or sys.argv[1:])}`\n- Machine: {machine_line(machine)}\n"
          f"- Started: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    with tempfile.TemporaryDirectory() as folder:
        if args.paper:
            table = paper_run(data, args.paper, args.epochs, Path(folder))
        else:
            table = calibrate(data, args.pretrain, args.cluster, Path(folder)) if args.calibrate else compare(data, Path(folder))
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
