"""The app in a real browser for the live-view benchmark: the server as `make app` starts it (`python -m ui.launch`) on a free port
(its own DEEPCLUST_CACHE), headless Debian Chromium through Playwright, and the few page
actions the measurements need (wait for Start, type epochs, press Start, read messages).

Launched as in tests/test_browser.py; the server gets its own process group so that stopping
it also ends the UMAP projection process it started.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1500, "height": 1700}
PROGRESS = re.compile(r"epoch \d+ of \d+")
PACE_TOGGLE = "Show every clustering epoch"  # the sidebar switch of ui/run_state.py, on by default
ENDED = re.compile(r"Finished:|Stopped\.|Interrupted|Training diverged|Unexpected error")
FINISHED = re.compile(r"(Finished: .*?|Stopped\. .*?)(\w+) epoch (\d+), ([\d.]+) s in all, on ([^\s.]+)")
# Every Plotly chart of a page: the live view's charts are frames of the page (ui/live_chart), the others in it.
CHARTS_IN_PAGE_JS = ("[document, ...[...document.querySelectorAll('iframe')].map((f) => { try { return f.contentDocument; }"
                     " catch (e) { return null; } })].filter(Boolean).flatMap((d) => [...d.querySelectorAll('.js-plotly-plot')])")


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
    def launch(cls, cache_dir: str | Path) -> Server:
        port = free_port()
        # the pretraining cache and UMAP's compiled code both under cache_dir, as for a user
        env = {**{k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}, "DEEPCLUST_CACHE": str(cache_dir)}
        command = [sys.executable, "-m", "ui.launch", "--server.port", str(port),
                   "--server.headless", "true", "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false"]
        launched = time.perf_counter()
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
def serving(cache_dir: str | Path):
    """A fresh server for the duration of a `with` block."""
    server = Server.launch(cache_dir)
    try:
        server.wait_for_port()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium through Playwright (it cannot download its own browser here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def run_ready_to_start(browser, workdir: Path, pretrain: int, cluster: int, settle: float, kind: str | None = None,
                       paced: bool = True):
    """A fresh server with an empty cache (so pretraining runs), a page on it with the epochs
    typed in (and the autoencoder `kind` chosen, if given; "Show every clustering epoch" off unless
    `paced`), once the server has gone quiet (UMAP compiles once per server): yields the server, the
    page and the seconds waited; the caller clicks Start."""
    from bench.procs import wait_until_quiet

    with serving(Path(tempfile.mkdtemp(prefix="cache-run-", dir=workdir))) as server:
        page = browser.new_page(viewport=VIEWPORT)
        try:
            open_app(page, server.url)
            waited = wait_until_quiet(server.process.pid, timeout=settle)
            set_epochs(page, pretrain, cluster)
            if kind is not None:
                choose_autoencoder(page, kind)
            if not paced:
                page.get_by_test_id("stSidebar").get_by_text(PACE_TOGGLE, exact=True).click()
                page.wait_for_timeout(400)
            yield server, page, waited
        finally:
            page.close()


def start_button(page):
    return page.get_by_role("button", name="Start", exact=True)


def open_app(page, url: str, timeout: float = 120.0) -> None:
    """Load the page (a fresh Streamlit session) and wait until Start is visible."""
    page.goto(url)
    start_button(page).wait_for(state="visible", timeout=timeout * 1000)


def set_number(page, label: str, value: int) -> None:
    """Type into a number input and wait until the rerun it triggers has shown the value."""
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    page.wait_for_timeout(400)
    if field.input_value() != str(value):
        raise RuntimeError(f"the page did not take {label} = {value} (shows {field.input_value()!r})")


def set_epochs(page, pretrain: int, cluster: int) -> None:
    set_number(page, "Pretraining epochs", pretrain)
    set_number(page, "Clustering epochs (at most)", cluster)


def choose_autoencoder(page, kind: str) -> None:
    """Pick the autoencoder's kind (mlp, conv) in the sidebar's Autoencoder section."""
    page.get_by_test_id("stSidebar").get_by_text("Autoencoder", exact=True).click()
    page.get_by_role("combobox", name="Kind").click()
    page.get_by_role("option", name=kind, exact=True).click()
    page.wait_for_timeout(400)


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
