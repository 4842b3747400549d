"""The two journeys a change to the app is walked through before it is called done, in headless Chromium
on one freshly started server, with a screenshot after every step (test-artifacts/journeys/):

- a teacher at 1280x720: lecture layout, a quick look of DEKM on digits, the sidebar collapsed and opened
  again after the run, Play, then another method;
- a researcher at 1600x1000: an uploaded CSV with a label column, a run, Train -> Explore -> Train, a sweep
  and then a live run on the same server, and a damaged file.

    .venv/bin/python -m bench.journeys [--only teacher,researcher]

Prints one Markdown table: each step, what was seen (or the error) and its screenshot. The screenshots are
for a person to look at; the tests in tests/ assert the details.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

from browser_harness import (
    ENDED,
    ROOT,
    Server,
    chromium,
    collapse_sidebar,
    expand_sidebar,
    open_app,
    pick,
    set_number,
    start_button,
)
from deepclust_core.projection.umap import compiled_code_folder

OUT = ROOT / "test-artifacts" / "journeys"
UPLOAD_CHOICE = "Your file (CSV, .npy, .npz, .zip of images)"
RUN_MINUTES = 15  # the longest a run of a journey may take on a loaded machine


def start_and_wait(page) -> str:
    """Press Start and wait for this run's closing message, not the last run's (still shown until the page reruns)."""
    ended = page.get_by_text(ENDED).first
    before = ended.inner_text() if ended.is_visible() else None
    start_button(page).click()
    deadline = time.time() + RUN_MINUTES * 60
    while time.time() < deadline:
        if ended.is_visible() and ended.inner_text() != before:
            return ended.inner_text()
        page.wait_for_timeout(1000)
    raise TimeoutError(f"the run did not end within {RUN_MINUTES} minutes")


class Walk:
    """Runs steps in order, screenshots each, and keeps a line per step; a failed step does not end the walk."""

    def __init__(self, page, who: str):
        self.page, self.who, self.rows = page, who, []

    def step(self, name: str, action) -> None:
        began = time.perf_counter()
        try:
            seen = action() or "done"
        except Exception as error:  # noqa: BLE001 - every step is reported, the walk goes on
            seen = f"FAILED: {type(error).__name__}: {str(error).splitlines()[0][:160]}"
            traceback.print_exc(file=sys.stderr)
        shot = OUT / f"{self.who}-{len(self.rows) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
        self.page.screenshot(path=str(shot))
        if self.page.get_by_test_id("stException").count():
            seen += " (an exception is on the page)"
        self.rows.append((self.who, name, seen, f"{time.perf_counter() - began:.1f}", shot.relative_to(ROOT)))


def teacher(browser, url: str) -> list:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    walk = Walk(page, "teacher")
    walk.step("open the app", lambda: open_app(page, url))
    walk.step("lecture layout on", lambda: (page.get_by_text("Lecture layout").click(), page.wait_for_timeout(1500))[1])
    walk.step("quick look", lambda: (page.get_by_role("button", name="Quick look").click(), page.wait_for_timeout(1500))[1])

    def run() -> str:
        start_button(page).click()
        collapse_sidebar(page)
        # the lecture layout leaves out the closing message: the scoreboard's phase chip says how the run ended
        chip = page.get_by_text(re.compile(r"^(finished|converged|stopped|failed|diverged)$")).first
        chip.wait_for(timeout=RUN_MINUTES * 60_000)
        reached = page.get_by_text(re.compile(r"^\d+ / \d+$")).first.inner_text()
        return f"{reached} {chip.inner_text()}"

    walk.step("start, sidebar collapsed, to the end", run)
    walk.step("sidebar opened again", lambda: (expand_sidebar(page), page.wait_for_timeout(3000))[1])
    walk.step("sidebar collapsed again", lambda: (collapse_sidebar(page), page.wait_for_timeout(3000))[1])

    def play() -> str:
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(6000)
        return "played 6 s"

    walk.step("play the run", play)

    def switch_method() -> str:
        expand_sidebar(page)
        pick(page, "Method", re.compile(r"^DEC \("))
        page.get_by_text(re.compile(r"^Recipe: DEC.py")).wait_for(timeout=120_000)  # the sidebar redrawn for DEC
        return page.get_by_text(re.compile("Settings: ")).first.inner_text()

    walk.step("switch to DEC", switch_method)
    page.close()
    return walk.rows


def csv_table(path: Path) -> Path:
    """Three Gaussian classes in three columns and a label column."""
    import numpy as np

    rng = np.random.default_rng(0)
    kinds = np.repeat(np.arange(3), 60)
    rows = np.array([[0, 0, 0], [6, 6, 0], [0, 6, 6]], dtype=float)[kinds] + rng.normal(size=(len(kinds), 3))
    path.write_text("a,b,c,kind\n" + "".join(f"{r[0]:.3f},{r[1]:.3f},{r[2]:.3f},k{k}\n" for r, k in zip(rows, kinds)))
    return path


def researcher(browser, url: str, workdir: Path) -> list:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    walk = Walk(page, "researcher")
    walk.step("open the app", lambda: open_app(page, url))

    def upload() -> str:
        pick(page, "Data set", UPLOAD_CHOICE)
        page.locator("input[type=file]").set_input_files(str(csv_table(workdir / "three.csv")))
        pick(page, "Label column", "kind")
        page.get_by_text("180 rows").first.wait_for(timeout=60_000)
        set_number(page, "Clusters K", 3)
        return "180 rows, label kind, K 3"

    walk.step("upload a CSV", upload)
    walk.step("quick look run", lambda: (page.get_by_role("button", name="Quick look").click(),
                                         page.wait_for_timeout(1500), start_and_wait(page))[-1])

    def visit(title: str, heading: str) -> None:
        page.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
        page.wait_for_timeout(3000)

    walk.step("Explore", lambda: visit("Explore", "Explore a run"))
    walk.step("back to Train", lambda: (visit("Train", "Watch deep clustering learn"),
                                        page.get_by_role("combobox", name="Data set").input_value())[1])

    def sweep() -> str:
        visit("Sweep", "Sweep")
        pick(page, "Data set", re.compile("^blobs"))
        set_number(page, "Points", 200)
        values = page.get_by_role("textbox", name="Values to sweep")
        values.fill("stop_tolerance=0.005,0.001\npretrain_epochs=2\ncluster_epochs=2")
        values.press("Control+Enter")
        seeds = page.get_by_role("textbox", name="Seeds")
        seeds.fill("0")
        seeds.press("Enter")
        page.get_by_role("button", name=re.compile(r"^Start \d+ trials")).click()
        all_ended = page.get_by_text(re.compile(r"\b(\d+) of \1 trials ended")).first  # "2 of 2", not "0 of 2"
        all_ended.wait_for(timeout=RUN_MINUTES * 60_000)
        return all_ended.inner_text()

    walk.step("a sweep", sweep)
    walk.step("then a live run", lambda: (visit("Train", "Watch deep clustering learn"), start_and_wait(page))[-1])

    def bad_file() -> str:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        damaged = workdir / "damaged.npz"
        damaged.write_bytes(b"PK\x03\x04 not really a zip")
        pick(page, "Data set", UPLOAD_CHOICE)
        line = page.get_by_text(re.compile(r"^damaged\.npz: ")).first
        for _ in range(3):  # a file given to an uploader that a rerun is replacing never reaches the server
            page.get_by_test_id("stFileUploader").locator("input[type=file]").first.set_input_files(str(damaged))
            try:
                line.wait_for(timeout=30_000)
                return line.inner_text()
            except PlaywrightTimeout:
                continue
        raise TimeoutError("the damaged file's line never showed")

    walk.step("a damaged file", bad_file)
    page.close()
    return walk.rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.journeys", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="teacher,researcher", help="comma list: teacher, researcher")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="journeys-") as workdir:
        # a machine where the app ran before (UMAP's compiled code), a fresh run store and pretraining cache
        server = Server.launch(Path(workdir) / "cache", NUMBA_CACHE_DIR=str(compiled_code_folder()),
                               DEEPCLUST_HOME=str(Path(workdir) / "home"))
        try:
            server.wait_for_port(timeout=600)
            with chromium() as browser:
                if "teacher" in args.only:
                    rows += teacher(browser, server.url)
                if "researcher" in args.only:
                    rows += researcher(browser, server.url, Path(workdir))
            alive = server.process.poll() is None
        finally:
            server.stop()
    print("| Who | Step | Seen | s | Screenshot |\n|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(cell).replace("|", "/").replace("\n", " ") for cell in row) + " |")
    print(f"\nserver alive at the end: {alive}")
    return 0 if alive and not any(row[2].startswith("FAILED") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
