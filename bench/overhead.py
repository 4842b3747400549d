"""Speed of the training loop (issue 8): what the snapshots cost, against a bare PyTorch loop.

    .venv/bin/python -m bench.overhead --data fashion-mnist:10000 --methods dekm,dec,idec,dkm --epochs 5

Two tables. *Pretraining*: seconds per epoch of `deepclust_core.train` (snapshot included: the
embedding of every row, one k-means run, metrics, the display view) against a bare loop doing the
same training steps (same autoencoder, batches, Adam, MSE) and nothing else. Except in the first
and last epoch, the loop keeps each row's embedding from its batch's forward pass (no dropout in
the MLP) instead of embedding every row again, so the median epoch shows the steady state. *Clustering*: for
each method, its clustering epochs split into the training steps, embedding every row (which
the method and the snapshot share), the method's own epoch-end work (targets, re-initialisations),
and the snapshot the live view needs (assignment, the method's view, alignment, metrics); k-means
is also timed on its own, wherever in the epoch it runs. DEKM's `eigh` of S_w (d x d) is timed apart,
on a matrix of that size after the run (numpy itself is never wrapped).
Medians over the epochs after the first. The bare loop's epochs alternate with ours in the same
process (one bare epoch after each of our snapshots), so both see the same machine. The verdict
is on the snapshot's share of each epoch, timed inside the same run: on a shared machine the
epoch time of the same code varies by more than the overhead. Labels are used for the metrics only.
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time

import numpy as np
import torch

from bench.datasets import load_spec, parse_data_spec
from bench.machine import describe_machine, machine_line
from bench.settings import Overrides, build_config, comma_list
from deepclust_core.data.dataset import DataError
from deepclust_core.methods import make_method
from deepclust_core.methods.kmeans import kmeans
from deepclust_core.networks.pretrain import pretrain_optimizer
from deepclust_core.training import loop
from deepclust_core.training import snapshot_builder as recorder_module
from deepclust_core.training.loop import new_autoencoder, train

OVERHEAD_TARGET = 10.0  # percent of epoch time, on 10,000 points


class Timers:
    """Seconds spent in wrapped functions, per name, reset at every epoch end."""

    def __init__(self):
        self.current: dict[str, float] = {}
        self.epochs: list[dict[str, float]] = []

    def wrap(self, owner, attribute: str, name: str, stack: contextlib.ExitStack) -> None:
        original = getattr(owner, attribute)

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[name] = self.current.get(name, 0.0) + time.perf_counter() - began

        setattr(owner, attribute, timed)
        stack.callback(setattr, owner, attribute, original)

    def close_epoch(self) -> None:
        self.epochs.append(self.current)
        self.current = {}


def bare_pretraining(data, config):
    """The pretraining steps of `train` with nothing around them: a callable that runs one epoch
    and returns its seconds."""
    autoencoder = new_autoencoder(data, config)
    torch.manual_seed(config.seed)
    X = torch.tensor(data.X, device=next(autoencoder.parameters()).device)
    optimizer = pretrain_optimizer(autoencoder.parameters(), config)
    generator = torch.Generator().manual_seed(config.seed)

    def epoch() -> float:
        began = time.perf_counter()
        order = torch.randperm(len(X), generator=generator)
        for start in range(0, len(X), config.batch_size):
            x = X[order[start:start + config.batch_size].to(X.device)]
            loss = torch.nn.functional.mse_loss(autoencoder(x)[1], x)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            float(loss.detach())
        return time.perf_counter() - began

    return epoch


def timed_run(data, config, between=None) -> tuple[list, list[float], Timers, object]:
    """`train` to the end with its snapshot work, the method's epoch end and k-means timed per epoch.
    Also the seconds spent inside `train` for each snapshot, and the method; `between()` runs after each, untimed."""
    timers = Timers()
    method = make_method(config.method, config.n_clusters, config.seed, config.method_options)
    with contextlib.ExitStack() as stack:
        timers.wrap(recorder_module.SnapshotBuilder, "pretrain_snapshot", "snapshot", stack)
        timers.wrap(recorder_module.SnapshotBuilder, "cluster_snapshot", "snapshot", stack)
        for module in modules_calling(kmeans):
            timers.wrap(module, "kmeans", "kmeans", stack)
        timers.wrap(loop, "embed", "embed", stack)
        timers.wrap(type(method), "end_epoch", "method epoch end", stack)
        snapshots, seconds = [], []
        iterator = train(data, config, method=method)
        while True:
            began = time.perf_counter()
            snapshot = next(iterator, None)
            if snapshot is None:
                break
            seconds.append(time.perf_counter() - began)
            snapshots.append(snapshot)
            timers.close_epoch()
            if between is not None:
                between()
    return snapshots, seconds, timers, method


def eigh_seconds(method, repeats: int = 50) -> float:
    """One `np.linalg.eigh` of a d x d scatter matrix like DEKM's S_w (d: its number of eigenvalues), median
    over `repeats`; 0 for a method that decomposes none."""
    eigenvalues = getattr(method, "eigenvalues", None)
    if eigenvalues is None:
        return 0.0
    d = len(eigenvalues)
    scatter = np.random.default_rng(0).standard_normal((10 * d, d))
    matrix = scatter.T @ scatter
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        np.linalg.eigh(matrix)
        times.append(time.perf_counter() - began)
    return median(times)


def modules_calling(function) -> list:
    """The loaded deepclust_core modules that imported `function` by name (so wrapping there times it)."""
    return [module for name, module in list(sys.modules.items())
            if name.startswith("deepclust_core.") and getattr(module, function.__name__, None) is function]


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def pretraining_table(data, spec: str, epochs: int, seed: int) -> str:
    config = build_config("ae-kmeans", data.n_classes, seed, Overrides(pretrain_epochs=epochs), data=data, use_cache=False)
    bare_epoch, bare_times = bare_pretraining(data, config), []
    _, seconds, timers, _ = timed_run(data, config, between=lambda: bare_times.append(bare_epoch()))
    bare, ours = median(bare_times[1:epochs]), median(seconds[1:epochs])
    snapshot = median(t.get("snapshot", 0.0) + t.get("embed", 0.0) for t in timers.epochs[1:epochs])
    share = 100 * snapshot / ours
    verdict = "PASS" if share <= OVERHEAD_TARGET else "FAIL"
    return "\n".join([
        "| Data | Epochs | Bare loop s/epoch | deepclust s/epoch | deepclust vs bare "
        "| Snapshot s (embedding, k-means, metrics) | Snapshot share | Target | Result |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {spec} | {epochs} | {bare:.3f} | {ours:.3f} | {100 * (ours - bare) / bare:+.1f} % | {snapshot:.3f} "
        f"| {share:.1f} % | ≤ {OVERHEAD_TARGET:g} % | {verdict} |",
    ])


def clustering_rows(data, spec: str, methods: list[str], epochs: int, seed: int) -> list[str]:
    rows = []
    for method in methods:
        config = build_config(method, data.n_classes, seed, Overrides(pretrain_epochs=epochs, cluster_epochs=epochs),
                              data=data, use_cache=False)
        snapshots, _, timers, fitted = timed_run(data, config)
        clustering = [(s, t) for s, t in zip(snapshots, timers.epochs) if s.phase == "cluster" and s.epoch >= 2]
        if not clustering:
            rows.append(f"| {spec} | {method} | (stopped before its 2nd clustering epoch) | | | | | | | |")
            continue
        epoch = median(s.seconds for s, _ in clustering)
        parts = {name: median(t.get(name, 0.0) for _, t in clustering)
                 for name in ("snapshot", "method epoch end", "embed", "kmeans")}
        parts["eigh"] = eigh_seconds(fitted)
        steps = epoch - parts["snapshot"] - parts["method epoch end"] - parts["embed"]
        share = 100 * parts["snapshot"] / epoch
        rows.append(f"| {spec} | {method} | {len(clustering)} | {epoch:.3f} | {steps:.3f} | {parts['embed']:.3f} | {parts['method epoch end']:.3f} "
                    f"| {parts['kmeans']:.3f} | {parts['eigh'] * 1000:.2f} | {parts['snapshot']:.3f} | {share:.1f} % |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.overhead", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="fashion-mnist:10000", help="data spec, as in bench.quality")
    parser.add_argument("--methods", type=comma_list, default="dekm,dec,idec,dkm", help="methods for the clustering table")
    parser.add_argument("--epochs", type=int, default=5, help="pretraining epochs, and clustering epochs per method")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        spec = parse_data_spec(args.data)
        data = load_spec(spec, None)
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"## Training loop overhead\n\n- Command: `python -m bench.overhead {' '.join(argv or sys.argv[1:])}`\n"
          f"- Machine: {machine_line(describe_machine())}\n- {data.n_samples} rows; medians over epochs 2 to "
          f"{args.epochs}; each method's suggested settings otherwise (its pretraining cut to {args.epochs} epochs)\n")
    print("### Pretraining epochs: deepclust vs a bare PyTorch loop\n")
    print(pretraining_table(data, spec.text, args.epochs, args.seed), flush=True)
    print("\n### Clustering epochs, split (seconds per epoch; eigh in ms, one call, timed apart)\n")
    print("| Data | Method | Epochs | Epoch s | Training steps s | Embedding all rows s | Method epoch end s | k-means s (whole epoch) | eigh ms "
          "| Snapshot s | Snapshot share |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in clustering_rows(data, spec.text, args.methods, args.epochs, args.seed):
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
