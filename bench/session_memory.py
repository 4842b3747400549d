"""A long session stays the same size (issue 24): runs one after another in one browser tab, then the tab closed.

    nice -n 5 .venv/bin/python -m bench.session_memory                  # 20 runs of 10 + 10 epochs
    nice -n 5 .venv/bin/python -m bench.session_memory --runs 3 --pretrain 2 --cluster 2   # checks the script

A fresh server (`python -m ui.launch`, as `make app` starts it) with an empty pretraining cache and run store in a
temporary folder; headless Chromium opens the Train page once, types the epochs and presses Start for each run on
digits with DEKM (every other setting at its default), waiting for the run to be recorded as ended and for the
server to go quiet (the projector fills the frames the run skipped) before reading the resident memory (VmRSS) of
the server and of its UMAP projection process. Then the tab is closed and the memory read again once Streamlit's
reconnect window has passed and the app has released the closed session's runs (ui/session_sweep.py).
Prints a Markdown table (and writes it to --out).
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench.live_view.budget import BudgetTable, verdict
from bench.live_view.procs import descendants, rss_bytes, wait_until_quiet
from bench.machine import describe_machine, machine_line
from browser_harness import ENDED, VIEWPORT, chromium, open_app, serving, set_epochs, start_button
from deepclust_core.runs.store import RunStore

MB = 1024 ** 2
GROWTH_TARGET_MB = 5.0  # per run, after the first
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
RUN_TIMEOUT = 900.0  # seconds for one run on a loaded machine


def tree_rss(server_pid: int) -> tuple[int, int]:
    """VmRSS of the server and of everything it started (the UMAP projection process), bytes."""
    return rss_bytes(server_pid), sum(rss_bytes(pid) for pid in descendants(server_pid))


def wait_for_run(store: RunStore, count: int, timeout: float = RUN_TIMEOUT) -> str:
    """Block until the store holds `count` runs and the newest has ended; its status."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        runs = store.runs()
        if len(runs) >= count and not runs[0].active:
            return runs[0].status
        time.sleep(1.0)
    raise TimeoutError(f"run {count} did not end within {timeout:.0f} s")


def press_start(page, store: RunStore, count: int, timeout: float = 300.0) -> None:
    """Press Start until the store holds `count` runs. A click on a page still drawn for the previous run asks
    whether to stop it (answered yes), or only reruns the page: then Start is pressed again."""
    confirm = page.get_by_role("button", name="Stop it and start the new run")
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if confirm.is_visible():
            confirm.click()
        elif start_button(page).is_enabled():
            start_button(page).click()
        for _ in range(30):  # up to 15 s for the click's rerun to create the run
            if len(store.runs()) >= count:
                return
            page.wait_for_timeout(500)
    shot = ARTIFACTS / f"session-memory-run-{count}-not-started.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    raise TimeoutError(f"run {count} did not start within {timeout:.0f} s (the page: {shot})")


def mb(value: float) -> str:
    return f"{value / MB:,.0f}"


def session_memory(runs: int, pretrain: int, cluster: int, release_wait: float, workdir: Path) -> str:
    machine = machine_line(describe_machine("cpu"))
    home, cache = workdir / "home", workdir / "cache"
    store = RunStore(home)
    table = BudgetTable(
        "A long session: memory after each run in one tab, then with the tab closed",
        f"VmRSS of the server and of its UMAP projection process after each of {runs} runs on digits with DEKM "
        f"({pretrain} pretraining + {cluster} clustering epochs typed into the Train page, every other setting at "
        "its default, the pretrained autoencoder cached after the first run), started with Start in one headless "
        "Chromium tab, each read once the run was recorded as ended and the server had gone quiet.",
        machine, ["After", "Status", "Seconds", "Server MB", "Projection MB", "Both MB", "Change MB"])
    load_before = os.getloadavg()
    with serving(cache, DEEPCLUST_HOME=str(home)) as server, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        open_app(page, server.url)
        wait_until_quiet(server.process.pid, timeout=120)
        set_epochs(page, pretrain, cluster)
        wait_until_quiet(server.process.pid, timeout=60)
        totals, servers = [], []

        def read(label: str, status: str = "", took: float | None = None) -> None:
            server_rss, children = tree_rss(server.process.pid)
            change = "" if not totals else f"{(server_rss + children - totals[-1]) / MB:+.1f}"
            totals.append(server_rss + children)
            servers.append(server_rss)
            table.add(label, status, "" if took is None else f"{took:.0f}", mb(server_rss), mb(children),
                      mb(server_rss + children), change)
            print(f"{label}: server {mb(server_rss)} MB, projection {mb(children)} MB", file=sys.stderr, flush=True)

        read("page open, before any run")
        done = 0
        for index in range(1, runs + 1):
            began = time.perf_counter()
            try:
                press_start(page, store, index)
                status = wait_for_run(store, index)
                page.get_by_text(ENDED).first.wait_for(timeout=RUN_TIMEOUT * 1000)  # the page has drawn the end
            except Exception as error:  # noqa: BLE001 - the page broke: keep what was measured, say why it stopped
                table.notes.append(f"Stopped before run {index} of {runs}: {type(error).__name__}: "
                                   f"{str(error).splitlines()[0]}")
                break
            took = time.perf_counter() - began
            wait_until_quiet(server.process.pid, timeout=120)
            read(f"run {index}", status, took)
            done = index
        page.close()
        read("tab closed")
        time.sleep(release_wait)
        wait_until_quiet(server.process.pid, timeout=60)
        read(f"tab closed + {release_wait:.0f} s")
    table.notes.append(f"Load average (1, 5, 15 min) at the start {', '.join(f'{x:.1f}' for x in load_before)}, at the "
                       f"end {', '.join(f'{x:.1f}' for x in os.getloadavg())} (a 2-core machine shared with other work).")
    if done >= 2:
        per_run = (totals[done] - totals[1]) / (done - 1)
        server_per_run = (servers[done] - servers[1]) / (done - 1)
        table.notes.append(f"Growth after the first run, server and projection process: "
                           f"{(totals[done] - totals[1]) / MB:+.1f} MB over {done - 1} runs, {per_run / MB:+.2f} MB a "
                           f"run (target at most {GROWTH_TARGET_MB:g} MB a run): {verdict(per_run / MB, GROWTH_TARGET_MB)}; "
                           f"the server alone {server_per_run / MB:+.2f} MB a run.")
    table.notes.append(f"Closing the tab: the server {mb(servers[done])} -> {mb(servers[-1])} MB, both processes "
                       f"{mb(totals[done])} -> {mb(totals[-1])} MB (with the page open before the first run: "
                       f"{mb(servers[0])} and {mb(totals[0])} MB).")
    return table.markdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.session_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pretrain", type=int, default=10, help="pretraining epochs (cached after the first run)")
    parser.add_argument("--cluster", type=int, default=10, help="clustering epochs of each run")
    parser.add_argument("--release-wait", type=float, default=170.0,
                        help="seconds after closing the tab before the last reading (Streamlit keeps a closed "
                             "tab's session 120 s for a reconnect)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deepclust-session-memory-") as workdir:
        text = session_memory(args.runs, args.pretrain, args.cluster, args.release_wait, Path(workdir))
    command = "nice -n 5 .venv/bin/python -m bench.session_memory " + shlex.join(argv if argv is not None else sys.argv[1:])
    text += f"\n- Command: `{command.strip()}`\n"
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
