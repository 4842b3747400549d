"""The Runs page in headless Chromium: a shipped example replays in the live view's panels,
and Streamlit's chart toolbar offers the PNG download the page promises."""
import os
import re
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
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed (make test installs it)")]


@pytest.fixture
def server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DEEPCLUST_CACHE": str(tmp_path / "cache"), "DEEPCLUST_HOME": str(tmp_path / "home")}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.headless", "true", "--server.fileWatcherType", "none"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


def test_an_example_replays_on_the_runs_page(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1500})
        page.goto(server)  # the app's own navigation (a page's URL opened directly bypasses app.py)
        page.get_by_text("Watch deep clustering learn").wait_for(timeout=60_000)  # app.py's navigation is in place
        page.get_by_role("link", name="Runs", exact=True).click()
        page.get_by_role("combobox", name="Open a run").click(timeout=60_000)
        page.get_by_role("option", name=re.compile("example-digits-dekm")).click()
        page.get_by_text(re.compile("Finished: ")).wait_for(timeout=60_000)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 6", timeout=60_000)
        page.locator(".js-plotly-plot").first.hover()
        assert page.locator("[data-title='Download plot as a PNG']").count() >= 1
        assert page.get_by_text(re.compile("camera button")).count() >= 1
        page.screenshot(path=str(ARTIFACTS / "runs-replay.png"), full_page=True)
        browser.close()
