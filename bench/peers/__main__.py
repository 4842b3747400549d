"""Quality and speed against a peer library: deepclust vs ClustPy (DEC, IDEC, DKM; DCN), one Markdown table.

    .venv/bin/python -m bench.peers --data digits --seeds 0,1,2 --methods dec,idec,dkm,dcn \
        --out runs/peers-digits.md --json runs/peers-digits.json
    .venv/bin/python -m bench.peers --merge runs/a.json,runs/b.json --out runs/peers.md   # one table from saved runs

Runs in the project's venv. Our side trains with `deepclust_core.train` (bench.settings' configs: each
method's reference settings, then --pretrain-epochs / --cluster-epochs / --batch-size / --lr /
--hidden / --embedding-dim for every method). ClustPy's side runs bench/peers/clustpy_run.py in a
subprocess of the peer venv (.venv-peers, `make .venv-peers/.installed`: ClustPy 0.0.3 with the same
torch 2.13.0 CPU build as ours, never in the project's requirements) on the same rows, handed over in
an .npz that holds X only, with the same autoencoder, epochs, batch size, learning rates, k-means
restarts and torch thread count. Both sides' predicted labels are scored here with
deepclust_core.evaluation.metrics. Rows: one per (data, library, method), mean ± std over seeds. Methods:
dec, idec, dkm on both sides; dcn on ClustPy's only; any other registered method of ours (dekm, aecm,
kmeans-friendly, depict, ae-kmeans) as deepclust-only rows. A run that fails is a FAILED line with its
reason, never the end of the table.

Pretrained autoencoders are shared, the same way on both sides, by the runs of one seed with the same
pretraining recipe (DEC and IDEC; DKM and DCN): ours through deepclust's pretraining cache (a private
temporary folder unless --cache-dir), ClustPy's through a weights file loaded with its own
`neural_network_weights`. Total s adds the pretraining time of the autoencoder a run used (measured
once, by the run that trained it) to the run's clustering phase, so every row carries its full cost.

The peer venv (Makefile rule `.venv-peers/.installed`, from bench/peers/requirements.txt): ClustPy 0.0.3
(PyPI sdist; it compiles one C extension) with every dependency it declares, because `import
clustpy.deep` really imports them all (torchvision in deep/_data_utils.py, pandas and matplotlib through
clustpy.utils), so `--no-deps` would only break the import. torch is pinned to the project's 2.13.0,
the local CPU build here (left unpinned, pip would take PyPI's newest torch and its CUDA wheels), which
also makes the speed comparison one of code, not of torch builds; torchvision 0.28.0 is the release that
pins torch 2.13.0. PyPI's torchvision is a CUDA build whose compiled ops cannot load next to the CPU
torch; bench/peers/clustpy_run.py skips only their registration (nothing here uses them).

This file is the command line and the order of the runs; bench/peers/runs.py runs one side (ours, or
ClustPy's subprocess with our settings), bench/peers/table.py holds the results, the table and the
--json file. --flush-denormal and bench/peers/epoch_profile.py check where an epoch's time goes on each side.
--precision float32,bfloat16 runs ours in each precision (a row each, beside ClustPy's float32 row); the
GFLOP/s columns (bench/peers/flops.py) set each epoch against a plain matrix product measured before
and after the runs, and the lines under the table give ClustPy's seconds per epoch over ours.
"""
from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from bench.datasets import load_spec, parse_data_spec
from bench.machine import describe_machine
from bench.peers.clustpy_run import warm_up
from bench.peers.flops import epoch_gflop, matmul_gflops
from bench.peers.runs import (
    PEER_ONLY,
    PEER_PYTHON,
    SHARED,
    check_methods,
    libraries_of,
    our_config,
    run_ours,
    run_peer,
)
from bench.peers.table import OURS, PeerResult, load_runs, report, runs_json
from bench.quality import write
from bench.settings import add_override_arguments, comma_list, describe, int_list
from deepclust_core import METHODS
from deepclust_core.data.dataset import DataError
from deepclust_core.networks.precision import has_fast_bfloat16


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--methods", type=comma_list, default="dec,idec,dkm,dcn",
                        help=f"shared: {', '.join(SHARED)}; ClustPy only: {', '.join(PEER_ONLY)}; "
                             f"deepclust only: any other of {', '.join(METHODS)}")
    parser.add_argument("--data", type=comma_list, default="digits",
                        help="comma list of data specs: digits, fashion-mnist:10000 (seeded subsample), fashion-mnist")
    parser.add_argument("--data-dir", help="folder with the IDX files (fashion-mnist: default Debian's package folder)")
    parser.add_argument("--seeds", type=int_list, default="0,1,2", help="model seeds, comma separated")
    add_override_arguments(parser, several_precisions=True)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch threads, both libraries")
    parser.add_argument("--device", default="cpu", help="cpu or cuda[:n], both libraries")
    parser.add_argument("--peer-python", default=str(PEER_PYTHON), help="Python of the peer venv with ClustPy")
    parser.add_argument("--peer-reconstruction", choices=("sum", "mean"), default="sum",
                        help="ClustPy's reconstruction loss: sum (its default mean_squared_error, summed over features) "
                             "or mean (torch's mse_loss, as our DEC/IDEC pretraining and IDEC)")
    parser.add_argument("--flush-denormal", action="store_true",
                        help="torch.set_flush_denormal(True) in both libraries' processes (to check whether denormal "
                             "floats slow either side; see bench/peers/epoch_profile.py)")
    parser.add_argument("--peer-timeout", type=float, help="seconds before a ClustPy run is stopped and marked FAILED")
    parser.add_argument("--cache-dir", help="our pretrained-autoencoder cache (default: a private temporary folder, "
                                            "so that every autoencoder is trained and timed in this benchmark)")
    parser.add_argument("--out", help="also write the Markdown table (with its header) to this file")
    parser.add_argument("--json", help="write every run's raw results to this JSON file (after every run)")
    parser.add_argument("--merge", type=comma_list, help="no training: one table from these --json files")
    parser.add_argument("--note", action="append", default=[], help="a line for the table's header (repeatable), "
                                                                     "e.g. where and how the merged runs ran")
    return parser


