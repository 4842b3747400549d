"""Live view performance budget (issues 4, 8, 15 and 25): eleven measurements, one Markdown table each.

    .venv/bin/python -m bench.live_view                       # the full budget (an hour or more)
    .venv/bin/python -m bench.live_view --quick               # tiny settings: checks the script works
    .venv/bin/python -m bench.live_view --only page,first-frame

Measurements (names for --only): page (1. page usable), first-frame (2. first frame after
Start with a cached autoencoder), umap (3. UMAP frame time), slowdown (4. training slowdown
with the page open), memory (5. memory on a long, large run), redraw (6. epoch end to redrawn
page, timed in the browser), scale (7. all 70,000 Fashion-MNIST images trained from the page
with the quick look, Pause, and Explore on all rows), live-frames (8. clustering epochs drawn with their own UMAP frame
while the run trains, and the last frame's delay), first-umap (9. first UMAP frame after a
server's first and second start), pause (10. Pause and Resume clicked while a run
trains, click to page), first-run (11. a machine's first run, by `make app` and by `streamlit run
app.py`, on an empty cache folder and again: clustering epochs drawn with their own UMAP frame). Each table gives the measured numbers, and the target and
PASS/FAIL where there is one. Tables go to stdout as each measurement ends (and to --out);
progress goes to stderr. Needs Debian's Chromium at /usr/bin/chromium for 1, 2, 4, 6 to 11, and
Debian's dataset-fashion-mnist for 5 and 7.
Caches and the run store ($DEEPCLUST_HOME) live in a temporary folder, removed at the end.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench.live_view.budget import failed_table
from bench.live_view.first_run import first_run
from bench.live_view.frames import first_umap_frame, live_frames
from bench.live_view.memory import long_run_memory
from bench.live_view.page import first_frame, page_usable
from bench.live_view.pause import pause_latency
from bench.live_view.redraw import redraw_latency
from bench.live_view.scale import full_size_run
from bench.live_view.slowdown import slowdown
from bench.live_view.umap_time import umap_frames
from bench.machine import describe_machine, machine_line
from bench.settings import choice_list
from browser_harness import chromium

MEASUREMENTS = ("page", "first-frame", "umap", "live-frames", "first-umap", "pause", "slowdown", "redraw", "scale",
                "memory", "first-run")
BROWSER = {"page", "first-frame", "live-frames", "first-umap", "pause", "slowdown", "redraw", "scale", "first-run"}
TITLES = {"page": "1. Page usable", "first-frame": "2. First frame after Start", "umap": "3. UMAP frame time",
          "slowdown": "4. Training slowdown with the page open", "memory": "5. Memory on a long, large run",
          "redraw": "6. Epoch end to redrawn page", "scale": "7. All of Fashion-MNIST in the app",
          "live-frames": "8. Live UMAP frames", "first-umap": "9. First UMAP frame after a server start",
          "pause": "10. Pause and Resume", "first-run": "11. A machine's first run"}
# Full settings, then what --quick shrinks them to (the whole script in about a minute on a quiet machine).
FULL = dict(page_repeats=3, frame_repeats=3, frame_pretrain=20, frame_cluster=20, umap_sizes=[1000, 2000, 5000, 20000],
            umap_repeats=5, slow_pretrain=40, slow_cluster=40, redraw_pretrain=40, redraw_cluster=20, scale_quick_minutes=12.0,
            scale_cluster_minutes=45.0, scale_cluster_pretrain=1, scale_pauses=2, memory_subsample=None, rss_interval=2.0, settle=90.0, live_pretrain=20,
            live_cluster=20, pause_pretrain=200, pause_repeats=3)
QUICK = dict(page_repeats=1, frame_repeats=1, frame_pretrain=2, frame_cluster=2, umap_sizes=[500, 1000],
             umap_repeats=1, slow_pretrain=2, slow_cluster=2, redraw_pretrain=3, redraw_cluster=2, scale_quick_minutes=1.5,
             scale_cluster_minutes=4.0, scale_cluster_pretrain=1, scale_pauses=1, memory_subsample=5000, rss_interval=0.5, settle=0.0, live_pretrain=2,
             live_cluster=3, pause_pretrain=30, pause_repeats=1)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.live_view", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny settings everywhere, to check the script works")
    parser.add_argument("--only", type=choice_list("--only", MEASUREMENTS), default=list(MEASUREMENTS),
                        help=f"comma list of measurements to run: {', '.join(MEASUREMENTS)}")
    parser.add_argument("--long-epochs", type=int, help="epochs of the memory run (default 300; 20 with --quick)")
    parser.add_argument("--scale-minutes", type=float, nargs=2, metavar=("QUICK", "CLUSTER"),
                        help="measurement 7: minutes for the quick look and for the clustering run before Stop "
                             "(0 leaves the quick look out); default 12 45")
    parser.add_argument("--out", help="also write every table to this Markdown file")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary caches (printed on stderr)")
    return parser


def settings_from(args) -> dict:
    settings = dict(QUICK if args.quick else FULL)
    settings["long_epochs"] = args.long_epochs or (20 if args.quick else 300)
    if args.scale_minutes:
        settings["scale_quick_minutes"], settings["scale_cluster_minutes"] = args.scale_minutes
    if settings["long_epochs"] < 2:
        raise SystemExit("error: --long-epochs must be at least 2")
    return settings


def measure(name: str, settings: dict, machine: str, browser, workdir: Path) -> str:
    """One measurement's table (Markdown)."""
    s = settings
    if name == "page":
        return page_usable(browser, machine, s["page_repeats"], workdir)
    if name == "first-frame":
        return first_frame(browser, machine, s["frame_repeats"], s["frame_pretrain"], s["frame_cluster"], workdir,
                           s["settle"])
    if name == "umap":
        return umap_frames(machine, s["umap_sizes"], s["umap_repeats"])
    if name == "live-frames":
        return live_frames(browser, machine, s["live_pretrain"], s["live_cluster"], workdir, s["settle"])
    if name == "first-umap":
        return first_umap_frame(browser, machine, s["live_pretrain"], s["live_cluster"], workdir)
    if name == "first-run":
        return first_run(browser, machine, s["live_pretrain"], s["live_cluster"], workdir)
    if name == "pause":
        return pause_latency(browser, machine, s["pause_pretrain"], s["pause_repeats"], workdir, s["settle"])
    if name == "slowdown":
        return slowdown(browser, machine, s["slow_pretrain"], s["slow_cluster"], workdir, s["settle"])
    if name == "redraw":
        return redraw_latency(browser, machine, s["redraw_pretrain"], s["redraw_cluster"], workdir, s["settle"])
    if name == "scale":
        return full_size_run(browser, machine, s["scale_quick_minutes"], s["scale_cluster_minutes"],
                             s["scale_cluster_pretrain"], s["scale_pauses"], workdir, s["settle"], s["rss_interval"])
    return long_run_memory(machine, s["long_epochs"], s["memory_subsample"], s["rss_interval"], workdir)


