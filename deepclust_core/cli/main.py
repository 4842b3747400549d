"""Command line: `python -m deepclust_core train --data digits --method dekm --seed 0`.

Prints one line per epoch (phase, loss terms, ACC / NMI / ARI, seconds) and a summary.
Every run is recorded in the run store (`--store DIR`, `--no-store`), under `--name` if given;
`--config FILE` trains as a run file exported from the Runs page says. Bad options, bad data
and a run store that cannot be used print one line starting with "error:" and exit with
status 2 (a store that fails while training leaves the run training unrecorded, said once).
The run-store commands are in cli/runs.py.
"""
from __future__ import annotations

import argparse
import inspect
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..catalog import CARDS
from ..data.dataset import DataError, Dataset
from ..data.loaders import BUILT_IN, load_dataset
from ..evaluation.collapse import collapse_note
from ..recipe.build import config_for
from ..recipe.drives import uses
from ..runs.branch import BranchStart, branch_start
from ..runs.recording import RecordedTraining
from ..runs.store import RunStore
from ..runs.store.unavailable import StoreUnavailable
from ..settings.options import option_specs, parse_option
from ..settings.run_file import read_run_config
from ..settings.train import PRECISIONS, TrainConfig
from ..training.loop import TrainingDiverged
from . import runs as cli_runs
from . import sweep as cli_sweep


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="deepclust", description="Watch deep clustering learn, from the terminal.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    commands.add_parser("methods", help="list the methods and their options")
    commands.add_parser("warm-up", help="compile the live view's UMAP code once for this machine (about 25 s; "
                                        "the app's first run then shows UMAP from its first clustering epoch)")
    run = commands.add_parser("train", help="train one model and print a line per epoch",
                              formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    data = run.add_argument_group("data")
    data.add_argument("--data", default="digits", choices=BUILT_IN, help="a built-in data set")
    data.add_argument("--file", help="your own .csv, .npy, .npz or .zip of images (overrides --data)")
    data.add_argument("--label-column", help="CSV column (name or 0-based index) holding labels, if any")
    data.add_argument("--id-column", help="CSV column (name or index) of row IDs: kept for exports, not clustered")
    data.add_argument("--drop-columns", default="", metavar="A,B", help="CSV columns to leave out, comma separated")
    data.add_argument("--drop-missing", action="store_true",
                      help="drop rows with a missing value (empty, NA, NaN) instead of refusing the file")
    data.add_argument("--data-dir", help="folder with the four IDX files for fashion-mnist / mnist-idx")
    data.add_argument("--subsample", type=int, help="train on this many random rows (drawn with --data-seed)")
    data.add_argument("--data-seed", type=int, default=0, help="seed of the subsample and of synthetic sets")
    data.add_argument("--n-samples", type=int, default=1000, help="rows of a synthetic set")
    data.add_argument("--noise", type=float, default=0.05, help="noise of a synthetic set")
    model = run.add_argument_group("model")
    model.add_argument("--method", default="dekm", choices=list(CARDS), help="clustering method")
    model.add_argument("--k", type=int, help="number of clusters K (default: the number of classes)")
    model.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                       help="a method option (see `python -m deepclust_core methods`); repeatable")
    suggested = "default: the method's suggested value (see `methods`)"
    model.add_argument("--autoencoder", choices=("mlp", "conv", "depict"), help=f"autoencoder kind; {suggested}")
    model.add_argument("--hidden", help=f"MLP hidden widths, comma separated; {suggested}, else 500,500,2000")
    model.add_argument("--embedding-dim", type=int, help=f"size of the embedding; {suggested}, else 10")
    training = run.add_argument_group("training")
    training.add_argument("--pretrain-epochs", type=int, help=f"autoencoder pretraining epochs; {suggested}")
    training.add_argument("--cluster-epochs", type=int, help=f"clustering epochs (upper bound); {suggested}")
    training.add_argument("--batch-size", type=int, help=f"minibatch size; {suggested}")
    training.add_argument("--lr", type=float, help="the step size of each phase's Adam; a phase on SGD has its own "
                          f"(DEC: --option sgd_lr), and the run says so when nothing reads --lr; {suggested}")
    training.add_argument("--quick", action="store_true", help="start from the method's quick look (its paper's "
                          "recipe with fewer epochs: a minute or two on digits, AE-CM's 3 to 8 minutes; see `methods`), "
                          "not the paper's")
    training.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    training.add_argument("--device", default="auto", help="auto, cpu or cuda[:n]")
    training.add_argument("--precision", choices=PRECISIONS, help="the autoencoder's arithmetic (default float32); "
                          "bfloat16: mixed precision where the CPU or GPU has it, faster epochs (docs/benchmarks.md)")
    training.add_argument("--cache-dir", help="where pretrained autoencoders are kept")
    training.add_argument("--no-cache", action="store_true", help="always pretrain, never read or write the cache")
    training.add_argument("--save-labels", metavar="PATH", help="write the final labels to this .npy file")
    training.add_argument("--config", metavar="FILE", help="train as this run file says (exported from the Runs page "
                          "or `export --format config`); it replaces the data, model and training options above")
    storage = run.add_argument_group("run store")
    storage.add_argument("--store", metavar="DIR", help="record the run in this folder "
                         "(default: $DEEPCLUST_HOME, else ~/.local/share/deepclust)")
    storage.add_argument("--no-store", action="store_true", help="do not record the run")
    storage.add_argument("--name", default="", help="a name for the run, shown by `runs`, the app and exports")
    cli_runs.add_commands(commands)
    cli_sweep.add_command(commands)
    return parser


