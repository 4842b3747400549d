"""Quality benchmark: every (data, method, seed) trained to the end, one Markdown table per data set.

    .venv/bin/python -m bench.quality --methods dekm,ae-kmeans --data digits,fashion-mnist:10000
    python -m bench.quality --data blobs --seeds 0 --pretrain-epochs 2 --cluster-epochs 2 --hidden 16,16

Each method runs with its reference's recipe for the data set (deepclust_core.recipe.build) merged
over TrainConfig's defaults, unless --pretrain-epochs / --cluster-epochs / --batch-size / --lr /
--hidden / --embedding-dim say otherwise; 5 seeds unless --seeds says otherwise. The runs are the
trials of one sweep per data set (deepclust_core.sweeps: Ray, local unless RAY_ADDRESS is set),
one at a time unless --cpus-per-trial asks for fewer than every core. Each row has
both starting points and the gain over each (bench/runs.py). A progress line per run goes to
stderr, and while a run trains, its newest epoch every EPOCH_LINE_EVERY_S (a Fashion-MNIST run of
an hour is never silent); the tables go to stdout, and to --out; --json keeps every run's raw numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from bench.datasets import SUBSAMPLE_SEED, load_spec, parse_data_spec
from bench.machine import describe_machine, machine_line
from bench.runs import RunResult, progress_line, result_of
from bench.settings import (
    add_override_arguments,
    comma_list,
    describe,
    int_list,
    overrides_from,
)
from bench.table import header, markdown_table
from deepclust_core import METHODS
from deepclust_core.data.dataset import DataError, Dataset
from deepclust_core.recipe.build import config_for
from deepclust_core.runs.store import RunStore
from deepclust_core.sweeps.driver import Sweep
from deepclust_core.sweeps.spec import Setting, SweepSpec

EPOCH_LINE_EVERY_S = 30.0  # while a run trains, a line with its newest epoch at most this often


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--methods", type=comma_list, default="dekm,ae-kmeans",
                        help=f"comma list of registered methods (now: {', '.join(METHODS)})")
    parser.add_argument("--data", type=comma_list, default="digits",
                        help="comma list of data specs: name or name:n (n-row subsample drawn with seed "
                             f"{SUBSAMPLE_SEED}; for synthetic sets, n generated rows), e.g. digits,fashion-mnist:10000,blobs")
    parser.add_argument("--data-dir", help="folder with the IDX files (fashion-mnist: default Debian's package folder)")
    parser.add_argument("--seeds", type=int_list, default="0,1,2,3,4", help="model seeds, comma separated")
    add_override_arguments(parser)
    parser.add_argument("--pretraining-of", metavar="METHOD",
                        help="every method pretrains as METHOD's recipe does on the data (its autoencoder and "
                             "pretraining settings), so that they share one autoencoder a seed: with ae-kmeans, "
                             "DEC-keras' for DEC, IDEC and N2D")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda[:n]")
    parser.add_argument("--cache-dir", help="pretrained autoencoder cache (default $DEEPCLUST_CACHE or ~/.cache/deepclust)")
    parser.add_argument("--no-cache", action="store_true", help="always pretrain, never read or write the cache")
    parser.add_argument("--out", help="also write the Markdown table (with its header) to this file")
    parser.add_argument("--json", help="write every run's raw results to this JSON file")
    parser.add_argument("--cpus-per-trial", type=float, default=os.cpu_count() or 1,
                        help="CPUs (torch threads) each run asks Ray for: all of them runs one at a time, as the "
                             "timings assume; fewer runs several side by side")
    parser.add_argument("--store", help="record the runs in this run store (default: a temporary one)")
    return parser


def plan_sweeps(args) -> list[tuple[str, Dataset, SweepSpec]]:
    """One sweep per data set (every method × every seed), validated before anything trains."""
    if not (args.methods and args.data and args.seeds):
        raise ValueError("--methods, --data and --seeds each need at least one value")
    unknown = [name for name in args.methods if name not in METHODS]
    if unknown:
        raise ValueError(f"unknown method {', '.join(unknown)} in --methods; registered: {', '.join(METHODS)}")
    common = {name: value for name, value in asdict(overrides_from(args)).items() if value is not None}
    plan = []
    for spec in [parse_data_spec(text) for text in args.data]:
        data = load_spec(spec, args.data_dir)
        print(f"{spec.text}: {data.n_samples} rows x {data.n_features} features, K={data.n_classes}", file=sys.stderr)
        shared = pretraining_settings(args.pretraining_of, data) if args.pretraining_of else {}
        sweep = SweepSpec(data=data.source or {"name": data.name},
                          settings=tuple(Setting(m, shared) for m in args.methods),
                          seeds=tuple(args.seeds), common=common, device=args.device, cache_dir=args.cache_dir,
                          use_cache=not args.no_cache)
        sweep.configs(data)
        plan.append((spec.text, data, sweep))
    return plan


def pretraining_settings(method: str, data: Dataset) -> dict:
    """`method`'s recipe for `data`, only what pretraining reads: its autoencoder and the pretrain_* fields."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method} in --pretraining-of; registered: {', '.join(METHODS)}")
    config = config_for(method, data.n_classes or 2, data=data)
    return {**asdict(config.autoencoder), "batch_size": config.batch_size,
            **{name: value for name, value in asdict(config).items() if name.startswith("pretrain_")}}


