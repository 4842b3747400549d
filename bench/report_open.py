"""How big a run's HTML report is and how long it takes to open in a browser.

    .venv/bin/python -m bench.report_open --store DIR RUN_ID [RUN_ID ...] --loads 5
    chrt -r 1 .venv/bin/python -m bench.report_open ...     # on a busy machine: Chromium before the rest

Writes each run's report (deepclust_core.runs.report) to a temporary file, opens it `--loads` times in
headless Debian Chromium through Playwright (browser_harness.py), and prints one Markdown
row per run: its size, the seconds from navigation until every chart is drawn and the animation holds
its frames, and the CPU seconds all of Chromium's processes spent meanwhile (SystemInfo.getProcessInfo),
which a busy machine does not inflate as it does the wall time.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from browser_harness import chromium
from deepclust_core.runs.report import html_report
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun

READY = """() => {
  const animation = document.getElementById('animation');
  return animation && animation._transitionData && animation._transitionData._frames.length > 0
    && [...document.querySelectorAll('.chart')].every((chart) => chart.classList.contains('js-plotly-plot'));
}"""


def open_times(path: Path, loads: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each load of the report at `path`."""
    walls, cpus = [], []
    with chromium() as browser:
        cdp = browser.new_browser_cdp_session()

        def cpu() -> float:
            return sum(p["cpuTime"] for p in cdp.send("SystemInfo.getProcessInfo")["processInfo"])

        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto("about:blank")
            before, started = cpu(), time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="commit")
            page.wait_for_function(READY, timeout=120_000, polling=50)
            walls.append(time.perf_counter() - started)
            cpus.append(cpu() - before)
            page.close()
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_ids", nargs="+")
    parser.add_argument("--store", help="the run store's folder (default: the user's)")
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    store = RunStore(args.store, read_only=True)
    print("| run | snapshots | display rows | report | open (s), median and range | Chromium CPU (s), median |")
    print("|---|---|---|---|---|---|")
    for run_id in args.run_ids:
        run = StoredRun(store, run_id)
        path = Path(tempfile.mkdtemp(prefix="report-")) / f"{run_id}.html"
        path.write_text(html_report(run), encoding="utf-8")
        walls, cpus = open_times(path, args.loads)
        median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
        print(f"| {run_id} | {len(run.history())} | {len(run.data.X)} | {path.stat().st_size / 1e6:.2f} MB | "
              f"{median(walls):.2f} ({min(walls):.2f}–{max(walls):.2f}) | {median(cpus):.2f} |")


if __name__ == "__main__":
    main()
