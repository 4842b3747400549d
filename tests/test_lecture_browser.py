"""The app on a projector-sized screen in headless Chromium (1280 x 720, sidebar collapsed).

Train: a short DEKM run on digits in the lecture layout; everything a lecture watches is in view without
scrolling (the scoreboard, both panels with their captions, the controls with Ring misclustered points, the
ACC curve and DEKM's S_w spectrum), no label is cut, chart text is at least 18 px and no two texts of a chart
overlap, nor a legend its plot, the final numbers stay, and Play after the run replays it to the last epoch. Runs: Play replays a shipped example to its end, and Pause stops
it. On every page: never more than 8 live WebGL contexts and no "Too many active WebGL contexts".
Screenshots go to test-artifacts/.
"""
import re
import time

from browser_support import ARTIFACTS, BROWSER_MARKS, chart_text_problems, overlap

from browser_harness import collapse_sidebar, live_chart, open_app, pick, set_epochs, start_button

pytestmark = BROWSER_MARKS
SCREEN = {"width": 1280, "height": 720}
# Counts the page's WebGL contexts that are neither lost nor detached (added before the app's own scripts).
COUNT_CONTEXTS = """
window.__contexts = [];
const getContext = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
  const context = getContext.call(this, type, ...rest);
  if (context && String(type).includes("webgl") && !window.__contexts.some((c) => c.context === context)) {
    window.__contexts.push({canvas: this, context});
  }
  return context;
};
"""
LIVE_CONTEXTS = "() => (window.__contexts || []).filter((c) => !c.context.isContextLost()).length"


def live_contexts(page) -> int:
    """Live WebGL contexts in the page."""
    return page.evaluate(LIVE_CONTEXTS)


def watched_page(browser):
    """A 1280 x 720 page that counts WebGL contexts and collects the browser's WebGL warnings."""
    page = browser.new_page(viewport=SCREEN)
    page.add_init_script(COUNT_CONTEXTS)
    page.warnings = []
    page.on("console", lambda m: page.warnings.append(m.text) if "Too many active WebGL" in m.text else None)
    return page


def in_view(locator) -> bool:
    box = locator.bounding_box()
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= SCREEN["width"]
            and box["y"] + box["height"] <= SCREEN["height"])


LECTURE_CHARTS = ("Autoencoder space", "DEKM transformed space", "ACC / NMI / ARI", "eigenvalues of S_w")


def play_to_the_end(page, timeout: float = 90) -> list[str]:
    """Press Play on a finished run; the epochs the slider showed until it reached the last one again."""
    slider = page.get_by_role("slider")
    last = slider.get_attribute("aria-valuetext")
    page.get_by_role("button", name="Play", exact=True).click()
    shown, deadline = [last], time.time() + timeout
    while time.time() < deadline:
        value = slider.get_attribute("aria-valuetext")
        if value != shown[-1]:
            shown.append(value)
        if value == last and len(shown) > 2:
            break
        page.wait_for_timeout(100)
    return shown[1:]


def test_a_lecture_on_a_1280_by_720_screen(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = watched_page(browser)
    open_app(page, server)
    set_epochs(page, 5, 5)
    page.get_by_text("Lecture layout").click()
    page.wait_for_timeout(1500)  # the rerun the toggle starts
    start_button(page).click()
    collapse_sidebar(page)
    tiles = page.locator(".st-key-scoreboard").get_by_test_id("stMetric")
    tiles.filter(has_text="Clustering").filter(has_text="finished").wait_for(timeout=300_000)
    page.wait_for_timeout(3000)  # the last frame
    page.screenshot(path=str(ARTIFACTS / "lecture.png"))
    assert tiles.count() == 5 and all(in_view(tiles.nth(i)) for i in range(5))  # phase, ACC, NMI, ARI, loss
    assert re.search(r"ACC\s+0\.\d{3}\s+[+-]0\.\d{3}\s+vs AE \+ k-means", tiles.nth(1).inner_text())
    charts = {title: live_chart(page, title) for title in LECTURE_CHARTS}
    for title, chart in charts.items():
        assert in_view(chart), title
        assert not chart_text_problems(chart), (title, chart_text_problems(chart))
    boxes = [chart.bounding_box() for chart in charts.values()]
    captions = [page.get_by_text(re.compile(text)).first for text in ("UMAP of this epoch", "k-means update")]
    for caption in captions:  # the panels' captions, where "N epochs behind" is said
        assert in_view(caption), caption.inner_text()
        boxes.append(caption.bounding_box())
    corners = [(b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]) for b in boxes]
    assert not any(overlap(a, b) for i, a in enumerate(corners) for b in corners[i + 1:]), corners
    for control in (page.get_by_text("Ring misclustered points", exact=True), start_button(page),
                    page.get_by_role("button", name="Play", exact=True), page.get_by_test_id("stExpandSidebarButton")):
        assert in_view(control), control
    assert not overlap(*[(b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]) for b in
                         (start_button(page).bounding_box(), page.get_by_test_id("stExpandSidebarButton").bounding_box())])
    for label in ("Follow live", "Colour by", "Show the pretrained space"):  # drawn whole, not "Follo…"
        text = page.get_by_text(label, exact=True).first
        assert text.evaluate("e => e.scrollWidth <= e.clientWidth"), label

    pick(page, "Speed", "1 epoch/s")
    page.wait_for_timeout(1500)
    shown = play_to_the_end(page)
    assert shown[-1].startswith("cluster") and len(shown) >= 3, shown  # it played, through epochs, to the end
    page.screenshot(path=str(ARTIFACTS / "lecture-replayed.png"))
    assert live_contexts(page) <= 8 and not page.warnings


def open_example(page) -> None:
    """Pick the digits DEKM example in "Open a run"."""
    pick(page, "Open a run", re.compile("example-digits-dekm"))


def test_play_and_pause_on_the_runs_page_and_webgl_on_every_page(server, browser):
    page = watched_page(browser)
    open_app(page, server)
    page.get_by_role("link", name="Runs", exact=True).click()
    open_example(page)
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=60_000)
    pick(page, "Speed", "8 epochs/s")  # the fastest: the example's 41 epochs in about 5 s, not 20
    page.wait_for_timeout(1500)
    shown = play_to_the_end(page)
    assert len(shown) >= 3 and shown[0].startswith("pretrain"), shown

    pick(page, "Speed", "0.5 epochs/s")
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause replay").click(timeout=30_000)
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=30_000)
    paused = page.get_by_role("slider").get_attribute("aria-valuetext")
    page.wait_for_timeout(4000)
    assert page.get_by_role("slider").get_attribute("aria-valuetext") == paused  # Pause stopped it

    for name in ("Explore", "Compare", "Train"):
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_timeout(6000)
        assert live_contexts(page) <= 8, name
    assert not page.warnings
