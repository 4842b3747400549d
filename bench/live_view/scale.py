"""Live-view budget, measurement 7: all 70,000 Fashion-MNIST images trained from the page, then explored.

As a user would, on one fresh server and one page: Fashion-MNIST picked in the sidebar, "Rows to
train on" set to every row, DEKM (the default method) with "Quick look" pressed, Start. Stage 1, the
quick look itself: Pause clicked while it pretrains, and the run watched until it ends or, after
`quick_minutes`, Stop. Stage 2, clustering: the same settings with the pretraining epochs cut to
`cluster_pretrain` (the quick look's 50 pretraining epochs take hours on a loaded 2-core machine),
Start, Pause clicked once clustering runs, and the run watched until it ends or `cluster_minutes`
pass. Then Explore is opened for that run (this tab's run: every row's label) and each of its parts
timed (bench/live_view/explore_page.py).

The autoencoder panel's caption and the progress bar say which epochs the page drew while training and
whether each was drawn with its own UMAP frame (bench/live_view/shown_epoch.py), timed from each epoch's end as
the run store records it; Pause is timed in the page and on the training thread's CPU clock
(bench/live_view/pause.py); the server's memory (the training runs in its process) and its children's
(the UMAP process) are sampled from /proc all along.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.live_view.budget import BudgetTable, failed_table, median, seconds, verdict
from bench.live_view.explore_page import explore_all_rows
from bench.live_view.memory import PEAK_TARGET_GB, gb
from bench.live_view.pause import PAUSE_TARGET, TOGGLE_TIMER, pause_once
from bench.live_view.procs import GB, RssSampler, descendants, wait_until_quiet
from bench.live_view.redraw import percentile
from bench.live_view.shown_epoch import EPOCH_TIMER, epoch_ends, shown_epochs
from browser_harness import (
    ROOT,
    VIEWPORT,
    Server,
    open_app,
    set_number,
    start_button,
    stop_run,
    wait_for_end,
)
from deepclust_core.data.idx import FASHION_MNIST_INSTALL_HINT, idx_folder_available

FASHION_MNIST = "Fashion-MNIST (70,000 28×28 images)"  # ui/data_picker.py's label when it is installed
ROWS = 70_000
ARTIFACTS = ROOT / "test-artifacts"
LOADED = 600.0  # seconds any one page action or the server's start may take on a machine shared by many jobs


def choose_full_fashion_mnist(page) -> None:
    page.get_by_role("combobox", name="Data set").click()
    page.get_by_role("option", name=FASHION_MNIST).click()
    page.get_by_label("Rows to train on", exact=True).wait_for(timeout=300_000)  # the 70,000 images are loaded
    set_number(page, "Rows to train on", ROWS)


def choose_quick_look(page) -> str:
    """Press "Quick look" under the method; the epochs it put in the form ("50 + 40"), as its caption says."""
    page.get_by_role("button", name="Quick look", exact=True).click()
    caption = page.get_by_text(re.compile(r"Settings: quick look \(\d+ \+ \d+ epochs")).first
    caption.wait_for()
    return re.search(r"\d+ \+ \d+", caption.inner_text()).group()


def watch_stage(page, pid: int, name: str, minutes: float, pause_phases: list[str], interval: float) -> dict:
    """Start the run the form holds, Pause it once while it trains in each of `pause_phases` (pretrain, cluster),
    and watch it until it ends or `minutes` pass (then Stop); what the page drew, the pauses, the memory."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(EPOCH_TIMER)
    with RssSampler({"server": pid, "children": lambda: descendants(pid)}, interval=interval) as memory:
        began = time.perf_counter()
        deadline = began + minutes * 60
        start_button(page).click()
        marks, stopped = [], None
        try:
            page.wait_for_timeout(30_000)  # past the run's set-up: pretraining batches
            for number, phase in enumerate(pause_phases):
                if phase == "cluster":
                    page.wait_for_function("() => Object.values(window.__epochs).some((r) => r.phase === 'cluster')",
                                           timeout=max(1.0, deadline - time.perf_counter()) * 1000)
                page.wait_for_timeout(8000)  # training at its pace, the live view redrawing
                shot = ARTIFACTS / f"scale-{name}-paused-{number + 1}-{phase}.png"
                marks.append({"phase": phase, **pause_once(page, pid, on_hold=lambda: page.screenshot(path=str(shot)))})
            ending = wait_for_end(page, max(1.0, deadline - time.perf_counter()))
        except PlaywrightTimeout:  # the time is up: stop the run, keep what it did
            stopped = time.perf_counter() - began
            ending = stop_run(page)
        took = time.perf_counter() - began
        page.wait_for_timeout(1500)  # the last epoch's animation frames
        seen = shown_epochs(page)
        rows = [{**seen[e.key], "ended": e.ended} for e in epoch_ends() if e.key in seen]  # the run's order
        page.screenshot(path=str(ARTIFACTS / f"scale-{name}-end.png"))
    return {"rows": rows, "pauses": marks, "memory": memory, "ending": ending, "took": took, "stopped": stopped}


