"""A race in the browser: DEKM against DEC on digits, quick look, started from the Race page.

    python -m bench.race [--methods dekm dec [idec ae-kmeans]] [--screenshot docs/img/race.png]

The page opens with DEKM and DEC; methods named after them are added in the sidebar (up to 4 in all).

On a fresh server (its own pretraining cache and run store: the shared autoencoder is pretrained in the race;
UMAP's compiled code where the app and the tests keep it, deepclust_core.projection.umap.compiled_code_folder)
the page's lecture layout, sidebar collapsed, 1280 x 720, "Show every clustering epoch" on (the default). A
MutationObserver reads each method's scoreboard line as the race view shows it (ui/race_scoreboard.py): the
clustering epoch its panels show while it trains, and whether with its own UMAP frame (what hovering that epoch
tells a user: the autoencoder panel's note, ui/panels.py). Prints, per method: its clustering epochs, how many of them the page
showed with their own frame while the race trained, that share, and the time from the click on Start race
to the end of the race. With --screenshot, the page at the end of the race is saved there.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

from bench.machine import describe_machine, machine_line
from browser_harness import chromium, collapse_sidebar, serving
from deepclust_core.projection.umap import compiled_code_folder
from ui.panels import OWN_FRAME_NOTE
from ui.race_setup import DEFAULT_METHODS

SCREEN = {"width": 1280, "height": 720}
# Per method (by its place in the race), each clustering epoch its line showed while it trained: with its own frame?
LINE_LOG = """() => {
  const seen = window.__race = {};
  const note = () => {
    document.querySelectorAll(".race-line").forEach((line, lane) => {
      const epoch = line.querySelector(".epoch"), state = line.querySelector(".state");
      const match = epoch?.textContent.match(/^(?:clustering (\\d+)\\/|k-means start)/);
      if (!match || !/^(running|paused)$/.test(state?.textContent ?? "")) return;
      const epochs = seen[lane] ??= {}, number = match[1] ?? "0";
      epochs[number] = epochs[number] || epoch.title.startsWith(%s);
    });
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                     attributes: true, attributeFilter: ["title"]});
}""" % json.dumps(f"Autoencoder space: {OWN_FRAME_NOTE}")


def add_methods(page, methods: list[str]) -> None:
    """The page's own two methods, then each further one picked in the sidebar's "Methods (2 to 4)"."""
    from deepclust_core.catalog import CARDS

    if methods[:2] != list(DEFAULT_METHODS):
        raise SystemExit(f"the page opens with {' and '.join(DEFAULT_METHODS)}: name them first")
    for method in methods[2:]:
        page.get_by_role("combobox", name="Methods (2 to 4)").click()
        page.keyboard.type(CARDS[method].title)  # the list opens as one types; Enter takes its first match
        page.get_by_role("option", name=CARDS[method].title, exact=True).wait_for(timeout=30_000)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.wait_for_timeout(1500)  # the rerun that takes the method in
    page.get_by_role("button", name="Start race").wait_for(timeout=60_000)


def race(methods: list[str], screenshot: str | None, timeout: float = 1800.0) -> dict:
    cache, home = tempfile.mkdtemp(prefix="race-cache-"), tempfile.mkdtemp(prefix="race-home-")
    numba = str(compiled_code_folder())  # UMAP compiled once already
    with serving(cache, DEEPCLUST_HOME=home, NUMBA_CACHE_DIR=numba) as server, chromium() as browser:
        page = browser.new_page(viewport=SCREEN)
        page.goto(server.url + "/race")
        start = page.get_by_role("button", name="Start race")
        start.wait_for(timeout=180_000)
        add_methods(page, methods)
        page.get_by_text("Lecture layout").click()
        page.wait_for_timeout(2000)
        page.evaluate(LINE_LOG)
        started = time.perf_counter()
        start.click()
        collapse_sidebar(page)
        page.get_by_text("The race is over").wait_for(timeout=timeout * 1000)
        seconds = time.perf_counter() - started
        page.wait_for_timeout(3000)
        if screenshot:
            page.screenshot(path=screenshot)
        seen = page.evaluate("() => window.__race")
    from deepclust_core.runs.store import RunStore

    records = {r.method: r for r in RunStore(home).runs()}
    return {"seconds": seconds, "seen": seen, "records": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=["dekm", "dec"])
    parser.add_argument("--screenshot", default=None)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    result = race(args.methods, args.screenshot)
    print(f"Race {' vs '.join(m.upper() for m in args.methods)} on digits, quick look, fresh server and cache; "
          f"UMAP's compiled code warm; {machine_line(describe_machine('cpu'))}; load before {load:.1f}, after {os.getloadavg()[0]:.1f}")
    print(f"time from Start race to the end of the race: {result['seconds']:.0f} s")
    print("| method | reached | status | clustering epochs (1..last) | drawn with their own UMAP frame | share |")
    print("|---|---|---|---|---|---|")
    for lane, method in enumerate(args.methods):
        record = result["records"][method]
        last = int(record.final_step.split()[1].split("/")[0]) if record.final_step.startswith("cluster") else 0
        seen = result["seen"].get(str(lane), {})
        framed = sum(1 for epoch in range(1, last + 1) if seen.get(str(epoch)))
        share = framed / last if last else float("nan")
        print(f"| {method} | {record.final_step} | {record.status} | {last} | {framed} | {share:.0%} |")


if __name__ == "__main__":
    main()