def header(argv: list[str], machine: str, quick: bool) -> str:
    lines = ["## Live view: performance budget", "",
             f"- Command: `python -m bench.live_view {shlex.join(argv)}`",
             f"- Machine: {machine}",
             f"- Started: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}"]
    if quick:
        lines.append("- --quick: tiny settings, numbers meaningless; only checks that every measurement runs.")
    return "\n".join(lines) + "\n"


def run_all(args, settings: dict, machine: str, emit) -> bool:
    """Run the chosen measurements in order (memory last: its projector keeps working after it);
    a measurement that raises prints a FAIL table with the error and the others still run."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-live-view-"))
    os.environ["DEEPCLUST_HOME"] = str(workdir / "store")  # runs recorded by the app, CLI and LiveRun land here
    ok = True
    try:
        with (chromium() if BROWSER & set(args.only) else contextlib.nullcontext()) as browser:
            for name in [n for n in MEASUREMENTS if n in args.only]:
                print(f"[live_view] {TITLES[name]}: running", file=sys.stderr, flush=True)
                try:
                    emit(measure(name, settings, machine, browser, workdir))
                except Exception as error:  # noqa: BLE001 - report it, go on with the next one
                    traceback.print_exc()
                    ok = False
                    emit(failed_table(TITLES[name], machine, error))
    finally:
        if args.keep_temp:
            print(f"[live_view] temporary files kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    machine = machine_line(describe_machine())
    parts = [header(argv, machine, args.quick)]

    def emit(text: str) -> None:
        parts.append(text)
        print(text, flush=True)
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text("\n".join(parts))

    print(parts[0], flush=True)
    return 0 if run_all(args, settings, machine, emit) else 1


if __name__ == "__main__":
    sys.exit(main())