def full_size_run(browser, machine: str, quick_minutes: float, cluster_minutes: float, cluster_pretrain: int,
                  pauses: int, workdir: Path, settle: float, interval: float = 2.0) -> str:
    """Measurement 7: the quick look, a clustering run and Explore, all rows, from one page."""
    if not idx_folder_available():
        raise RuntimeError(f"Fashion-MNIST is not installed: {FASHION_MNIST_INSTALL_HINT}")
    ARTIFACTS.mkdir(exist_ok=True)
    tables = []

    def done(table: str) -> None:  # each stage's table as soon as it is measured, in case a later one fails
        tables.append(table)
        print(table, file=sys.stderr, flush=True)

    server = Server.launch(Path(tempfile.mkdtemp(prefix="cache-scale-", dir=workdir)))
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(LOADED * 1000)
    pid = server.process.pid
    try:
        server.wait_for_port(LOADED)
        open_app(page, server.url, LOADED)
        choose_full_fashion_mnist(page)
        quick_epochs = choose_quick_look(page)
        waited = wait_until_quiet(pid, timeout=settle)
        page.evaluate(TOGGLE_TIMER)
        if quick_minutes > 0:
            quick = watch_stage(page, pid, "quick-look", quick_minutes, ["pretrain"] * pauses, interval)
            done(stage_table("7a. All of Fashion-MNIST: the quick look", f"DEKM's quick look as the form shows it "
                             f"({quick_epochs} epochs)", quick_minutes, quick, machine, waited))
        set_number(page, "Pretraining epochs", cluster_pretrain)
        cluster = watch_stage(page, pid, "clustering", cluster_minutes, ["pretrain"] + ["cluster"] * pauses, interval)
        done(stage_table("7b. All of Fashion-MNIST: clustering", f"the quick look with {cluster_pretrain} "
                         f"pretraining epoch(s) typed in ({cluster_pretrain} + {quick_epochs.split(' + ')[1]} "
                         "epochs)", cluster_minutes, cluster, machine, waited))
        with RssSampler({"server": pid, "children": lambda: descendants(pid)}, interval=interval) as memory:
            explore = explore_all_rows(page, ARTIFACTS / "scale-explore.png")
        done(explore_table(explore, memory, machine))
    except Exception as error:  # noqa: BLE001 - the stages measured so far, and the error
        traceback.print_exc()
        page.screenshot(path=str(ARTIFACTS / "scale-failed.png"))
        tables.append(failed_table("7. All of Fashion-MNIST: the stage after these", machine, error))
    finally:
        page.close()
        server.stop()
    return "\n".join(tables)