def method_options(method: str, pairs: list[str]) -> dict:
    specs = {spec.name: spec for spec in option_specs(CARDS[method].config_class)}
    options = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or name not in specs:
            raise ValueError(f"--option {pair!r}: {method} options are {', '.join(specs)} (as NAME=VALUE)")
        options[name] = parse_option(specs[name], text)
    return options


def config_from_args(args, data: Dataset) -> TrainConfig:
    """The method's recipe for the data set, with every option given on the command line on top."""
    k = args.k if args.k is not None else data.n_classes
    if k is None:
        raise ValueError("the data has no labels: give the number of clusters with --k")
    hidden = None if args.hidden is None else tuple(int(w) for w in args.hidden.split(",") if w.strip())
    return config_for(
        args.method, k, data=data, preset_name="quick" if args.quick else "paper",
        options=method_options(args.method, args.option),
        autoencoder=dict(kind=args.autoencoder, hidden=hidden, embedding_dim=args.embedding_dim),
        pretrain_epochs=args.pretrain_epochs, cluster_epochs=args.cluster_epochs, batch_size=args.batch_size,
        lr=args.lr, seed=args.seed, device=args.device, cache_dir=args.cache_dir, use_cache=not args.no_cache,
        precision=args.precision,
    )


def format_line(snapshot) -> str:
    losses = " ".join(f"{name}={value:.4g}" for name, value in snapshot.losses.items())
    metrics = " ".join(f"{name.upper()}={value:.4f}" for name, value in snapshot.metrics.items())
    cached = " (cached)" if snapshot.scalars.get("cached") else ""
    return f"{snapshot.phase:>8} {snapshot.epoch:>4}/{snapshot.epochs_in_phase:<4} {losses} {metrics} changed={snapshot.changed:.3%} {snapshot.seconds:.2f}s{cached}"


def print_methods() -> None:
    for name, card in CARDS.items():
        print(f"{name}: {card.title}")
        print(f"  recipe: {card.source}")
        print("  suggested: " + (", ".join(f"{k}={v}" for k, v in card.suggested.items()) or "TrainConfig defaults"))
        if card.for_data is not None:
            print(f"  for the data set (--data / --file): {first_sentence(inspect.getdoc(card.for_data))}")
        print("  quick look (--quick): " + ", ".join(f"{k}={v}" for k, v in card.quick_look.items()))
        for spec in option_specs(card.config_class):
            print(f"  --option {spec.name}={spec.default}  ({spec.type.__name__}) {spec.help}")


def first_sentence(text: str) -> str:
    return " ".join(text.split()).split(". ")[0].rstrip(".") + "."


def from_options(args) -> tuple[Dataset, TrainConfig, BranchStart | None]:
    dropped = [column.strip() for column in args.drop_columns.split(",") if column.strip()]
    data = load_dataset("file" if args.file else args.data, path=args.file or args.data_dir, subsample=args.subsample,
                        seed=args.data_seed, n_samples=args.n_samples, noise=args.noise, label_column=args.label_column,
                        id_column=args.id_column, drop_columns=dropped, drop_missing=args.drop_missing)
    config = config_from_args(args, data)
    for line in unread_choices(args, config, data):
        print(line)
    return data, config, None


