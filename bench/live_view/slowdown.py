"""Live-view budget, measurement 4: how much slower the same run trains in the app, with a
browser watching every epoch, than from the command line."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.live_view.budget import BudgetTable, seconds, verdict
from bench.live_view.procs import cpu_seconds, descendants, tree_cpu_seconds
from bench.live_view.ready_to_start import run_ready_to_start
from browser_harness import ROOT, parse_finished, start_button, wait_for_end
from deepclust_core.training.cores import threads_beside_the_page

SLOWDOWN_TARGET = 15.0  # percent
FINAL = re.compile(r"^final: .*; ([\d.]+)s on (\S+?)(;|$)", re.MULTILINE)
EPOCH_LINE = re.compile(r"^\s*(pretrain|cluster)\s+(\d+)/\d+", re.MULTILINE)


def cli_run(pretrain: int, cluster: int, timeout: float, threads: int | None = None) -> dict:
    """`python -m deepclust_core train --data digits --method dekm ... --no-cache`: the "final:" line's
    seconds (the run's own clock, imports excluded), device, and the last epoch printed.
    `threads`: PyTorch's thread count (OMP_NUM_THREADS); None: its default, one per core."""
    command = [sys.executable, "-m", "deepclust_core", "train", "--data", "digits", "--method", "dekm", "--seed", "0",
               "--pretrain-epochs", str(pretrain), "--cluster-epochs", str(cluster), "--no-cache"]
    env = os.environ if threads is None else {**os.environ, "OMP_NUM_THREADS": str(threads)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    final = FINAL.search(done.stdout)
    if done.returncode != 0 or final is None:
        raise RuntimeError(f"the CLI run failed (status {done.returncode}): {(done.stderr or done.stdout)[-300:]}")
    phase, epoch = EPOCH_LINE.findall(done.stdout)[-1]
    return {"seconds": float(final.group(1)), "device": final.group(2), "phase": phase, "epoch": int(epoch),
            "command": "python -m deepclust_core " + " ".join(command[3:])}


def app_run(browser, pretrain: int, cluster: int, workdir: Path, settle: float, timeout: float) -> dict:
    """The same run started from the page (fresh server and empty cache, so pretraining runs),
    the page open and following live until the end; seconds from the "Finished: ... s in all" message."""
    with run_ready_to_start(browser, workdir, pretrain, cluster, settle) as (server, page, waited):
        cpu_before, began = cpu_split(server.process.pid), time.perf_counter()
        start_button(page).click()
        message = wait_for_end(page, timeout)
        cpu = {name: used - cpu_before[name] for name, used in cpu_split(server.process.pid).items()}
        wall = time.perf_counter() - began
    finished = parse_finished(message)
    if finished is None:
        raise RuntimeError(f"the app run did not finish: {message!r}")
    return finished | {"settled": waited, "cpu": cpu, "wall": wall}


def torch_threads() -> int:
    """PyTorch's default thread count in a fresh process here (what the CLI run uses)."""
    import torch

    return torch.get_num_threads()


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server (training, page redraws, and its UMAP process) and of the
    browser (everything else below this process: Chromium and Playwright's driver)."""
    server_tree = {server_pid, *descendants(server_pid)}
    browser = [pid for pid in descendants(os.getpid()) if pid not in server_tree]
    return {"server": tree_cpu_seconds(server_pid), "browser": cpu_seconds(browser)}


def slowdown(browser, machine: str, pretrain: int, cluster: int, workdir: Path, settle: float,
             timeout: float = 1800.0) -> str:
    """Measurement 4: the CLI run, then the app run; both times and the slowdown in percent.

    On a machine of few cores the app trains with fewer threads than the CLI's default
    (`threads_beside_the_page`); a second CLI run with the app's thread count then splits the
    slowdown into what the thread count costs and what the page and browser cost on top."""
    cli = cli_run(pretrain, cluster, timeout)
    app_threads = threads_beside_the_page()
    same = cli_run(pretrain, cluster, timeout, app_threads) if app_threads != torch_threads() else None
    app = app_run(browser, pretrain, cluster, workdir, settle, timeout)

    def per_epoch(run: dict) -> float:
        return run["seconds"] / (run["epoch"] + (pretrain if run["phase"] == "cluster" else 0))

    # per epoch: a different thread count changes the floats, and where DEKM's stopping rule fires
    percent = 100.0 * (per_epoch(app) / per_epoch(cli) - 1.0)
    table = BudgetTable(
        "4. Training slowdown with the page open",
        f"digits, DEKM, {pretrain} pretraining + at most {cluster} clustering epochs, no cached autoencoder; the run's "
        "own clock (first snapshot recorder start to last epoch) from the CLI's `final:` line and from the app's "
        "`Finished: ... s in all` message, the app watched live in headless Chromium.",
        machine, ["Where", "Last epoch", "Seconds", "Seconds per epoch", "Slowdown per epoch", "Target", "Result"])
    table.add(f"CLI (`--no-cache`), {torch_threads()} threads", f"{cli['phase']} {cli['epoch']}",
              seconds(cli["seconds"], 1), seconds(per_epoch(cli), 3), "", "", "")
    if same is not None:
        cost = 100.0 * (per_epoch(same) / per_epoch(cli) - 1.0)
        table.add(f"CLI, {app_threads} thread(s) as in the app", f"{same['phase']} {same['epoch']}",
                  seconds(same["seconds"], 1), seconds(per_epoch(same), 3), f"{cost:+.1f} %", "", "")
    table.add(f"app, page open (fresh cache), {app_threads} thread(s)", f"{app['phase']} {app['epoch']}",
              seconds(app["seconds"], 1), seconds(per_epoch(app), 3), f"{percent:+.1f} %", f"≤ {SLOWDOWN_TARGET:g} %",
              verdict(percent, SLOWDOWN_TARGET))
    if same is not None:
        table.notes.append(f"Against the CLI run with the app's {app_threads} thread(s), the app is "
                           f"{100.0 * (per_epoch(app) / per_epoch(same) - 1.0):+.1f} % per epoch: the cost of the "
                           "page, its redraws, UMAP and the browser on top of the thread count.")
    table.notes.append(f"CLI: `{cli['command']}` on {cli['device']}; app on {app['device']}. Before Start the server "
                       f"was left {app['settled']:.0f} s to go quiet (UMAP compiles once per server).")
    table.notes.append(f"CPU during the app run ({app['wall']:.0f} s from Start to the closing message, "
                       f"{os.cpu_count() or 1} cores): server with its UMAP process {app['cpu']['server']:.0f} CPU-s, "
                       f"browser {app['cpu']['browser']:.0f} CPU-s.")
    if (cli["phase"], cli["epoch"]) != (app["phase"], app["epoch"]):
        table.notes.append("The two runs ended at different epochs (DEKM's stopping rule), so the slowdown compares "
                           "seconds per epoch.")
    return table.markdown()
