"""The input plane's cost per frame (issue 25 item 2): for each method, one epoch end's grid (encoder, the
method's own rule, decoded centres) on moons, at 150 x 150 and 200 x 200, median of repeated frames.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.input_plane [--repeats 20] [--sizes 150,200]

Each method is trained for 1 pretraining and 1 clustering epoch on 1,000 moons points (its paper's network for
tables), then its plane is timed as the snapshot builder makes it (training/input_plane.py).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from bench.machine import describe_machine, machine_line
from deepclust_core import load_dataset
from deepclust_core.methods import METHODS, make_method
from deepclust_core.methods.assigners import METHOD_STATE
from deepclust_core.recipe.build import config_for
from deepclust_core.training.input_plane import input_plane, plane_axes
from deepclust_core.training.loop import new_autoencoder, train


def frame_ms(data, method_name: str, sizes: list[int], repeats: int, hidden: tuple[int, ...] | None) -> list[float]:
    autoencoder = {} if hidden is None else {"autoencoder": {"hidden": hidden, "embedding_dim": 4}}
    config = config_for(method_name, 2, data=data, pretrain_epochs=1, cluster_epochs=1, use_cache=False,
                        display_size=200, device="cpu", **autoencoder)
    method = make_method(method_name, 2, config.seed, config.method_options)
    autoencoder = new_autoencoder(data, config)
    for _ in train(data, config, method=method, autoencoder=autoencoder):
        pass
    mapping = np.arange(2)
    centroids = method.centroids()
    out = []
    for size in sizes:
        axes = plane_axes(data.X, size)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            input_plane(autoencoder, axes, lambda H: mapping[method.predict(H)], centroids)
            times.append(time.perf_counter() - start)
        out.append(1000 * float(np.median(times)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--sizes", default="150,200")
    parser.add_argument("--hidden", default="", help="hidden widths, e.g. 64,64,128 (the shipped examples' network "
                        "for 2-D data, embedding 4); default: each method's recipe")
    parser.add_argument("--methods", default=",".join(m for m in METHODS if METHOD_STATE[m].stored))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    hidden = tuple(int(w) for w in args.hidden.split(",")) if args.hidden else None
    data = load_dataset("moons", n_samples=1000, noise=0.05)
    header = ["method", "network"] + [f"{s} x {s} (ms, median)" for s in sizes]
    print(machine_line(describe_machine("cpu")))
    for line in (header, ["---"] * len(header)):
        print("| " + " | ".join(line) + " |")
    for name in args.methods.split(","):
        config = config_for(name, 2, data=data)
        widths = hidden or config.autoencoder.hidden
        network = "-".join(str(w) for w in (2, *widths, 4 if hidden else config.autoencoder.embedding_dim))
        times = frame_ms(data, name, sizes, args.repeats, hidden)
        print("| " + " | ".join([name, network] + [f"{ms:.1f}" for ms in times]) + " |", flush=True)


if __name__ == "__main__":
    main()
