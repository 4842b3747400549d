"""Live-view budget, measurement 6: from the end of an epoch to the page showing it, in the browser.

The page's epoch timer (bench/live_view/shown_epoch.py, EPOCH_TIMER) notes, for every epoch the autoencoder
panel's caption names (the epoch the panels show), the browser's wall clock (Date.now()) when it entered the DOM
and two animation frames later (the frame that painted it). Each is timed from the epoch's end as the run store
records it (the run's `created` plus the epoch's `elapsed`; before 2026-12-07 from its publication to the page,
about 0.1 s later). Server and browser run on this machine, so both read the same clock.
"""
from __future__ import annotations

import statistics
from pathlib import Path

from bench.live_view.budget import BudgetTable, seconds
from bench.live_view.ready_to_start import run_ready_to_start
from bench.live_view.shown_epoch import EPOCH_TIMER, epoch_ends, shown_epochs
from browser_harness import start_button, wait_for_end


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def redraw_latency(browser, machine: str, pretrain: int, cluster: int, workdir: Path, settle: float,
                   timeout: float = 1800.0) -> str:
    """Measurement 6: one run started from the page (fresh server and cache), every redraw timed."""
    with run_ready_to_start(browser, workdir, pretrain, cluster, settle) as (_, page, waited):
        page.evaluate(EPOCH_TIMER)
        start_button(page).click()
        wait_for_end(page, timeout)
        page.wait_for_timeout(500)  # the last epoch's two animation frames
        redraws = {key: row for key, row in shown_epochs(page).items() if row["painted"] is not None}
    if not redraws:
        raise RuntimeError("the page named no epoch in the autoencoder panel's caption while the run trained")
    ended = {e.key: e.ended for e in epoch_ends()}
    in_dom = [row["inDom"] / 1000 - ended[key] for key, row in redraws.items()]
    painted = [row["painted"] / 1000 - ended[key] for key, row in redraws.items()]
    table = BudgetTable(
        "6. Epoch end to redrawn page",
        f"digits, DEKM, {pretrain} pretraining + at most {cluster} clustering epochs started from the page; for each "
        "epoch the page showed, from its end as the run store records it (time.time() in the server) to the "
        "autoencoder panel's caption naming it in the DOM and to the frame that painted it (Date.now() in headless "
        "Chromium, same machine).",
        machine, ["Step", "Median s", "90th percentile s", "Max s", "Epochs drawn"])
    for name, values in (("epoch end -> in the DOM", in_dom), ("epoch end -> painted", painted)):
        table.add(name, seconds(statistics.median(values)), seconds(percentile(values, 0.9)), seconds(max(values)),
                  len(values))
    table.notes.append(f"{len(redraws)} of the run's epochs were drawn while it trained: the page redraws every "
                       "REFRESH_SECONDS (ui/live_view.py) from the newest snapshot, so epochs that end between two "
                       "redraws are skipped live (the replay slider still holds them), and up to one interval of "
                       "each delay is the wait for the next redraw.")
    table.notes.append(f"Before Start the server was left {waited:.0f} s to go quiet (UMAP compiles once per server).")
    return table.markdown()
