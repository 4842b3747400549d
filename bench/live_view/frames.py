"""Live-view budget, measurements 8 and 9: whether the autoencoder panel is live.

8. Live frames: a run started from the page on a fresh server whose projection is warm; which
   clustering epochs the page showed with their own UMAP frame while the run was active, and
   how long after the last snapshot its frame was on screen.
9. First UMAP frame: a server started for the first time on a machine (empty cache folder:
   numba compiles UMAP) and started again on the same cache folder; from the server's launch
   and from the click on Start to the first UMAP frame in the page.

Both read the page as a user does: which epoch the autoencoder panel shows, with which frame, and whether
the run is active (its caption and the progress bar, bench/live_view/shown_epoch.py); 8 times the last frame
from the epoch's end as the run store records it.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.live_view.budget import BudgetTable, seconds, verdict
from bench.live_view.ready_to_start import run_ready_to_start
from bench.live_view.shown_epoch import EPOCH_TIMER, epoch_ends, shown_epochs
from browser_harness import (
    CHARTS_IN_PAGE_JS,
    VIEWPORT,
    Server,
    open_app,
    set_epochs,
    start_button,
    wait_for_end,
)

LIVE_SHARE_TARGET = 0.8  # clustering epochs shown with their own frame while the run is active (issue 15)
LAST_FRAME_TARGET = 2.0  # seconds from the last epoch's end to its frame on screen
UMAP_AXIS = "UMAP 1"  # the autoencoder panel's x-axis title once a UMAP frame is drawn

# The panels' axis titles are looked for every 50 ms.
FIRST_UMAP_TIMER = """() => {
  const marks = window.__firstUmap = {};
  document.addEventListener("click", (event) => {
    if (marks.click === undefined && event.target.closest("button")?.innerText.trim() === "Start") marks.click = Date.now();
  }, true);
  const timer = setInterval(() => {
    if (marks.click === undefined) return;
    if (%s.some((chart) => [...chart.querySelectorAll(".xtitle")].some((t) => t.textContent === %r))) {
      marks.umap = Date.now();
      clearInterval(timer);
    }
  }, 50);
}""" % (CHARTS_IN_PAGE_JS, UMAP_AXIS)


@dataclass(frozen=True)
class LiveFrames:
    cluster_epochs: int  # clustering snapshots of the run (epoch 0, the start, included), as the run store has them
    shown: int  # of them, drawn by the page
    framed_live: int  # of them, drawn with their own UMAP frame while the run was active
    last_frame_delay: float | None  # seconds from the last epoch's end to its frame in the page
    cluster_seconds: float  # from the first clustering epoch's end to the last one's

    @property
    def live_share(self) -> float:
        return self.framed_live / max(self.cluster_epochs, 1)


def watch_live_frames(page, timeout: float = 1800.0) -> LiveFrames:
    """Click Start on a page whose settings are in place; watch the run to its end and 3 s beyond; the run's
    epochs from the run store at $DEEPCLUST_HOME, where the page's server records it."""
    page.evaluate(EPOCH_TIMER)
    start_button(page).click()
    wait_for_end(page, timeout)
    page.wait_for_timeout(3000)  # the last frame, if it is still on its way
    rows = shown_epochs(page)
    if not rows:
        raise RuntimeError("the page named no epoch in the autoencoder panel's caption")
    epochs = epoch_ends()
    cluster = [e for e in epochs if e.phase == "cluster"]
    seen = [rows[e.key] for e in cluster if e.key in rows]
    last = rows.get(epochs[-1].key, {}).get("framed")
    return LiveFrames(
        cluster_epochs=len(cluster), shown=len(seen), framed_live=sum(row["framedWhileActive"] for row in seen),
        last_frame_delay=None if last is None else last / 1000 - epochs[-1].ended,
        cluster_seconds=cluster[-1].elapsed - cluster[0].elapsed if cluster else 0.0)


# (autoencoder, paced): the MLP as when issue 15 was measured; conv, DEKM's network for images since issue 16,
# whose clustering epochs are faster than a frame: with "Show every clustering epoch" (the default) and without
RUNS = (("mlp", True), ("conv", True), ("conv", False))


