"""Quality benchmark: every (data, method, seed) trained to the end, one Markdown table per data set.

    .venv/bin/python -m bench.quality --methods dekm,ae-kmeans --data digits,fashion-mnist:10000
    python bench/quality.py --data blobs --seeds 0 --pretrain-epochs 2 --cluster-epochs 2 --hidden 16,16

Each method runs with its reference's recipe for the data set (deepclust_core.settings.build) merged
over TrainConfig's defaults, unless --pretrain-epochs / --cluster-epochs / --batch-size / --lr /
--hidden / --embedding-dim say otherwise; 5 seeds unless --seeds says otherwise. Each row has
both starting points and the gain over each (bench/runs.py). A progress line per run goes to
stderr; the tables go to stdout, and to --out; --json keeps every run's raw numbers.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/quality.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import SUBSAMPLE_SEED, load_spec, parse_data_spec  # noqa: E402
from bench.machine import describe_machine, machine_line  # noqa: E402
from bench.runs import RunResult, progress_line, run_once  # noqa: E402
from bench.settings import add_override_arguments, build_config, describe, overrides_from  # noqa: E402
from bench.table import header, markdown_table  # noqa: E402
from deepclust_core import METHODS  # noqa: E402
from deepclust_core.data.dataset import DataError  # noqa: E402


def comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in comma_list(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None


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
    add_override_arguments(parser, int_list)
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda[:n]")
    parser.add_argument("--cache-dir", help="pretrained autoencoder cache (default $DEEPCLUST_CACHE or ~/.cache/deepclust)")
    parser.add_argument("--no-cache", action="store_true", help="always pretrain, never read or write the cache")
    parser.add_argument("--out", help="also write the Markdown table (with its header) to this file")
    parser.add_argument("--json", help="write every run's raw results to this JSON file")
    return parser


def plan_runs(args) -> list[tuple]:
    """Every (data set, config, spec text, settings text), validated before anything trains."""
    if not (args.methods and args.data and args.seeds):
        raise ValueError("--methods, --data and --seeds each need at least one value")
    unknown = [name for name in args.methods if name not in METHODS]
    if unknown:
        raise ValueError(f"unknown method {', '.join(unknown)} in --methods; registered: {', '.join(METHODS)}")
    overrides, plan = overrides_from(args), []
    for spec in [parse_data_spec(text) for text in args.data]:
        data = load_spec(spec, args.data_dir)
        print(f"{spec.text}: {data.n_samples} rows x {data.n_features} features, K={data.n_classes}", file=sys.stderr)
        for method in args.methods:
            config = build_config(method, data.n_classes, args.seeds[0], overrides, data=data, cache_dir=args.cache_dir,
                                  device=args.device, use_cache=not args.no_cache)
            plan += [(data, replace(config, seed=seed), spec.text, describe(config)) for seed in args.seeds]
    return plan


def run_all(plan: list[tuple], save=lambda results: None) -> list[RunResult]:
    """Run the plan in order, a progress line per run and `save` after each; Ctrl-C keeps finished runs."""
    results, started = [], time.perf_counter()
    for index, (data, config, spec, settings) in enumerate(plan, start=1):
        print(f"[{index}/{len(plan)}] {spec} {config.method} seed {config.seed}: running ({settings})",
              file=sys.stderr, flush=True)
        try:
            results.append(run_once(data, config, spec, settings))
        except KeyboardInterrupt:
            print("interrupted: the table covers the finished runs only", file=sys.stderr)
            break
        print(progress_line(index, len(plan), results[-1], time.perf_counter() - started), file=sys.stderr, flush=True)
        save(results)
    return results


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
        plan = plan_runs(args)
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    machine = describe_machine(args.device)
    results = run_all(plan, lambda done: save_files(args, argv, done, machine, started, len(plan)))
    print(save_files(args, argv, results, machine, started, len(plan)))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
