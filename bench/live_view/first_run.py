"""Live-view budget, measurement 11: a machine's first run is live (issue 25).

A server started as a user starts it on a machine where the app never ran: an empty cache
folder (DEEPCLUST_CACHE: no pretrained autoencoder, and UMAP's compiled code, which lives in
its numba folder, none either), by `make app`'s launcher (`python -m ui.launch`) or by
`streamlit run app.py`. The page is opened as soon as the server serves, DEKM's epochs typed in,
and Start clicked 3 s after the page first loaded. Then the same on the same folder again
(the second start). Each row: the seconds from the launch to the page, the clustering epochs
drawn with their own UMAP frame while the run was active, and the run's seconds from the click
to its end.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.live_view.budget import BudgetTable, seconds, verdict
from bench.live_view.frames import LIVE_SHARE_TARGET, LiveFrames, watch_live_frames
from browser_harness import VIEWPORT, Server, open_app, set_epochs

CLICK_AFTER_LOAD = 3.0  # seconds between the page's first load and the click on Start (the scenario)
LAUNCHERS = {"make app": False, "streamlit run app.py": True}  # name: streamlit_run


@dataclass(frozen=True)
class FirstRun:
    to_page: float  # seconds from the server's launch to the page showing Start
    frames: LiveFrames
    run_seconds: float  # from the click on Start to the run's end in the page


def first_run_once(browser, cache_dir: Path, pretrain: int, cluster: int, streamlit_run: bool,
                   timeout: float = 900.0, screenshot: Path | None = None) -> FirstRun:
    """A server on `cache_dir` (as `streamlit run app.py` with `streamlit_run`, else as `make app`), the page
    opened once it serves, the epochs typed in, Start clicked CLICK_AFTER_LOAD s after the first load; the
    page's picture at the end saved to `screenshot` if given."""
    server = Server.launch(cache_dir, streamlit_run=streamlit_run)
    page = browser.new_page(viewport=VIEWPORT)
    try:
        server.wait_for_port(timeout)  # `make app` compiles UMAP first on a first start: minutes under load
        open_app(page, server.url, timeout=timeout)
        loaded = time.perf_counter()
        set_epochs(page, pretrain, cluster)
        page.wait_for_timeout(max(0.0, CLICK_AFTER_LOAD - (time.perf_counter() - loaded)) * 1000)
        clicked = time.perf_counter()
        frames = watch_live_frames(page, timeout)
        if screenshot is not None:
            page.screenshot(path=str(screenshot))
        return FirstRun(loaded - server.launched, frames, time.perf_counter() - clicked - 3.0)
    finally:
        page.close()
        server.stop()


def first_run(browser, machine: str, pretrain: int, cluster: int, workdir: Path) -> str:
    """Measurement 11: per launcher, a first start on an empty cache folder, then a second start on it."""
    table = BudgetTable(
        "11. A machine's first run",
        f"digits, DEKM with the page's defaults, {pretrain} pretraining + at most {cluster} clustering epochs, Start "
        f"clicked {CLICK_AFTER_LOAD:g} s after the page first loaded, in headless Chromium. First start: an empty "
        "DEEPCLUST_CACHE (no compiled UMAP code, no pretrained autoencoder), as on a machine where the app never ran; "
        "second start: a new server on the same folder. 'Launch to page': from the server's launch to Start on "
        "screen (`make app` compiles UMAP before it serves on a first start). 'With their own frame': clustering "
        "epochs drawn with their own UMAP frame while the run was active.",
        machine, ["Launcher", "Start", "Launch to page s", "Clustering epochs", "With their own frame", "Share",
                  "Target", "Click to end s", "Result"])
    for launcher, streamlit_run in LAUNCHERS.items():
        cache_dir = Path(tempfile.mkdtemp(prefix="cache-first-run-", dir=workdir))
        for start in ("first", "second"):
            result = first_run_once(browser, cache_dir, pretrain, cluster, streamlit_run)
            share = result.frames.live_share
            table.add(launcher, start, seconds(result.to_page, 1), result.frames.cluster_epochs,
                      result.frames.framed_live, f"{share:.0%}", f"≥ {LIVE_SHARE_TARGET:.0%}",
                      seconds(result.run_seconds, 1), verdict(share, LIVE_SHARE_TARGET, below=False))
    return table.markdown()