def run_all(args, plan: list[tuple[str, Dataset, SweepSpec]], save=lambda results: None) -> list[RunResult]:
    """Each data set's sweep on Ray, a progress line per run and `save` after each; Ctrl-C keeps finished runs.
    The runs are recorded in --store, else in a temporary store removed at the end."""
    total, done, started = sum(len(sweep.trials()) for _, _, sweep in plan), {}, time.perf_counter()
    shown_at: dict[int, float] = {}  # when each run's last line was printed
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as temporary:
        store = RunStore(args.store or temporary)
        for spec_text, data, spec in plan:
            sweep, offset = Sweep(spec, data, store, cpus_per_trial=args.cpus_per_trial), len(done)

            def on_change(trial, sweep=sweep, offset=offset, spec_text=spec_text, data=data) -> None:
                index, settings = offset + sweep.trials.index(trial) + 1, describe(trial.config)
                where = f"[{index}/{total}] {spec_text} {trial.config.method} seed {trial.seed}"
                now = time.perf_counter()
                if trial.status == "running" and not trial.step:
                    print(f"{where}: running ({settings})", file=sys.stderr, flush=True)
                    shown_at[index] = now
                elif trial.status == "running" and now - shown_at.get(index, 0.0) >= EPOCH_LINE_EVERY_S:
                    acc = f", ACC {trial.metrics['acc']:.4f}" if "acc" in trial.metrics else ""
                    print(f"{where}: {trial.step}{acc} ({now - started:.0f}s elapsed)", file=sys.stderr, flush=True)
                    shown_at[index] = now
                elif trial.done and trial.status != "stopped":
                    done[index] = result_of(trial, store, data, spec_text, settings)
                    print(progress_line(index, total, done[index], time.perf_counter() - started), file=sys.stderr,
                          flush=True)
                    save([done[i] for i in sorted(done)])

            sweep.run(on_change)
            if sweep.stopping:
                print("interrupted: the table covers the finished runs only", file=sys.stderr)
                break
    return [done[i] for i in sorted(done)]


def report(args, argv: list[str], results: list[RunResult], machine: dict, started: str, planned: int) -> str:
    command = "python -m bench.quality " + shlex.join(argv)
    text = header(command.strip(), machine_line(machine), args.seeds, started)
    if len(results) < planned:
        text += f"\n- Incomplete: {len(results)} of {planned} runs finished."
    return text + "\n\n" + markdown_table(results) + "\n"


def save_files(args, argv: list[str], results: list[RunResult], machine: dict, started: str, planned: int) -> str:
    """Write --out and --json (after every run, so a long benchmark cut short keeps its results)."""
    text = report(args, argv, results, machine, started, planned)
    if args.out:
        write(args.out, text)
    if args.json:
        payload = {"command": argv, "started": started, "machine": machine, "subsample_seed": SUBSAMPLE_SEED,
                   "runs": [asdict(r) | {"delta_acc": r.delta_acc, "delta_start_acc": r.delta_start_acc} for r in results]}
        write(args.json, json.dumps(payload, indent=2) + "\n")
    return text


def write(path: str, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        plan = plan_sweeps(args)
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    machine, planned = describe_machine(args.device), sum(len(sweep.trials()) for _, _, sweep in plan)
    results = run_all(args, plan, lambda done: save_files(args, argv, done, machine, started, planned))
    print(save_files(args, argv, results, machine, started, planned))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