def plan_runs(args, workdir: Path, cache_dir: str) -> list[tuple]:
    """(data, npz, library, method, config, spec, settings) for every run, validated before anything trains."""
    check_methods(args.methods)
    if not (args.data and args.seeds):
        raise ValueError("--data and --seeds each need at least one value")
    plan = []
    for spec in [parse_data_spec(text) for text in args.data]:
        data = load_spec(spec, args.data_dir)
        print(f"{spec.text}: {data.n_samples} rows x {data.n_features} features, K={data.n_classes}", file=sys.stderr)
        npz = workdir / f"{spec.text.replace(':', '-')}.npz"
        np.savez(npz, X=data.X)  # rows only: the labels stay in this process
        for method in args.methods:
            for seed in args.seeds:
                config = our_config(method, data.n_classes, seed, args, cache_dir)
                for library in libraries_of(method):
                    for precision in args.precision if library == OURS else ["float32"]:
                        run = replace(config, precision=precision)
                        plan.append((data, npz, library, method, run, spec.text, describe(run)))
    return plan


def matmul_rates() -> str:
    """The plain matrix product's rate now (the GFLOP/s columns' yardstick): in float32, and in bfloat16 where the
    processor multiplies it in hardware (emulated, eight 2048 x 2048 products took over 8 minutes on one thread)."""
    float32 = f"float32 {matmul_gflops(torch.float32):.1f}"
    if not has_fast_bfloat16(torch.device("cpu")):
        return f"{float32}, bfloat16 not in hardware here (runs asking for it run float32)"
    return f"{float32}, bfloat16 {matmul_gflops(torch.bfloat16):.1f}"