def live_frames(browser, machine: str, pretrain: int, cluster: int, workdir: Path, settle: float) -> str:
    """Measurement 8: one run from the page per row of RUNS (fresh server, empty pretraining
    cache, projection warm)."""
    table = BudgetTable(
        "8. Live UMAP frames",
        f"digits, DEKM, {pretrain} pretraining + at most {cluster} clustering epochs started from the page in headless "
        "Chromium (fresh server, empty pretraining cache), with DEKM_dense.py's MLP and with DEKM.py's conv network "
        "(digits' default since issue 16), with 'Show every clustering epoch' (the default: training waits for the "
        "page to draw each clustering epoch, at most 2 s) and at full speed; the clustering epochs the page drew "
        "while the run was active, those drawn with their own UMAP frame, the seconds from the last epoch's end "
        "(run store) to its frame in the page (the autoencoder panel's caption), and the seconds from the first "
        "clustering epoch's end to the last.",
        machine, ["Autoencoder", "Show every epoch", "Clustering epochs", "Drawn live", "With their own frame", "Share", "Target",
                  "Last frame s", "Target", "Clustering s", "Result"])
    for kind, paced in RUNS:
        with run_ready_to_start(browser, workdir, pretrain, cluster, settle, kind, paced) as (_, page, waited):
            result = watch_live_frames(page)
        share = verdict(result.live_share, LIVE_SHARE_TARGET, below=False)
        last = verdict(result.last_frame_delay, LAST_FRAME_TARGET)
        table.add(kind, "on" if paced else "off", result.cluster_epochs, result.shown, result.framed_live, f"{result.live_share:.0%}",
                  f"≥ {LIVE_SHARE_TARGET:.0%}", seconds(result.last_frame_delay), f"≤ {LAST_FRAME_TARGET:g} s",
                  seconds(result.cluster_seconds, 1), "PASS" if share == last == "PASS" else "FAIL")
        table.notes.append(f"{kind}, {'paced' if paced else 'full speed'}: before Start the server was left {waited:.0f} s to go quiet (the projection "
                           "process warm).")
    return table.markdown()


def first_umap_frame_once(browser, cache_dir: Path, pretrain: int, cluster: int,
                          timeout: float = 300.0) -> tuple[float, float]:
    """A fresh server on `cache_dir`; the page opened as soon as it serves, epochs typed, Start
    clicked at once: seconds from the launch, and from the click, to the first UMAP frame."""
    page = browser.new_page(viewport=VIEWPORT)
    server = Server.launch(cache_dir)
    try:
        server.wait_for_port()
        open_app(page, server.url)
        set_epochs(page, pretrain, cluster)
        page.evaluate(FIRST_UMAP_TIMER)
        start_button(page).click()
        page.wait_for_function("() => window.__firstUmap.umap !== undefined", timeout=timeout * 1000)
        marks = page.evaluate("() => window.__firstUmap")
        now_wall, now_perf = time.time() * 1000, time.perf_counter()
        launched_wall = now_wall - (now_perf - server.launched) * 1000
        return (marks["umap"] - launched_wall) / 1000, (marks["umap"] - marks["click"]) / 1000
    finally:
        page.close()
        server.stop()


def first_umap_frame(browser, machine: str, pretrain: int, cluster: int, workdir: Path) -> str:
    """Measurement 9: a first start on this machine (empty cache folder), then a second one on it."""
    cache_dir = Path(tempfile.mkdtemp(prefix="cache-first-umap-", dir=workdir))
    table = BudgetTable(
        "9. First UMAP frame after a server start",
        f"the server launched (`python -m ui.launch`, as `make app`), the page opened as soon as it serves, digits, "
        f"DEKM, {pretrain} + {cluster} epochs typed in and Start clicked at once; until the autoencoder panel first "
        "shows a UMAP frame (its axis titled 'UMAP 1'). First start: an empty cache folder (no compiled UMAP code, "
        "no pretrained autoencoder); second start: the same folder afterwards.",
        machine, ["Start", "From launch s", "From Start click s"])
    for name in ("first start on this machine", "second start"):
        from_launch, from_click = first_umap_frame_once(browser, cache_dir, pretrain, cluster)
        table.add(name, seconds(from_launch, 1), seconds(from_click, 1))
    return table.markdown()

