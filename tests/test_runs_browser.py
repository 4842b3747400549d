"""The Runs page in headless Chromium: a shipped example replays in the live view's panels,
and Streamlit's chart toolbar offers the PNG download the page promises; a page's own URL
opened first on a fresh server still runs inside app.py's navigation."""
import re

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, app_server, assert_all_drawn

from browser_harness import chromium, live_chart

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(tmp_path):
    with app_server(tmp_path / "cache", DEEPCLUST_HOME=str(tmp_path / "home")) as url:
        yield url


def test_an_example_replays_on_the_runs_page(server):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1500, "height": 1500})
        page.goto(server)
        page.get_by_text("Watch deep clustering learn").wait_for(timeout=60_000)  # app.py's navigation is in place
        page.get_by_role("link", name="Runs", exact=True).click()
        page.get_by_role("combobox", name="Open a run").click(timeout=60_000)
        page.get_by_role("option", name=re.compile("example-digits-dekm")).click()
        page.get_by_text(re.compile("Finished: ")).wait_for(timeout=60_000)
        # both panels and the spectrum, each with marks in it (test_runs_pages checks what the curves hold)
        assert_all_drawn(page, "opening the example", {"Autoencoder space", "DEKM transformed space", "eigenvalues of S_w"})
        panel = live_chart(page, "Autoencoder space")
        panel.hover()
        assert panel.locator("[data-title^='Download plot as a' i]").count() >= 1  # the camera button
        assert page.get_by_text(re.compile("camera button")).count() >= 1
        page.screenshot(path=str(ARTIFACTS / "runs-replay.png"), full_page=True)


def test_branch_from_an_example_epoch_then_compare(server):
    """Runs: open the DEKM example, branch from an epoch with fewer clustering epochs; the child
    trains on the Train page, then the Compare page shows parent and child."""
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1500, "height": 1500})
        page.goto(server)
        page.get_by_text("Watch deep clustering learn").wait_for(timeout=60_000)
        page.get_by_role("link", name="Runs", exact=True).click()
        page.get_by_role("combobox", name="Open a run").click(timeout=60_000)
        page.get_by_role("option", name=re.compile("example-digits-dekm")).click()
        page.get_by_text("Branch from this epoch").click(timeout=60_000)
        field = page.get_by_role("spinbutton", name="Clustering epochs")
        field.fill("2")
        field.press("Enter")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "branch-settings.png"), full_page=True)
        page.get_by_role("button", name="Start the branch").click()
        page.get_by_text("Watch deep clustering learn").wait_for(timeout=60_000)  # on the Train page
        page.get_by_text(re.compile("^Finished")).first.wait_for(timeout=300_000)
        page.screenshot(path=str(ARTIFACTS / "branch-trained.png"), full_page=True)

        page.get_by_role("link", name="Compare", exact=True).click()
        page.get_by_text("Final metrics").wait_for(timeout=60_000)  # parent and child, chosen for us
        page.wait_for_function("[...document.querySelectorAll('.legendtext')].some(e => /^2\\. dekm · \\d{8}-/.test(e.textContent))",
                               timeout=60_000)
        names = set(page.evaluate("[...document.querySelectorAll('.legendtext')].map(e => e.textContent)"))
        assert "1. dekm · example-digits-dekm" in names  # the parent first, then the child (a run of the user's)
        assert any(re.fullmatch(r"2\. dekm · \d{8}-\d{6}-\w+", name) for name in names)
        page.screenshot(path=str(ARTIFACTS / "branch-compare.png"), full_page=True)


def test_a_page_url_opened_first_goes_through_the_app(server):
    """The first request after the server starts is for a page's own URL (a bookmark, a restored tab):
    it still runs inside app.py's navigation, not as a lone page file under Streamlit's pages-folder menu."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(server + "/learn")
        page.get_by_text("Learn the methods").wait_for(timeout=60_000)
        page.get_by_role("link", name="Train", exact=True).wait_for(timeout=30_000)  # app.py's menu
        assert page.get_by_role("link", name="app", exact=True).count() == 0  # the pages-folder menu lists app.py
        assert page.title() == "deepclust"  # app.py's page config
