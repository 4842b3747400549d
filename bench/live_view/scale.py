"""Live-view budget, measurement 7: all 70,000 Fashion-MNIST images trained from the page.

As a user would: Fashion-MNIST picked in the sidebar, "Rows to train on" set to every row,
DEKM with its defaults except the epochs, Start, and the page watched until the run ends (or,
after `minutes`, Stop). The live view's hidden epoch marker (bench/live_view/redraw.py) says which
epochs the page drew while training, how soon, and whether each was drawn with its own UMAP
frame; the server's memory (the training runs in its process) and its children's (the UMAP
process) are sampled from /proc all along.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from browser_harness import (VIEWPORT, open_app, parse_finished, serving, set_epochs, set_number, start_button, stop_run,
                           wait_for_end)
from bench.live_view.budget import BudgetTable, median, seconds, verdict
from bench.live_view.memory import PEAK_TARGET_GB, gb
from bench.live_view.redraw import REDRAW_TIMER, percentile
from bench.live_view.procs import GB, RssSampler, descendants, wait_until_quiet
from deepclust_core.data.idx import FASHION_MNIST_INSTALL_HINT, idx_folder_available

FASHION_MNIST = "Fashion-MNIST (70,000 28×28 images)"  # ui/data_picker.py's label when it is installed
ROWS = 70_000


def choose_full_fashion_mnist(page) -> None:
    page.get_by_role("combobox", name="Data set").click()
    page.get_by_role("option", name=FASHION_MNIST).click()
    page.get_by_label("Rows to train on", exact=True).wait_for(timeout=120_000)  # the 70,000 images are loaded
    set_number(page, "Rows to train on", ROWS)


def full_size_run(browser, machine: str, pretrain: int, cluster: int, minutes: float, workdir: Path,
                  settle: float, interval: float = 2.0) -> str:
    """Measurement 7: one run on every Fashion-MNIST row, started and watched from the page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if not idx_folder_available():
        raise RuntimeError(f"Fashion-MNIST is not installed: {FASHION_MNIST_INSTALL_HINT}")
    with serving(Path(tempfile.mkdtemp(prefix="cache-scale-", dir=workdir))) as server:
        pid = server.process.pid
        page = browser.new_page(viewport=VIEWPORT)
        try:
            open_app(page, server.url)
            choose_full_fashion_mnist(page)
            waited = wait_until_quiet(pid, timeout=settle)
            set_epochs(page, pretrain, cluster)
            page.evaluate(REDRAW_TIMER)
            with RssSampler({"server": pid, "children": lambda: descendants(pid)}, interval=interval) as memory:
                began = time.perf_counter()
                start_button(page).click()
                try:
                    ending = wait_for_end(page, minutes * 60)
                except PlaywrightTimeout:  # the time is up: stop the run, keep what it did
                    ending = stop_run(page)
                took = time.perf_counter() - began
                page.wait_for_timeout(500)  # the last marker's animation frames
                redraws = page.evaluate("() => window.__redraws")
        finally:
            page.close()
    return scale_table(machine, pretrain, cluster, minutes, redraws, memory, ending, took, waited)


def scale_table(machine: str, pretrain: int, cluster: int, minutes: float, redraws: list[dict], memory: RssSampler,
                ending: str, took: float, waited: float) -> str:
    table = BudgetTable(
        "7. All of Fashion-MNIST in the app",
        f"Fashion-MNIST, all {ROWS:,} rows, DEKM with its defaults, {pretrain} pretraining + at most {cluster} "
        f"clustering epochs, started from the page in headless Chromium and watched until it ended (Stop after "
        f"{minutes:g} min at most); the epochs the page drew while training (its hidden epoch marker), and the "
        f"resident memory of the server, which trains in a thread, and of its children (the UMAP process).",
        machine, ["Measured", "Value", "Target", "Result"])
    ended = parse_finished(ending)  # the last epoch, from the closing message
    epochs = (pretrain + 1 + ended["epoch"] if ended["phase"] == "cluster" else ended["epoch"]) if ended else None
    framed = [r for r in redraws if r["framed"] is not None]
    in_dom = [(r["inDom"] - r["published"]) / 1000 for r in redraws]
    frame_wait = [(r["framed"] - r["published"]) / 1000 for r in framed]
    table.add("snapshots recorded (epochs, the first clustering one included)", "n/a" if epochs is None else epochs, "", "")
    table.add("of them drawn by the page while training", len(redraws), "all but the last",
              "n/a" if epochs is None else verdict(len(redraws), epochs - 1, below=False))
    table.add("of them drawn with their own UMAP frame", len(framed), "", "")
    table.add("snapshot -> in the DOM, median (max) s",
              f"{seconds(median(in_dom))} ({seconds(max(in_dom, default=None))})", "", "")
    table.add("snapshot -> shown with its own UMAP frame, median (90th percentile) s",
              f"{seconds(median(frame_wait))} "
              f"({seconds(percentile(frame_wait, 0.9) if frame_wait else None)})", "", "")
    peak = {name: max(s.rss[name] for s in memory.samples) for name in ("server", "children")}
    both = max(sum(s.rss.values()) for s in memory.samples)
    table.add("server memory: at Start, at the end, peak (GB)",
              f"{gb(memory.samples[0].rss['server'])}, {gb(memory.samples[-1].rss['server'])}, {gb(peak['server'])}",
              f"< {PEAK_TARGET_GB:g} GB", verdict(peak["server"] / GB, PEAK_TARGET_GB))
    table.add("server and children together, peak (GB)", gb(both), f"< {PEAK_TARGET_GB:g} GB",
              verdict(both / GB, PEAK_TARGET_GB))
    table.notes.append(f"The run's closing message: {ending.strip().splitlines()[0]!r} after {took:.0f} s.")
    table.notes.append(f"Before Start the server was left {waited:.0f} s to go quiet; memory sampled every "
                       f"{memory.interval:g} s ({len(memory.samples)} samples).")
    return table.markdown()
