"""Command line: `python -m deepclust_core train --data digits --method dekm --seed 0`.

Prints one line per epoch (phase, loss terms, ACC / NMI / ARI, seconds) and a summary.
Bad options and bad data print one line starting with "error:" and exit with status 2.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from .config import TrainConfig
from .control import TrainingControl
from .dataset import DataError
from .loaders import BUILT_IN, load_dataset
from .loop import TrainingDiverged, train
from .methods import METHODS
from .options import option_specs, parse_option
from .settings import config_for


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m deepclust_core", description="Watch deep clustering learn, from the terminal.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    commands.add_parser("methods", help="list the methods and their options")
    run = commands.add_parser("train", help="train one model and print a line per epoch",
                              formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    data = run.add_argument_group("data")
    data.add_argument("--data", default="digits", choices=BUILT_IN, help="a built-in data set")
    data.add_argument("--file", help="your own .csv, .npy or .npz file (overrides --data)")
    data.add_argument("--label-column", help="CSV column (name or 0-based index) holding labels, if any")
    data.add_argument("--data-dir", help="folder with the four IDX files for fashion-mnist / mnist-idx")
    data.add_argument("--subsample", type=int, help="train on this many random rows (drawn with --data-seed)")
    data.add_argument("--data-seed", type=int, default=0, help="seed of the subsample and of synthetic sets")
    data.add_argument("--n-samples", type=int, default=1000, help="rows of a synthetic set")
    data.add_argument("--noise", type=float, default=0.05, help="noise of a synthetic set")
    model = run.add_argument_group("model")
    model.add_argument("--method", default="dekm", choices=list(METHODS), help="clustering method")
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
    training.add_argument("--lr", type=float, help=f"Adam learning rate; {suggested}")
    training.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    training.add_argument("--device", default="auto", help="auto, cpu or cuda[:n]")
    training.add_argument("--cache-dir", help="where pretrained autoencoders are kept")
    training.add_argument("--no-cache", action="store_true", help="always pretrain, never read or write the cache")
    training.add_argument("--save-labels", metavar="PATH", help="write the final labels to this .npy file")
    return parser


def method_options(method: str, pairs: list[str]) -> dict:
    specs = {spec.name: spec for spec in option_specs(METHODS[method].config_class)}
    options = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or name not in specs:
            raise ValueError(f"--option {pair!r}: {method} options are {', '.join(specs)} (as NAME=VALUE)")
        options[name] = parse_option(specs[name], text)
    return options


def config_from_args(args, n_classes: int | None) -> TrainConfig:
    """The method's suggested settings, with every option given on the command line on top."""
    k = args.k if args.k is not None else n_classes
    if k is None:
        raise ValueError("the data has no labels: give the number of clusters with --k")
    hidden = None if args.hidden is None else tuple(int(w) for w in args.hidden.split(",") if w.strip())
    return config_for(
        args.method, k, options=method_options(args.method, args.option),
        train=dict(pretrain_epochs=args.pretrain_epochs, cluster_epochs=args.cluster_epochs,
                   batch_size=args.batch_size, lr=args.lr),
        autoencoder=dict(kind=args.autoencoder, hidden=hidden, embedding_dim=args.embedding_dim),
        seed=args.seed, device=args.device, cache_dir=args.cache_dir, use_cache=not args.no_cache,
    )


def format_line(snapshot) -> str:
    losses = " ".join(f"{name}={value:.4g}" for name, value in snapshot.losses.items())
    metrics = " ".join(f"{name.upper()}={value:.4f}" for name, value in snapshot.metrics.items())
    cached = " (cached)" if snapshot.scalars.get("cached") else ""
    return f"{snapshot.phase:>8} {snapshot.epoch:>4}/{snapshot.epochs_in_phase:<4} {losses} {metrics} changed={snapshot.changed:.3%} {snapshot.seconds:.2f}s{cached}"


def print_methods() -> None:
    for name, cls in METHODS.items():
        print(f"{name}: {cls.title}")
        print("  suggested: " + (", ".join(f"{k}={v}" for k, v in cls.suggested.items()) or "TrainConfig defaults"))
        for spec in option_specs(cls.config_class):
            print(f"  --option {spec.name}={spec.default}  ({spec.type.__name__}) {spec.help}")


def run_training(args) -> int:
    data = load_dataset("file" if args.file else args.data, path=args.file or args.data_dir, subsample=args.subsample,
                        seed=args.data_seed, n_samples=args.n_samples, noise=args.noise, label_column=args.label_column)
    config = config_from_args(args, data.n_classes)
    print(f"{data.name}: {data.n_samples} rows x {data.n_features} features, K={config.n_clusters}, method={config.method}")
    last, control = None, TrainingControl()
    try:
        for last in train(data, config, control):
            print(format_line(last), flush=True)
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
    if args.save_labels:
        np.save(args.save_labels, last.labels, allow_pickle=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "methods":
        print_methods()
        return 0
    try:
        return run_training(args)
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
