"""Live-view budget, measurements 1 and 2: how soon the page is usable, and how soon the first
point panel appears after Start when the autoencoder comes from the pretraining cache."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.live_view.budget import BudgetTable, median, seconds, verdict
from bench.live_view.procs import wait_until_quiet
from browser_harness import (
    CHARTS_IN_PAGE_JS,
    VIEWPORT,
    Server,
    open_app,
    serving,
    set_epochs,
    start_button,
    stop_run,
)
from deepclust_core import load_dataset, train
from deepclust_core.recipe.build import config_for

PAGE_USABLE_TARGET = 5.0  # seconds from `streamlit run` to a visible Start button
FIRST_FRAME_TARGET = 3.0  # seconds from the Start click to the first point panel
PANEL_TITLE = "Autoencoder space"  # the first point panel's title


def page_usable_once(browser, cache_dir: Path, timeout: float = 120.0) -> float:
    """Seconds from launching a fresh server (Popen) to the Start button visible in Chromium.

    The browser is already running; the page is requested as soon as the port accepts
    connections, so the time covers server start-up, the first script run (imports of
    torch, UMAP warm-up thread start) and the page's own rendering."""
    page = browser.new_page(viewport=VIEWPORT)  # opened first: the tab's own start-up is not timed
    server = Server.launch(cache_dir)
    try:
        server.wait_for_port(timeout)
        open_app(page, server.url, timeout)
        return time.perf_counter() - server.launched
    finally:
        page.close()
        server.stop()


def page_usable(browser, machine: str, repeats: int, workdir: Path) -> str:
    """Measurement 1: `repeats` fresh servers, each timed to a usable page; each and the median."""
    table = BudgetTable(
        "1. Page usable", "`streamlit run app.py` launched (Popen) until the Start button is visible in headless "
        "Chromium; a fresh server (and empty DEEPCLUST_CACHE) each time, Chromium already running.",
        machine, ["Run", "Seconds", "Target", "Result"])
    times = []
    for index in range(1, repeats + 1):
        times.append(page_usable_once(browser, Path(tempfile.mkdtemp(prefix="cache-usable-", dir=workdir))))
        table.add(index, seconds(times[-1]), f"≤ {PAGE_USABLE_TARGET:g} s", verdict(times[-1], PAGE_USABLE_TARGET))
    table.add("**median**", seconds(median(times)), f"≤ {PAGE_USABLE_TARGET:g} s",
              verdict(median(times), PAGE_USABLE_TARGET))
    return table.markdown()


def page_config(pretrain: int, cluster: int, cache_dir: Path):
    """What the page builds for digits + DEKM with these epochs and every other widget at its default."""
    return config_for("dekm", 10, pretrain_epochs=pretrain, cluster_epochs=cluster, cache_dir=str(cache_dir))


def prefill_cache(pretrain: int, cluster: int, cache_dir: Path) -> float:
    """Pretrain the page's autoencoder once in this process so the page finds it cached; seconds taken."""
    began = time.perf_counter()
    for snapshot in train(load_dataset("digits"), page_config(pretrain, cluster, cache_dir)):
        if snapshot.phase == "cluster":  # the cache is written when pretraining ends
            break
    if not any(cache_dir.glob("*.pt")):
        raise RuntimeError(f"pretraining wrote no cache file under {cache_dir}")
    return time.perf_counter() - began


# Timed inside the page, so Playwright's polling (slow on a loaded machine) is not counted: the click on
# Start (capturing listener) to the first look (every 50 ms) that finds the panel's title in a chart.
PANEL_TIMER = """() => {
  const marks = window.__firstFrame = {};
  document.addEventListener("click", (event) => {
    if (marks.click === undefined && event.target.closest("button")?.innerText.trim() === "Start") marks.click = performance.now();
  }, true);
  const timer = setInterval(() => {
    if (marks.click === undefined) return;
    marks.cached ||= document.body.textContent.includes("(cached)");  // the slider's "pretrain N (cached)"
    if (%s.some((chart) => [...chart.querySelectorAll(".gtitle")].some((t) => t.textContent.includes(%r)))) {
      marks.panel = performance.now();
      clearInterval(timer);
    }
  }, 50);
}""" % (CHARTS_IN_PAGE_JS, PANEL_TITLE)


def first_frame_once(page, url: str, pretrain: int, cluster: int, timeout: float = 60.0) -> tuple[float, bool]:
    """Seconds from the Start click to the first point panel drawn, in a fresh session, timed in
    the page; and whether the run said its autoencoder came from the cache. The run is stopped afterwards."""
    open_app(page, url)
    set_epochs(page, pretrain, cluster)
    page.evaluate(PANEL_TIMER)
    start_button(page).click()
    page.wait_for_function("() => window.__firstFrame.panel !== undefined", timeout=timeout * 1000)
    page.wait_for_timeout(1000)  # the first snapshot's "(cached)" label may come with the next redraw
    marks = page.evaluate("() => window.__firstFrame")
    stop_run(page)
    return (marks["panel"] - marks["click"]) / 1000, bool(marks.get("cached"))


def first_frame(browser, machine: str, repeats: int, pretrain: int, cluster: int, workdir: Path,
                settle: float) -> str:
    """Measurement 2: pre-fill the cache, start a server on it, then time Start -> first panel."""
    cache_dir = Path(tempfile.mkdtemp(prefix="cache-first-frame-", dir=workdir))
    prefill = prefill_cache(pretrain, cluster, cache_dir)
    table = BudgetTable(
        "2. First frame after Start (autoencoder from the cache)",
        f"click on Start until the first point panel (the Plotly chart titled '{PANEL_TITLE}') is in the page (timed in the page); digits, DEKM, {pretrain} pretraining "
        f"epochs (pre-filled cache, {prefill:.1f} s in the bench process) and {cluster} clustering epochs typed into "
        "the page, every other setting at its default; a fresh browser session per run, one server.",
        machine, ["Run", "Seconds", "AE from cache", "Target", "Result"])
    times = []
    with serving(cache_dir) as server:
        page = browser.new_page(viewport=VIEWPORT)
        open_app(page, server.url)
        waited = wait_until_quiet(server.process.pid, timeout=settle)
        table.notes.append(f"Before the first run the server was left {waited:.0f} s to go quiet (UMAP compiles once "
                           f"per server; at most {settle:.0f} s). After Start the page waits for the first snapshot "
                           "(at most 2 s) before its first draw, then redraws every REFRESH_SECONDS (ui/live_view.py).")
        for index in range(1, repeats + 1):
            elapsed, cached = first_frame_once(page, server.url, pretrain, cluster)
            times.append(elapsed)
            table.add(index, seconds(elapsed), "yes" if cached else "NO (pretrained again)",
                      f"≤ {FIRST_FRAME_TARGET:g} s", verdict(elapsed, FIRST_FRAME_TARGET))
            wait_until_quiet(server.process.pid, timeout=settle)
        page.close()
    table.add("**median**", seconds(median(times)), "", f"≤ {FIRST_FRAME_TARGET:g} s",
              verdict(median(times), FIRST_FRAME_TARGET))
    return table.markdown()
