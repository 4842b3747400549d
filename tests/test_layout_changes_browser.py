"""Panels survive layout changes (issue 24): after a run ends, and after Play then Pause replay, collapsing
and expanding the sidebar, resizing the window and switching the lecture layout on and off leave every chart
of the live view drawn: its frame and its plot taller than 0 px, and marks in colour in its picture. (Plotly's
resize used to size a chart from its frame's content, 0 px high, and leave it blank until its next figure.)
A short DEKM run on digits in headless Chromium; screenshots go to test-artifacts/."""
from browser_support import ARTIFACTS, BROWSER_MARKS, assert_all_drawn
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser_harness import collapse_sidebar, expand_sidebar, open_app, pick, set_epochs, start_button, wait_for_end

pytestmark = BROWSER_MARKS
SCREEN = {"width": 1280, "height": 720}
LARGE = {"width": 1600, "height": 1000}
CHARTS = ("Autoencoder space", "DEKM transformed space", "eigenvalues of S_w", "ACC / NMI / ARI", "Loss terms")
def sidebar_out_and_back(page, when: str, charts: set[str]) -> None:
    collapse_sidebar(page)
    assert_all_drawn(page, f"collapsing the sidebar ({when})", charts)
    expand_sidebar(page)
    assert_all_drawn(page, f"expanding the sidebar ({when})", charts)


def resize_and_back(page, when: str, charts: set[str]) -> None:
    page.set_viewport_size(LARGE)
    assert_all_drawn(page, f"widening the window ({when})", charts)
    page.set_viewport_size(SCREEN)
    assert_all_drawn(page, f"narrowing the window ({when})", charts)


def play_then_pause(page, tries: int = 3) -> None:
    """Press Play, then Pause replay before the replay ends (again if a loaded machine let it end first)."""
    last = page.get_by_role("slider").get_attribute("aria-valuetext")  # the run's last epoch, shown after it
    for attempt in range(tries):
        page.get_by_role("button", name="Play", exact=True).click()
        try:
            page.get_by_role("button", name="Pause replay").click(timeout=10_000)
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            continue
        page.get_by_role("button", name="Play", exact=True).wait_for(timeout=30_000)
        if page.get_by_role("slider").get_attribute("aria-valuetext") != last:  # paused before the end
            return
    raise AssertionError(f"the replay reached its end before Pause replay, {tries} times")


def test_every_chart_stays_drawn_through_sidebar_resize_and_lecture_layout(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=SCREEN)
    open_app(page, server)
    set_epochs(page, 3, 3)
    start_button(page).click()
    wait_for_end(page, 900)  # minutes on a loaded machine: pretraining a fresh cache, UMAP starting
    charts = assert_all_drawn(page, "the run's end", set(CHARTS))
    sidebar_out_and_back(page, "finished run", charts)
    resize_and_back(page, "finished run", charts)

    pick(page, "Speed", "0.5 epochs/s")
    page.wait_for_timeout(1500)
    play_then_pause(page)
    charts = assert_all_drawn(page, "Play, then Pause replay", {"Autoencoder space", "ACC / NMI / ARI"})
    sidebar_out_and_back(page, "paused replay", charts)
    resize_and_back(page, "paused replay", charts)

    page.get_by_text("Lecture layout").click()
    charts = assert_all_drawn(page, "switching the lecture layout on", {"Autoencoder space", "ACC / NMI / ARI"})
    collapse_sidebar(page)
    assert_all_drawn(page, "collapsing the sidebar (lecture layout)", charts)
    page.screenshot(path=str(ARTIFACTS / "layout-change-lecture.png"))
    resize_and_back(page, "lecture layout", charts)
    expand_sidebar(page)
    assert_all_drawn(page, "expanding the sidebar (lecture layout)", charts)
    page.get_by_text("Lecture layout").click()
    assert_all_drawn(page, "switching the lecture layout off", charts)