def unread_choices(args, config: TrainConfig, data: Dataset) -> list[str]:
    """A line for each setting given on the command line that this run's recipe reads nowhere (recipe.drives)."""
    said = uses(config, image=data.is_image)
    given = {f"--{name.replace('_', '-')}": name for name in ("lr", "cluster_epochs", "hidden", "batch_size")
             if getattr(args, name) is not None}
    given.update({f"--option {pair.partition('=')[0]}": pair.partition("=")[0] for pair in args.option})
    return [f"note: {flag} is not used by this run. {said[name].says.removeprefix('Not used: ')}"
            for flag, name in given.items() if name in said and not said[name].read]


def from_run_file(args) -> tuple[Dataset, TrainConfig, BranchStart | None]:
    """The data and settings of a run file; a branched run starts from its parent's weights in the store."""
    try:
        run = read_run_config(Path(args.config).read_text())
    except OSError as error:
        raise ValueError(f"{args.config}: {error.strerror}") from None
    data = load_dataset(**run.data)
    if run.data_fingerprint and data.fingerprint() != run.data_fingerprint:
        print(f"note: {data.name} is not exactly the data the run was recorded on")
    config = replace(run.config, cache_dir=args.cache_dir)
    if not run.branch_from:
        return data, config, None
    store = RunStore(args.store)
    try:
        return data, config, branch_start(store, run.branch_from["run_id"], run.branch_from["seq"], data, config)
    except KeyError:
        raise ValueError(f"the run branches from run {run.branch_from['run_id']} snapshot {run.branch_from['seq']}, "
                         f"whose weights are not in {store.folder}") from None


def run_training(args) -> int:
    data, config, start = from_run_file(args) if args.config else from_options(args)
    print(f"{data.name}: {data.n_samples} rows x {data.n_features} features ({data.preprocessing()}), "
          f"K={config.n_clusters}, method={config.method}")
    store = None if args.no_store else RunStore(args.store)
    training = RecordedTraining(data, config, store, origin="cli", branch_from=start, name=args.name)
    if store is not None:
        print(f"recording as run {training.run_id} in {store.folder}")
    last, problem = None, None
    try:
        for last in training.snapshots():
            print(format_line(last), flush=True)
            if training.recording.problem != problem:
                problem = training.recording.problem
                print(f"note: not recording from here on, training goes on: {problem}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: stopping after the last finished epoch")
    except TrainingDiverged as error:
        print(f"diverged: {error}")
        return 1
    if last is None:
        return 1
    summary = " ".join(f"{k.upper()}={v:.4f}" for k, v in last.metrics.items()) or "no labels to score against"
    reference = " ".join(f"{k.upper()}={v:.4f}" for k, v in last.reference_metrics.items())
    print(f"final: {summary}; AE + k-means: {reference or 'n/a'}; {last.elapsed:.1f}s on {last.device}"
          f"{'; converged' if last.converged else ''}")
    note = collapse_note(last.cluster_sizes) if last.phase == "cluster" else None
    if note:
        print(f"warning: {note}")
    if args.save_labels:
        np.save(args.save_labels, last.labels, allow_pickle=False)
    return 0


def warm_up() -> int:
    """Start the projection process once, so numba compiles UMAP into the user's cache folder now."""
    import time

    from ..projection import umap as projection

    began = time.perf_counter()
    fresh = not projection.has_compiled_code()
    print(f"{'Compiling' if fresh else 'Loading'} UMAP's code for the live view in {projection.compiled_code_folder()}"
          f"{' (once per machine, about 25 s)' if fresh else ''} ...", flush=True)
    projection.warm_up()
    print(f"UMAP is ready: {time.perf_counter() - began:.1f} s.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "methods":
        print_methods()
        return 0
    if args.command == "warm-up":
        return warm_up()
    try:
        if args.command == "sweep":
            return cli_sweep.run_sweep(args)
        return run_training(args) if args.command == "train" else cli_runs.run_command(args)
    except StoreUnavailable as error:
        hint = " (or train without recording: --no-store)" if args.command == "train" else ""
        print(f"error: {error}{hint}", file=sys.stderr)
        return 2
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
