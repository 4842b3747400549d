"""The input plane in the browser (issue 25 item 2): on moons (300 points), with the page's default method and
its recipe's network, the panel's background (the cluster of every grid point, a heatmap) changes from epoch
to epoch while the run trains (stepped through with "Pause after every epoch", so that each epoch is drawn), and when the replay slider goes back to an earlier epoch the panel shows that
epoch's background again. Reads the heatmap the panel's chart holds (ui/input_plane.py draws it as the chart's
first trace); the screenshots go to test-artifacts/."""
import re

from browser_support import ARTIFACTS, BROWSER_MARKS

from browser_harness import (
    VIEWPORT,
    live_chart,
    open_app,
    pick,
    set_epochs,
    set_number,
    start_button,
    wait_for_end,
)

pytestmark = BROWSER_MARKS
TITLE = "Input plane"
# The background of the input plane's chart as a string (its heatmap's z, as JSON or as Plotly's base64
# bytes); null while the page shows no such chart.
BACKGROUND = """(title) => { const chart = [...document.querySelectorAll('.deepclust-live-chart')].find((c) => {
    const heading = c.querySelector('.gtitle'); return heading && heading.textContent.startsWith(title); });
  if (!chart || !chart.data || !chart.data.length) return null;
  const z = chart.data[0].z; return z && z.bdata ? z.bdata : JSON.stringify(z); }"""


def background(page) -> str | None:
    return page.evaluate(BACKGROUND, TITLE)


def test_the_input_planes_background_follows_the_epochs_live_and_in_replay(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=VIEWPORT)
    open_app(page, server)
    pick(page, "Data set", re.compile(r"^moons"))
    set_number(page, "Points", 300)
    set_epochs(page, 3, 3)
    slow_motion = page.get_by_role("switch", name="Pause after every epoch")  # one epoch at a time, each drawn
    slow_motion.click(force=True, timeout=120_000)
    page.wait_for_timeout(800)
    start_button(page).click(timeout=120_000)
    resume, seen = page.get_by_role("button", name="Resume", exact=True), []
    for _ in range(6):  # pretraining epochs 1 to 3, clustering epochs 0 to 2: the plane of each, paused on it
        resume.wait_for(timeout=300_000)
        page.wait_for_timeout(3000)  # the paused page's last redraw
        shown = background(page)
        if shown is not None and shown not in seen:
            seen.append(shown)
        if len(seen) == 2:
            page.screenshot(path=str(ARTIFACTS / "input-plane-live.png"), full_page=True)
            break
        page.get_by_role("button", name="Step", exact=True).click(timeout=120_000)
        page.wait_for_timeout(1500)
    assert len(seen) >= 2, "the input plane's background was the same at every epoch stepped through"
    slow_motion.click(force=True, timeout=120_000)
    page.wait_for_timeout(800)
    resume.click(timeout=120_000)
    assert "Finished" in wait_for_end(page, 300)

    page.wait_for_timeout(2000)
    last = background(page)
    assert last is not None
    live_chart(page, TITLE).screenshot(path=str(ARTIFACTS / "input-plane-panel.png"))  # the README's picture
    follow = page.get_by_role("switch", name="Follow live")
    if follow.count() and follow.is_checked():
        follow.click(force=True)
        page.wait_for_timeout(1500)
    main = page.get_by_test_id("stMainBlockContainer")  # the replay slider (the sidebar has the data's own)
    slider, replayed = main.get_by_role("slider"), None
    for _ in range(10):  # click the track's start until the slider shows an earlier epoch and the panel its plane
        track, thumb = main.get_by_test_id("stSlider").bounding_box(), slider.bounding_box()
        page.mouse.click(track["x"] + 0.05 * track["width"], thumb["y"] + thumb["height"] / 2)
        page.wait_for_timeout(2000)
        replayed = background(page)
        if replayed is not None and replayed != last:
            break
    page.screenshot(path=str(ARTIFACTS / "input-plane-replay.png"), full_page=True)
    assert replayed is not None and replayed != last, slider.get_attribute("aria-valuetext")
