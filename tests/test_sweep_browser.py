"""The Sweep page in headless Chromium: three small sweeps in a row on one server, then a live run on the Train
page trains and draws, and past the time after the first sweep when the server used to exit (Ray's head died
with the sweep's thread, and the app's Ray client gave up on it "within 60 seconds") the server still serves
every page. The server's Ray gives up after GCS_GIVES_UP_S instead of 60 s (Ray's
gcs_rpc_server_reconnect_timeout_s), so that the old failure would show within the test's wait, not a minute on;
the live run goes in that wait."""
import os
import re
import time

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, assert_all_drawn

from browser_harness import VIEWPORT, chromium, serving, set_epochs, set_number, start_button, wait_for_end
from deepclust_core.runs.store import RunStore

pytestmark = BROWSER_MARKS

TINY_VALUES = "stop_tolerance=0.005,0.001\npretrain_epochs=1\ncluster_epochs=1\nhidden=16\nembedding_dim=2"
GCS_GIVES_UP_S = 10
SERVER_USED_TO_EXIT_S = GCS_GIVES_UP_S + 10  # "Failed to connect to GCS within N seconds", from the first sweep's end
PAGES = {"Train": "Watch deep clustering learn", "Explore": "Explore a run", "Runs": "Runs", "Compare": "Compare runs",
         "Sweep": "Sweep", "Learn": "Learn the methods"}


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def server(tmp_path, home):
    with serving(tmp_path / "cache", NUMBA_CACHE_DIR=os.environ["NUMBA_CACHE_DIR"], DEEPCLUST_HOME=str(home),
                 RAY_gcs_rpc_server_reconnect_timeout_s=str(GCS_GIVES_UP_S)) as server:
        yield server


def open_page(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=PAGES[name], exact=True, level=1).wait_for(timeout=60_000)


def set_up_sweep(page) -> None:
    """blobs (200 points), DEKM alone, two stop tolerances of a 1 + 1 epoch run, seed 0: two trials."""
    page.get_by_role("combobox", name="Data set").click()
    page.get_by_role("option", name=re.compile("^blobs")).click()
    set_number(page, "Points", 200)
    methods = page.get_by_role("combobox", name="Methods")
    methods.click()
    methods.press("Backspace")  # the default is DEKM and IDEC: IDEC goes
    page.keyboard.press("Escape")
    values = page.get_by_role("textbox", name="Values to sweep")
    values.fill(TINY_VALUES)
    values.press("Control+Enter")
    seeds = page.get_by_role("textbox", name="Seeds")
    seeds.fill("0")
    seeds.press("Enter")
    page.get_by_role("button", name=re.compile(r"^Start 2 trials")).wait_for(timeout=30_000)


def run_sweep(page, previous: str | None) -> str:
    """Start the sweep set up and wait until it has ended (a sweep other than `previous`); its id."""
    page.get_by_role("button", name=re.compile(r"^Start 2 trials")).click()
    ended = page.wait_for_function("""(previous) => {
        const found = document.body.innerText.match(/(sweep-[\\w-]+): 2 of 2 trials ended/);
        return found && found[1] !== previous && found[1]; }""", arg=previous, timeout=300_000).json_value()
    page.get_by_role("heading", name="Results").wait_for(timeout=60_000)
    return ended


def test_three_sweeps_in_a_row_leave_the_server_serving_and_training(server, home):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(server.url)
        page.get_by_text("Watch deep clustering learn").wait_for(timeout=60_000)
        open_page(page, "Sweep")
        set_up_sweep(page)
        sweeps = [run_sweep(page, None)]
        first_ended = time.monotonic()
        for _ in range(2):
            sweeps.append(run_sweep(page, sweeps[-1]))
        assert page.get_by_text("The sweep stopped").count() == 0
        store = RunStore(home)
        assert [sorted(r.status for r in store.sweep_runs(sweep)) for sweep in sweeps] == [["finished"] * 2] * 3
        page.screenshot(path=str(ARTIFACTS / "sweep-three-in-a-row.png"), full_page=True)

        open_page(page, "Train")
        set_epochs(page, 2, 2)
        start_button(page).click()
        assert_all_drawn(page, "a live run after the sweeps", {"Autoencoder space", "ACC / NMI / ARI", "Loss terms"}, 120)
        assert wait_for_end(page, 300).startswith("Finished")
        page.screenshot(path=str(ARTIFACTS / "sweep-then-live-run.png"), full_page=True)

        page.wait_for_timeout(max(0.0, first_ended + SERVER_USED_TO_EXIT_S - time.monotonic()) * 1000)
        assert server.process.poll() is None, "the app's server exited"
        for name in PAGES:
            open_page(page, name)
            assert page.get_by_test_id("stException").count() == 0, f"{name} shows an exception"
        assert server.process.poll() is None
