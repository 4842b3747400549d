"""End to end: `streamlit run` on a free port, driven by Playwright in Debian's Chromium.

Starts a short run, waits until the epoch counter and the charts change, checks that a zoomed live chart
stays the same plot with the same zoom over the next epoch (ui/live_chart updates it in place), scrubs the
replay slider, and saves screenshots under test-artifacts/.
"""
import re

from browser_support import ARTIFACTS, BROWSER_MARKS, assert_all_drawn

from browser_harness import PROGRESS, VIEWPORT, live_chart, open_app, set_epochs, start_button

pytestmark = BROWSER_MARKS
ZOOM = [-1, 1]  # an x range the user zoomed to
MARK_AND_ZOOM = "(chart, zoom) => { chart.__marked = true; return chart.__plotly.relayout(chart, {'xaxis.range': zoom}); }"
MARK_AND_RANGE = "(chart) => [chart.__marked === true, chart.layout.xaxis.range]"


def progress_text(page) -> str:
    return page.get_by_text(PROGRESS).first.inner_text()


def next_epoch(page) -> None:
    shown = progress_text(page)
    page.wait_for_function(f"() => !document.body.innerText.includes({shown!r})", timeout=60_000)


def test_live_training_in_the_browser(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=VIEWPORT)
    open_app(page, server)
    set_epochs(page, 8, 8)
    start_button(page).click()
    page.get_by_text(PROGRESS).first.wait_for(timeout=60_000)
    first = progress_text(page)
    next_epoch(page)
    assert progress_text(page) != first  # the epoch counter moves
    panel = live_chart(page, "Autoencoder space")
    panel.evaluate(MARK_AND_ZOOM, ZOOM)
    next_epoch(page)
    page.wait_for_timeout(1500)  # the new epoch's figure drawn
    assert panel.evaluate(MARK_AND_RANGE) == [True, ZOOM]  # the same plot, updated, still zoomed
    # both panels, the ACC and loss curves, each with marks in it (the other curves come when the run pauses or ends)
    assert_all_drawn(page, "the first epochs", {"Autoencoder space", "DEKM", "ACC / NMI / ARI", "Loss terms"}, 120)
    page.screenshot(path=str(ARTIFACTS / "live-training.png"), full_page=True)

    ending = page.get_by_text(re.compile(r"(Finished|Stopped).* epoch \d+, ")).first
    ending.wait_for(timeout=480_000)
    phase, epoch = re.search(r"(Pretraining the autoencoder|Clustering) epoch (\d+),", ending.inner_text()).groups()
    last = f"{'cluster' if phase == 'Clustering' else 'pretrain'} {epoch}"
    page.screenshot(path=str(ARTIFACTS / "finished.png"), full_page=True)
    follow = page.get_by_role("switch", name="Follow live")
    for _ in range(10):  # stop following, then scrub back (retry: the page may be mid-redraw)
        if not follow.is_checked():
            break
        follow.click(force=True)
        page.wait_for_timeout(1500)
    assert not follow.is_checked()
    slider = page.get_by_role("slider")
    for _ in range(10):  # click the middle of the track until the slider is enabled and leaves the last epoch
        track = page.get_by_test_id("stSlider").bounding_box()
        thumb = slider.bounding_box()
        page.mouse.click(track["x"] + 0.4 * track["width"], thumb["y"] + thumb["height"] / 2)
        page.wait_for_timeout(2000)
        if slider.get_attribute("aria-valuetext") != last:
            break
    shown = slider.get_attribute("aria-valuetext")
    assert re.fullmatch(r"(pretrain|cluster) \d+", shown) and shown != last
    page.wait_for_timeout(2000)  # let both panels redraw for the screenshot
    page.screenshot(path=str(ARTIFACTS / "replay.png"), full_page=True)
