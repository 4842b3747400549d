"""The input plane's cost per frame (issue 25 item 2): for each method, one epoch end's grid (encoder, the
method's own rule, decoded centres) on moons, at 150 x 150 and 200 x 200, median of repeated frames; with the
points the frame classified and, for a refined grid, the share of grid points whose cluster differs from the
full grid's (every point through the network).

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.input_plane [--repeats 20] [--sizes 150,200] [--hidden 64,64,128]

Each method is trained for 1 pretraining and 1 clustering epoch on 1,000 moons points (its paper's network for
tables unless --hidden), then its plane is timed as the snapshot builder makes it (training/input_plane.py), on
one torch thread as a run watched by a page trains on 2 cores (training/cores.py).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from bench.machine import describe_machine, machine_line
from deepclust_core import load_dataset
from deepclust_core.methods import METHODS, make_method
from deepclust_core.methods.assigners import METHOD_STATE
from deepclust_core.recipe.build import config_for
from deepclust_core.training.input_plane import input_plane, plane_axes, plane_step
from deepclust_core.training.loop import new_autoencoder, train


def trained(data, method_name: str, hidden: tuple[int, ...] | None):
    autoencoder = {} if hidden is None else {"autoencoder": {"hidden": hidden, "embedding_dim": 4}}
    config = config_for(method_name, 2, data=data, pretrain_epochs=1, cluster_epochs=1, use_cache=False,
                        display_size=200, device="cpu", **autoencoder)
    method = make_method(method_name, 2, config.seed, config.method_options)
    autoencoder = new_autoencoder(data, config)
    for _ in train(data, config, method=method, autoencoder=autoencoder):
        pass
    return autoencoder, method


def frame(data, autoencoder, method, size: int, repeats: int) -> tuple[int | None, float, float, int, float]:
    """(the lattice step, median ms of wall time, median ms of this process's CPU time, points classified, share
    differing from the full grid) of one size. On one torch thread the CPU time is what the frame costs a free core:
    on a loaded machine the wall time is that divided by the share of a core the process gets."""
    step = plane_step(autoencoder, size)
    if step is None:
        return None, float("nan"), float("nan"), 0, float("nan")
    axes, mapping, centroids, classified = plane_axes(data.X, size), np.arange(2), method.centroids(), []

    def rule(H):
        classified.append(len(H))
        return mapping[method.predict(H)]

    times, cpu_times = [], []
    for _ in range(repeats):
        classified.clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        plane = input_plane(autoencoder, axes, rule, centroids, step)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    points = sum(classified)
    full = plane if step == 1 else input_plane(autoencoder, axes, rule, centroids, 1)
    return (step, 1000 * float(np.median(times)), 1000 * float(np.median(cpu_times)), points,
            float((plane.clusters != full.clusters).mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--sizes", default="150,200")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: as a watched run on 2 cores)")
    parser.add_argument("--hidden", default="", help="hidden widths, e.g. 64,64,128 (the shipped examples' network "
                        "for 2-D data, embedding 4); default: each method's recipe")
    parser.add_argument("--methods", default=",".join(m for m in METHODS if METHOD_STATE[m].stored))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    hidden = tuple(int(w) for w in args.hidden.split(",")) if args.hidden else None
    data = load_dataset("moons", n_samples=1000, noise=0.05)
    header = ["method", "network", "grid", "lattice step", "points classified", "ms (median)", "CPU ms (median)",
              "differs from full"]
    print(machine_line(describe_machine("cpu")))
    for line in (header, ["---"] * len(header)):
        print("| " + " | ".join(line) + " |")
    for name in args.methods.split(","):
        autoencoder, method = trained(data, name, hidden)
        layers = [layer for layer in autoencoder.encoder.modules() if isinstance(layer, torch.nn.Linear)]
        network = "-".join(str(w) for w in [layer.in_features for layer in layers] + [layers[-1].out_features])
        for size in sizes:
            step, ms, cpu_ms, points, differs = frame(data, autoencoder, method, size, args.repeats)
            cells = [name, network, f"{size} x {size}", "no plane" if step is None else str(step), str(points),
                     f"{ms:.1f}", f"{cpu_ms:.1f}", f"{100 * differs:.2f} %"]
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
