"""What running runs as a sweep on Ray costs (issue 19): a local Ray's start-up time and idle memory,
and the per-trial overhead against the same runs made one after another in this process.

    .venv/bin/python -m bench.sweep_overhead --data blobs:1000 --method dekm --trials 4

Both ways record every run in a temporary run store, so the difference is Ray's: scheduling,
a worker process per trial (its imports), the data sent once, every snapshot and its float16
weights sent back (their pickled size is in the table). The serial runs use one torch thread; the
sweep runs twice: on a local Ray of one CPU (one trial at a time, one thread: the same work, so
the difference is the per-trial overhead), then on one of every core (one trial per core). Idle memory is the
proportional set size (PSS, /proc/<pid>/smaps_rollup) of every process the local Ray started
(GCS, raylet, dashboard-less agents, idle workers), read 5 s after start-up, before any trial.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

from bench.datasets import load_spec, parse_data_spec
from bench.machine import describe_machine, machine_line
from deepclust_core.runs.store.files import cpu_weights
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore
from deepclust_core.sweeps.driver import Sweep
from deepclust_core.sweeps.local_ray import connect
from deepclust_core.sweeps.spec import Setting, SweepSpec
from deepclust_core.sweeps.trial import TrialEpoch
from deepclust_core.training.loop import new_autoencoder, train

def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children...), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in lines if line.startswith("Pss:"))
    return total / 1024


def serial_seconds(spec: SweepSpec, data, threads: int) -> float:
    """The sweep's trials one after another in this process, each recorded, as `train` records a run."""
    torch.set_num_threads(threads)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(folder)
        for config in spec.configs(data):
            autoencoder = new_autoencoder(data, config)
            recording = Recording(store, data, config, origin="python", autoencoder=autoencoder)
            for _ in recorded(train(data, config, autoencoder=autoencoder), recording):
                pass
    return time.perf_counter() - started


def sweep_seconds(spec: SweepSpec, data, cpus_per_trial: float) -> tuple[float, set[str]]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        trials = Sweep(spec, data, RunStore(folder), cpus_per_trial=cpus_per_trial).run()
    if any(trial.status != "finished" and trial.status != "converged" for trial in trials):
        raise RuntimeError("a trial did not finish: " + "; ".join(t.line() for t in trials))
    return time.perf_counter() - started, {trial.node for trial in trials}


def message_kb(spec: SweepSpec, data) -> float:
    """The pickled size of one snapshot message (the last of one run), weights included."""
    from ray import cloudpickle

    config = spec.configs(data)[0]
    autoencoder = new_autoencoder(data, config)
    *_, last = train(data, config, autoencoder=autoencoder)
    return len(cloudpickle.dumps(TrialEpoch(last, cpu_weights(autoencoder.state_dict(), "float16")))) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep_overhead", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="blobs:1000", help="a data spec (bench/datasets.py)")
    parser.add_argument("--method", default="dekm")
    parser.add_argument("--trials", type=int, default=4, help="seeds 0..trials-1 of one setting")
    parser.add_argument("--pretrain-epochs", type=int, default=5)
    parser.add_argument("--cluster-epochs", type=int, default=5)
    parser.add_argument("--hidden", default="64,64", help="MLP hidden widths")
    args = parser.parse_args(argv)
    data = load_spec(parse_data_spec(args.data), None)
    common = {"pretrain_epochs": args.pretrain_epochs, "cluster_epochs": args.cluster_epochs,
              "hidden": tuple(int(w) for w in args.hidden.split(","))}
    spec = SweepSpec(data={"name": data.name}, settings=(Setting(args.method),), seeds=tuple(range(args.trials)),
                     common=common, use_cache=False)
    cores = os.cpu_count() or 1

    started = time.perf_counter()
    connect(num_cpus=1)  # one trial at a time on one thread: the same work as the serial runs, through Ray
    startup = time.perf_counter() - started
    time.sleep(5)
    idle = pss_mb(descendants(os.getpid()))
    snapshot = message_kb(spec, data)  # one run in this process: also its warm-up (imports, first k-means)
    serial = serial_seconds(spec, data, 1)
    one_at_a_time, _ = sweep_seconds(spec, data, 1)
    __import__("ray").shutdown()
    connect()  # every core: one trial per core
    side_by_side, nodes = sweep_seconds(spec, data, 1)
    n = args.trials

    print(f"- Machine: {machine_line(describe_machine('cpu'))}")
    print(f"- {n} runs of {args.method} on {args.data}, {args.pretrain_epochs}+{args.cluster_epochs} epochs, "
          f"MLP {args.hidden}; Ray {__import__('ray').__version__}, local, nodes: {', '.join(sorted(nodes))}\n")
    print("| Measure | Value |\n|---|---|")
    print(f"| Local Ray start-up (`ray.init`, package shipped as py_modules) | {startup:.1f} s |")
    print(f"| Idle memory of the local Ray (PSS of its processes, no trial yet) | {idle:.0f} MB |")
    print(f"| {n} runs one after another in this process (1 thread), recorded | {serial:.1f} s "
          f"({serial / n:.2f} s per run) |")
    print(f"| The same {n} as a sweep on a 1-CPU local Ray: one trial at a time, 1 thread | {one_at_a_time:.1f} s "
          f"({(one_at_a_time - serial) / n:+.2f} s per trial) |")
    print(f"| The same {n} as a sweep on a {cores}-CPU local Ray: one trial per core | {side_by_side:.1f} s "
          f"({side_by_side / serial:.2f} x the serial time) |")
    print(f"| One snapshot message sent back (snapshot + float16 weights, pickled) | {snapshot:.0f} KB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