def stage_table(title: str, settings: str, minutes: float, stage: dict, machine: str, waited: float) -> str:
    table = BudgetTable(
        title, f"Fashion-MNIST, all {ROWS:,} rows, {settings}, started from the page in headless Chromium (Stop "
        f"after {minutes:g} min at most); the epochs the page drew while training (the autoencoder panel's caption), "
        "timed from their ends as the run store records them; "
        "Pause clicked while it trained: the click to the page showing Resume, and to the training thread's CPU "
        "clock standing still; resident memory of the server, which trains in a thread, and of its children.",
        machine, ["Measured", "Value", "Target", "Result"])
    rows = stage["rows"]
    for phase in ("pretrain", "cluster"):
        ours = [r for r in rows if r["phase"] == phase]
        if not ours:
            continue
        live = [r for r in ours if r["active"]]
        table.add(f"{phase} epochs drawn by the page (epochs {ours[0]['epoch']} to {ours[-1]['epoch']})", len(ours), "", "")
        table.add("of them drawn while the run was active, with their own UMAP frame then",
                  f"{len(live)}, {sum(r['framedWhileActive'] for r in ours)}", "all", "")
    in_dom = [r["inDom"] / 1000 - r["ended"] for r in rows]
    frame_wait = [r["framed"] / 1000 - r["ended"] for r in rows if r["framed"] is not None]
    table.add("epoch end -> in the DOM, median (max) s", f"{seconds(median(in_dom))} ({seconds(max(in_dom, default=None))})", "", "")
    table.add("epoch end -> shown with its own UMAP frame, median (90th percentile) s",
              f"{seconds(median(frame_wait))} ({seconds(percentile(frame_wait, 0.9) if frame_wait else None)})", "", "")
    for number, mark in enumerate(stage["pauses"], start=1):
        worst = max((v for v in (mark["shown"], mark["stopped"]) if v is not None), default=None)
        table.add(f"Pause {number}, while it trains in {mark['phase']}: click -> page shows Resume, -> training "
                  "thread still (s); its CPU after the click (s)",
                  f"{seconds(mark['shown'])}, {seconds(mark['stopped'])}; {mark['cpu_after']:.2f}",
                  f"≤ {PAUSE_TARGET:g} s", "n/a (not training)" if not mark["threads"] else
                  verdict(worst, PAUSE_TARGET) if mark["stopped"] is not None else "FAIL (never still)")
        table.add(f"Resume {number}: click -> page shows Pause (s)", seconds(mark["resumed"]), "", "")
    memory_rows(table, stage["memory"])
    table.notes.append(f"The run's closing message: {stage['ending'].strip().splitlines()[0]!r} after "
                       f"{stage['took']:.0f} s" + (f" (Stop pressed at {stage['stopped']:.0f} s: the time was up)."
                                                   if stage["stopped"] is not None else "."))
    table.notes.append(f"Before the first Start the server was left {waited:.0f} s to go quiet; memory sampled "
                       f"every {stage['memory'].interval:g} s ({len(stage['memory'].samples)} samples).")
    return table.markdown()


def memory_rows(table: BudgetTable, memory: RssSampler) -> None:
    peak = max(s.rss["server"] for s in memory.samples)
    both = max(sum(s.rss.values()) for s in memory.samples)
    table.add("server memory: at the start, at the end, peak (GB)",
              f"{gb(memory.samples[0].rss['server'])}, {gb(memory.samples[-1].rss['server'])}, {gb(peak)}",
              f"< {PEAK_TARGET_GB:g} GB", verdict(peak / GB, PEAK_TARGET_GB))
    table.add("server and children together, peak (GB)", gb(both), f"< {PEAK_TARGET_GB:g} GB",
              verdict(both / GB, PEAK_TARGET_GB))


def explore_table(times: dict, memory: RssSampler, machine: str) -> str:
    table = BudgetTable(
        "7c. All of Fashion-MNIST: Explore", "after the clustering run, Explore clicked in the menu (this tab's run, "
        "its newest epoch): seconds from the click to each part drawn in the page, the whole page's script done, "
        "then cluster 3 picked for its members; the server's memory meanwhile.",
        machine, ["Measured", "Value", "Target", "Result"])
    for part, value in times.items():
        if part != "confusion title":
            table.add(f"{part} (s)", seconds(value) if value is not None else "not drawn", "drawn",
                      "PASS" if value is not None else "FAIL")
    memory_rows(table, memory)
    table.notes.append(f"The confusion matrix's title: {times['confusion title']!r}. Screenshot: "
                       "test-artifacts/scale-explore.png.")
    return table.markdown()
