"""The `sweep` command: many runs at once on Ray, each recorded in the run store, then a summary.

    python -m deepclust_core sweep --data digits --method dekm,idec --option stop_tolerance=0.005,0.001 --seeds 0-4
    python -m deepclust_core sweep --config sweep.json --address ray://head:10001

Every --option NAME=V1,V2 is an axis of the grid (a method's option, a training or autoencoder
field, or k); every method gets every combination of the axes it has. An --option with one value
applies to every method that has it without naming the settings. Prints a line whenever a
trial starts, makes a snapshot or ends, then the table by setting (deepclust_core.sweeps.summary).
Ctrl-C cancels what is left; those runs are recorded "stopped". Exit status 0 when every trial
finished, 1 when one failed or was stopped, 2 for bad options.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..catalog import CARDS
from ..data.loaders import BUILT_IN, load_dataset
from ..runs.store import RunStore
from ..sweeps.driver import Sweep
from ..sweeps.spec import SweepSpec, parse_seeds, spec_from_file, spec_from_values
from ..sweeps.summary import ENDED_WELL, summarize, summary_table

STORE_HELP = "record the runs in this folder (default: $DEEPCLUST_HOME, else ~/.local/share/deepclust)"


def add_command(commands) -> None:
    sweep = commands.add_parser("sweep", help="train methods x settings x seeds at once on Ray, each run recorded",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    sweep.add_argument("--config", metavar="FILE", help="a sweep file (JSON: data, methods, grid, settings, seeds, "
                       "common); it replaces the data and settings options below, --seeds still applies")
    data = sweep.add_argument_group("data")
    data.add_argument("--data", default="digits", choices=BUILT_IN, help="a built-in data set")
    data.add_argument("--file", help="your own .csv, .npy, .npz or .zip of images (overrides --data)")
    data.add_argument("--label-column", help="CSV column (name or 0-based index) holding labels, if any")
    data.add_argument("--data-dir", help="folder with the four IDX files for fashion-mnist / mnist-idx")
    data.add_argument("--subsample", type=int, help="train on this many random rows (drawn with --data-seed)")
    data.add_argument("--data-seed", type=int, default=0, help="seed of the subsample and of synthetic sets")
    data.add_argument("--n-samples", type=int, default=1000, help="rows of a synthetic set")
    settings = sweep.add_argument_group("settings")
    settings.add_argument("--method", default="dekm", help=f"comma list of methods ({', '.join(CARDS)})")
    settings.add_argument("--option", action="append", default=[], metavar="NAME=V1,V2",
                          help="values to sweep: a method option, a training or autoencoder field (lr, "
                               "pretrain_epochs, hidden=500-500-2000,...) or k; repeatable, one grid axis each")
    settings.add_argument("--seeds", help="seeds, e.g. 0-4 or 0,3,7 (default 0-4, or the sweep file's)")
    settings.add_argument("--quick", action="store_true", help="start from each method's quick look, not its paper")
    settings.add_argument("--device", default="auto", help="on each worker: auto (the GPU Ray gives it), cpu, cuda")
    settings.add_argument("--no-cache", action="store_true", help="always pretrain, never read or write the cache")
    ray = sweep.add_argument_group("Ray")
    ray.add_argument("--address", help="a running Ray cluster (default: $RAY_ADDRESS, else a local Ray sized to "
                     "this machine)")
    ray.add_argument("--cpus-per-trial", type=float, default=1, help="CPUs (torch threads) each trial asks for")
    ray.add_argument("--gpus-per-trial", type=float, default=0.25, help="share of a GPU each trial asks for, "
                     "when the cluster has GPUs")
    sweep.add_argument("--store", metavar="DIR", help=STORE_HELP)


def spec_from_args(args) -> SweepSpec:
    seeds = None if args.seeds is None else parse_seeds(args.seeds)
    if args.config:
        try:
            text = Path(args.config).read_text()
        except OSError as error:
            raise ValueError(f"{args.config}: {error.strerror}") from None
        return spec_from_file(text, seeds=None if seeds is None else list(seeds))
    methods = [name.strip() for name in args.method.split(",") if name.strip()]
    data = dict(name="file" if args.file else args.data, path=args.file or args.data_dir, subsample=args.subsample,
                seed=args.data_seed, n_samples=args.n_samples, label_column=args.label_column)
    return spec_from_values(data, methods, args.option, seeds or parse_seeds("0-4"),
                            preset="quick" if args.quick else "paper", device=args.device, use_cache=not args.no_cache)


def run_sweep(args) -> int:
    spec = spec_from_args(args)
    data = load_dataset(**spec.data)
    store = RunStore(args.store)
    sweep = Sweep(spec, data, store, address=args.address, cpus_per_trial=args.cpus_per_trial,
                  gpus_per_trial=args.gpus_per_trial)
    print(f"{sweep.sweep_id}: {len(spec.settings)} settings x {len(spec.seeds)} seeds = {len(sweep.trials)} trials "
          f"on {data.name} ({data.n_samples} rows), recorded in {store.folder}", flush=True)
    trials = sweep.run(on_change=lambda trial: print(trial.line(), flush=True))
    print()
    print(summary_table(summarize(store, sweep.sweep_id)))
    nodes = sorted({trial.node for trial in trials if trial.node})
    print(f"\n{sweep.sweep_id}: {sum(t.status in ENDED_WELL for t in trials)} of {len(trials)} trials ended well, "
          f"on {len(nodes)} node(s): {', '.join(nodes) or 'none'}")
    return 0 if all(trial.status in ENDED_WELL for trial in trials) else 1
