"""Live-view budget, measurement 6: from the end of an epoch to the page showing it, in the browser.

The live view writes a hidden marker with each redraw while a run is active
(`<span class="epoch-published" data-seq data-published data-projected>`, ui/live_view.py): the newest
snapshot's number and the wall clock (time.time()) at which the training thread added it to
the run's history, right after the epoch's snapshot was recorded. A MutationObserver in the
page notes, for every new marker, the browser's wall clock (Date.now()) when it entered the
DOM and two animation frames later (the frame that painted it), and when the page first showed
it with its own UMAP frame (`framed`, null when a newer epoch came first). Server and browser
run on this machine, so both read the same clock.
"""
from __future__ import annotations

import statistics
from pathlib import Path

from bench.live_view.budget import BudgetTable, seconds
from bench.live_view.ready_to_start import run_ready_to_start
from browser_harness import start_button, wait_for_end

REDRAW_TIMER = """() => {
  const seen = window.__redraws = [];
  const rows = new Map();
  new MutationObserver(() => {
    for (const marker of document.querySelectorAll("span.epoch-published")) {
      const seq = Number(marker.dataset.seq), projected = marker.dataset.projected === "1";
      const known = rows.get(seq);
      if (known) {
        if (projected && known.framed === null) known.framed = Date.now();
        continue;
      }
      const row = {seq, published: Number(marker.dataset.published) * 1000, inDom: Date.now(),
                   framed: projected ? Date.now() : null};
      rows.set(seq, row);
      requestAnimationFrame(() => requestAnimationFrame(() => { row.painted = Date.now(); seen.push(row); }));
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                             attributeFilter: ["data-seq", "data-projected"]});
}"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def redraw_latency(browser, machine: str, pretrain: int, cluster: int, workdir: Path, settle: float,
                   timeout: float = 1800.0) -> str:
    """Measurement 6: one run started from the page (fresh server and cache), every redraw timed."""
    with run_ready_to_start(browser, workdir, pretrain, cluster, settle) as (_, page, waited):
        page.evaluate(REDRAW_TIMER)
        start_button(page).click()
        wait_for_end(page, timeout)
        page.wait_for_timeout(500)  # the last marker's two animation frames
        redraws = page.evaluate("() => window.__redraws")
    if not redraws:
        raise RuntimeError("the page showed no epoch marker while the run trained")
    in_dom = [(r["inDom"] - r["published"]) / 1000 for r in redraws]
    painted = [(r["painted"] - r["published"]) / 1000 for r in redraws]
    table = BudgetTable(
        "6. Epoch end to redrawn page",
        f"digits, DEKM, {pretrain} pretraining + at most {cluster} clustering epochs started from the page; for each "
        "epoch the page showed, from the snapshot entering the run's history (time.time() in the server) to its "
        "marker entering the DOM and to the frame that painted it (Date.now() in headless Chromium, same machine).",
        machine, ["Step", "Median s", "90th percentile s", "Max s", "Epochs drawn"])
    for name, values in (("snapshot -> in the DOM", in_dom), ("snapshot -> painted", painted)):
        table.add(name, seconds(statistics.median(values)), seconds(percentile(values, 0.9)), seconds(max(values)),
                  len(values))
    table.notes.append(f"{len(redraws)} of the run's epochs were drawn while it trained: the page redraws every "
                       "REFRESH_SECONDS (ui/live_view.py) from the newest snapshot, so epochs that end between two "
                       "redraws are skipped live (the replay slider still holds them), and up to one interval of "
                       "each delay is the wait for the next redraw.")
    table.notes.append(f"Before Start the server was left {waited:.0f} s to go quiet (UMAP compiles once per server).")
    return table.markdown()