def progress_line(index: int, total: int, r: PeerResult, elapsed: float) -> str:
    """What stderr shows after each run."""
    where = f"[{index}/{total}] {r.data} {r.library} {r.method} seed {r.seed}"
    if not r.ok:
        return f"{where}: FAILED: {r.error} ({elapsed:.0f}s elapsed)"
    pretraining = "shared AE" if r.pretrain_shared else f"pretraining {r.pretrain_seconds:.1f}s"
    return (f"{where}: ACC {r.acc:.4f} NMI {r.nmi:.4f} ARI {r.ari:.4f} | {r.epochs} epochs in {r.epochs_seconds:.1f}s, "
            f"{pretraining}, run {r.wall_seconds:.1f}s | {elapsed:.0f}s elapsed")


def save_files(args, command: str, machine: dict, started: str, results: list[PeerResult], planned: int) -> str:
    """Write --out and --json (after every run, so a long benchmark cut short keeps its results)."""
    text = report(command, machine, args.seeds, started, results, planned, args.note)
    if args.out:
        write(args.out, text)
    if args.json:
        write(args.json, runs_json(command, args.note, started, machine, args.seeds, planned, results))
    return text


def merge_saved_runs(args) -> int:
    """--merge: one table from the --json files of earlier runs, nothing trained."""
    payloads = [load_runs(path) for path in args.merge]
    results = [run for _, runs in payloads for run in runs]
    first = payloads[0][0]
    command = " ; ".join(payload["command"] for payload, _ in payloads)
    args.seeds = sorted({r.seed for r in results})
    print(save_files(args, command, first["machine"], first["started"], results,
                     sum(p.get("planned", len(runs)) for p, runs in payloads)))
    return 0 if results and all(r.ok for r in results) else 1


def run_plan(plan: list[tuple], args, workdir: Path, save) -> list[PeerResult]:
    """Every planned run in order, a progress line each and `save` after each; Ctrl-C keeps the finished runs."""
    results, ae_seconds, began = [], {}, time.perf_counter()
    for index, (data, npz, library, method, config, spec, settings) in enumerate(plan, start=1):
        print(f"[{index}/{len(plan)}] {spec} {library} {method} seed {config.seed}: running", file=sys.stderr, flush=True)
        try:
            if library == OURS:
                result = run_ours(data, config, spec, settings, ae_seconds)
            else:
                result = run_peer(data, npz, method, config, spec, args, workdir, ae_seconds)
        except KeyboardInterrupt:
            print("interrupted: the table covers the finished runs only", file=sys.stderr)
            break
        except Exception as error:  # one broken run must not take the table down with it
            result = PeerResult(spec, library, method, config.seed, settings, ok=False,
                                error=f"{type(error).__name__}: {error}")
        flops = epoch_gflop(config, data.n_samples, data.n_features, data.image_shape)
        results.append(replace(result, pretrain_gflop=flops["pretrain"], epoch_gflop=flops["cluster"]))
        print(progress_line(index, len(plan), result, time.perf_counter() - began), file=sys.stderr, flush=True)
        save(results)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if args.merge:
        return merge_saved_runs(args)
    if args.threads < 1:
        print("error: --threads must be at least 1", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    if args.flush_denormal and not torch.set_flush_denormal(True):
        print("error: --flush-denormal: this CPU cannot flush denormals", file=sys.stderr)
        return 2
    warm_up(torch)  # torch's one-time costs, before any timing (clustpy_run.py does the same in its process)
    command = "python -m bench.peers " + shlex.join(argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        workdir = Path(tmp)
        try:
            plan = plan_runs(args, workdir, args.cache_dir or str(workdir / "deepclust-cache"))
        except (DataError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        machine = describe_machine(args.device)
        before = matmul_rates()
        machine["matmul"] = f"{before} GFLOP/s before the runs"
        results = run_plan(plan, args, workdir, lambda done: save_files(args, command, machine, started, done, len(plan)))
        machine["matmul"] += f"; {matmul_rates()} after them"
        print(save_files(args, command, machine, started, results, len(plan)))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
