"""The app in a real browser, the one harness of the browser tests (tests/*browser*.py) and the
benchmarks (bench/live_view/, bench/report_open.py): headless Debian Chromium through Playwright with
the flags that work here, the server as `make app` starts it (`python -m ui.launch`, or as `streamlit
run app.py` on request) on a free port, the live view's charts in the page, and the page actions they
share (wait for Start, type a number, press Start or Stop, read the run's closing message).

The server gets its own process group, so that stopping it also ends the UMAP projection process it
started. What is specific to the tests (pytest marks, where screenshots go) is in tests/browser_support.py.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's: Playwright cannot download its own here
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1500, "height": 1700}
PROGRESS = re.compile(r"epoch \d+ of \d+")
ENDED = re.compile(r"Finished:|Stopped\.|Interrupted|Training diverged|Unexpected error")
FINISHED = re.compile(r"(Finished: .*?|Stopped\. .*?)(\w+) epoch (\d+), ([\d.]+) s in all, on ([^\s.]+)")
# Every Plotly chart of a page, the live view's (ui/live_chart) among them.
CHARTS_IN_PAGE_JS = "[...document.querySelectorAll('.js-plotly-plot')]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running app server; `launched` is the perf_counter() just before Popen."""
    process: subprocess.Popen
    url: str
    port: int
    launched: float

    @classmethod
    def launch(cls, cache_dir: str | Path, *, streamlit_run: bool = False, **env: str) -> Server:
        """The app on a free port with its pretraining cache (DEEPCLUST_CACHE) in `cache_dir`, and UMAP's
        compiled code there too, as for a user, unless `env` names a NUMBA_CACHE_DIR; `env` adds variables.
        Started as `make app` starts it, or with `streamlit_run` as `streamlit run app.py` does."""
        port = free_port()
        inherited = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
        start = ["streamlit", "run", "app.py"] if streamlit_run else ["ui.launch"]
        command = [sys.executable, "-m", *start, "--server.port", str(port),
                   "--server.headless", "true", "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false"]
        launched = time.perf_counter()
        env = {**inherited, "DEEPCLUST_CACHE": str(cache_dir), **env}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        return cls(process, f"http://127.0.0.1:{port}", port, launched)

    def wait_for_port(self, timeout: float = 120.0) -> None:
        """Poll the port every 50 ms until the server accepts connections."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with status {self.process.returncode} before serving")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"streamlit did not open port {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        """SIGTERM to the server's process group (the server and its projection process), then SIGKILL."""
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):  # stragglers of the group (the UMAP process)
            os.killpg(self.process.pid, signal.SIGKILL)


@contextlib.contextmanager
def serving(cache_dir: str | Path, *, streamlit_run: bool = False, **env: str):
    """A fresh server (Server.launch's arguments) for the duration of a `with` block, once it serves."""
    server = Server.launch(cache_dir, streamlit_run=streamlit_run, **env)
    try:
        server.wait_for_port()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium through Playwright, closed at the end of the `with` block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def live_chart(page, title: str, timeout: float = 60.0):
    """The live view's chart titled `title` (ui/live_chart), as a locator, once it is drawn."""
    chart = page.locator(".deepclust-live-chart", has=page.locator(".gtitle", has_text=title)).first
    chart.wait_for(timeout=timeout * 1000)
    return chart


def collapse_sidebar(page) -> None:
    """Collapse the sidebar with « at its top (shown while the pointer is over the sidebar)."""
    page.get_by_test_id("stSidebar").hover()
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()


def expand_sidebar(page) -> None:
    """Open the collapsed sidebar again with » at the page's top left."""
    page.get_by_test_id("stExpandSidebarButton").click()


def pick(page, box: str, option, tries: int = 3) -> None:
    """Pick `option` in the combobox named `box`, again if a rerun closed the list meanwhile (a stored
    run's view redraws while its frames are made)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        page.get_by_role("combobox", name=box).click(timeout=60_000)
        try:
            page.get_by_role("option", name=option).click(timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")


def start_button(page):
    return page.get_by_role("button", name="Start", exact=True)


def open_app(page, url: str, timeout: float = 120.0) -> None:
    """Load the page (a fresh Streamlit session) and wait until Start is visible."""
    page.goto(url)
    start_button(page).wait_for(state="visible", timeout=timeout * 1000)


def set_number(page, label: str, value: int, tries: int = 3) -> None:
    """Type into a number input and wait until the rerun it triggers has shown the value; type it again when the
    rerun of an earlier change redrew the field meanwhile (once in .ci/run, Pretraining epochs showed '4003': the 400
    that a new Points value set, then the 3 typed)."""
    field = page.get_by_label(label, exact=True)
    for _ in range(tries):
        deadline = time.time() + 60
        while field.count() > 1 and time.time() < deadline:  # a rerun in progress still shows the last run's field
            page.wait_for_timeout(250)
        field.fill(str(value))
        field.press("Enter")
        page.wait_for_timeout(400)
        if field.input_value() == str(value):
            return
        page.wait_for_timeout(1000)
    raise RuntimeError(f"the page did not take {label} = {value} (shows {field.input_value()!r})")


def set_epochs(page, pretrain: int, cluster: int) -> None:
    set_number(page, "Pretraining epochs", pretrain)
    set_number(page, "Clustering epochs (at most)", cluster)


def wait_for_end(page, timeout: float) -> str:
    """Wait for the run's closing message (finished, stopped, failed) and return its text."""
    message = page.get_by_text(ENDED).first
    message.wait_for(timeout=timeout * 1000)
    return message.inner_text()


def parse_finished(text: str) -> dict | None:
    """{'phase' (pretrain / cluster), 'epoch', 'seconds', 'device'} from the closing message,
    e.g. "Finished: all planned epochs ran. Clustering epoch 40, 31.2 s in all, on cpu."."""
    match = FINISHED.search(text)
    if match is None:
        return None
    phase = "cluster" if match.group(2) == "Clustering" else "pretrain"
    return {"phase": phase, "epoch": int(match.group(3)), "seconds": float(match.group(4)), "device": match.group(5)}


def stop_run(page, timeout: float = 300.0) -> str:
    """Press Stop until the run's closing message shows; its text. The loop honours Stop only
    between batches, so a long step (a method's k-means set-up, say) delays it."""
    deadline = time.perf_counter() + timeout
    stop, ended = page.get_by_role("button", name="Stop", exact=True), page.get_by_text(ENDED).first
    clicked = -float("inf")
    while time.perf_counter() < deadline:
        if ended.is_visible():
            return ended.inner_text()
        if time.perf_counter() - clicked > 10 and stop.is_visible() and stop.is_enabled():
            stop.click()  # again after 10 s, in case a rerun swallowed the click
            clicked = time.perf_counter()
        page.wait_for_timeout(1000)
    raise TimeoutError(f"the run did not stop within {timeout:.0f} s of pressing Stop")
