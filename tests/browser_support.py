"""Shared by the browser tests: Debian's Chromium, the flags that work here, and a
server started as `make app` starts it (`python -m ui.launch`), on a free port."""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
BROWSER_MARKS = [pytest.mark.browser,
                 pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed (make test installs it)")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(**env: str):
    """The app on a free port with `env` added to the environment; yields its URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "ui.launch", "--server.port", str(port),
                                "--server.headless", "true", "--server.fileWatcherType", "none"],
                               cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def chart_frame(page, title: str, timeout: float = 60.0):
    """The frame holding the live view's chart titled `title` (ui/live_chart draws each in a frame of the page)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for frame in page.frames:
            try:
                if frame.locator(".gtitle", has_text=title).count():
                    return frame
            except Exception:  # noqa: BLE001 - a frame that left the page during the look
                continue
        page.wait_for_timeout(250)
    raise TimeoutError(f"no chart titled {title!r} within {timeout:.0f} s")


def set_number(page, label: str, value: int) -> None:
    """Type a value into the page's number input of that label and let the page rerun."""
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    page.wait_for_timeout(500)
