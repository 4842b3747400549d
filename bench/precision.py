"""bfloat16 against float32, paired by seed: the same runs in both precisions (TrainConfig.precision), one
process, the two precisions of a seed back to back so that the machine's load hits both alike.

    .venv/bin/python -m bench.precision --methods dec,idec,dekm --data digits --seeds 0,1,2,3,4 \\
        --pretrain-epochs 30 --cluster-epochs 30 --out runs/precision-digits.md

Each run is bench.quality's (the method's recipe for the data, then the overrides; pretrained autoencoders
shared through a private cache, one per recipe, seed and precision), trained to the end with
`deepclust_core.train` and scored on its last epoch. Without Ray, unlike bench.quality: on a heavily
loaded machine Ray's start times out. The table gives each method's ACC in both precisions, their paired
difference and the seconds each took; whether bfloat16 can be the default is decided on it
(docs/benchmarks.md: within 0.01 ACC of float32 on digits for DEC, IDEC and DEKM).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace

import numpy as np
import torch

from bench.datasets import load_spec, parse_data_spec
from bench.quality import write
from bench.settings import (
    add_override_arguments,
    build_config,
    comma_list,
    int_list,
    overrides_from,
)
from bench.table import mean_std
from deepclust_core import train
from deepclust_core.evaluation.metrics import clustering_scores
from deepclust_core.settings.train import PRECISIONS


def run_once(data, config) -> tuple[float, float]:
    """ACC of the last epoch and the run's seconds."""
    started = time.perf_counter()
    last = None
    for last in train(data, config):
        pass
    return clustering_scores(data.y, last.labels)["acc"], time.perf_counter() - started


def table(rows: dict[str, dict[str, list[tuple[int, float, float]]]]) -> str:
    lines = ["| Method | Seeds | ACC float32 | ACC bfloat16 | Δ ACC (bfloat16 − float32, paired) | s float32 | s bfloat16 |",
             "|---|---|---|---|---|---|---|"]
    for method, by_precision in rows.items():
        paired = min(len(by_precision[p]) for p in PRECISIONS)
        if not paired:
            continue
        acc = {p: [acc for _, acc, _ in by_precision[p][:paired]] for p in PRECISIONS}
        seconds = {p: np.mean([s for _, _, s in by_precision[p][:paired]]) for p in PRECISIONS}
        seeds = ", ".join(str(seed) for seed, _, _ in by_precision["float32"][:paired])
        lines.append(f"| {method} | {seeds} | {mean_std(acc['float32'])} | {mean_std(acc['bfloat16'])} | "
                     f"{mean_std(list(np.subtract(acc['bfloat16'], acc['float32'])), signed=True)} | "
                     f"{seconds['float32']:.0f} | {seconds['bfloat16']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.precision", description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", type=comma_list, default="dec,idec,dekm")
    parser.add_argument("--data", default="digits", help="one data spec (bench.quality's)")
    parser.add_argument("--seeds", type=int_list, default="0,1,2,3,4")
    add_override_arguments(parser)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", help="also write the table to this file (after every seed)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load_spec(parse_data_spec(args.data))
    overrides = overrides_from(args)
    rows = {method: {p: [] for p in PRECISIONS} for method in args.methods}
    with tempfile.TemporaryDirectory(prefix="bench-precision-") as cache:
        for seed in args.seeds:
            for method in args.methods:
                for precision in PRECISIONS:
                    config = build_config(method, data.n_classes, seed, replace(overrides, precision=precision),
                                          data=data, cache_dir=cache, device="cpu")
                    acc, seconds = run_once(data, config)
                    rows[method][precision].append((seed, acc, seconds))
                    print(f"{method} seed {seed} {precision}: ACC {acc:.4f} in {seconds:.0f}s", file=sys.stderr, flush=True)
            text = f"`python -m bench.precision {' '.join(argv if argv is not None else sys.argv[1:])}`\n\n{table(rows)}\n"
            if args.out:
                write(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
