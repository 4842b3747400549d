"""A race of DEKM and DEC on digits in headless Chromium, on a 1280 x 720 screen in the lecture layout with the
sidebar collapsed: both methods' panels update while they train, each method's scoreboard line, its panels and
the shared ACC chart are in view without scrolling, the chart has a line per method, and after the race one Play
replays both methods to their last epochs. Screenshots go to test-artifacts/."""
import time

from browser_support import ARTIFACTS, BROWSER_MARKS

from browser_harness import collapse_sidebar, live_chart, pick, set_number

pytestmark = BROWSER_MARKS
SCREEN = {"width": 1280, "height": 720}
METHODS = ("dekm", "dec")
# Each method's epoch on screen, from the race view's hidden markers (ui/race_view.py)
MARKERS = """() => [...document.querySelectorAll('.race-epoch')].map((m) => ({method: m.dataset.method,
  phase: m.dataset.phase, epoch: Number(m.dataset.epoch), place: Number(m.dataset.place)}))"""


def in_view(box) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= SCREEN["width"]
            and box["y"] + box["height"] <= SCREEN["height"])


def on_screen(page) -> dict[str, tuple[str, int, int]]:
    """(phase, epoch, the place on the race's axis drawn for) each method shows now."""
    return {m["method"]: (m["phase"], m["epoch"], m["place"]) for m in page.evaluate(MARKERS)}


def watch(page, until, timeout: float) -> list[dict[str, tuple[str, int]]]:
    """What the methods show, every 200 ms, until `until(page)` (or `timeout` seconds)."""
    seen, deadline = [], time.time() + timeout
    while time.time() < deadline and not until(page):
        shown = on_screen(page)
        if shown and (not seen or shown != seen[-1]):
            seen.append(shown)
        page.wait_for_timeout(200)
    return seen


def clustering_epochs(seen, method: str) -> set[int]:
    return {shown[method][1] for shown in seen if method in shown and shown[method][0] == "cluster"}


def test_a_race_of_two_methods_on_digits(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=SCREEN)
    page.goto(server + "/race")
    start = page.get_by_role("button", name="Start race")
    start.wait_for(timeout=120_000)
    set_number(page, "Pretraining epochs", 8)
    set_number(page, "Clustering epochs (at most)", 8)
    page.get_by_text("Lecture layout").click()
    page.wait_for_timeout(1500)
    start.click()
    collapse_sidebar(page)
    over = page.get_by_text("The race is over")  # (ui/race_setup.py)
    seen = watch(page, lambda p: over.is_visible(), timeout=600)
    assert over.is_visible(), f"the race did not end; last shown {seen[-1:]}"
    lines = page.locator(".race-line")
    assert all("finished" in lines.nth(i).inner_text() or "converged" in lines.nth(i).inner_text()
               for i in range(lines.count())), [lines.nth(i).inner_text() for i in range(lines.count())]
    for method in METHODS:  # each method's panels showed several of its clustering epochs as it trained
        assert len(clustering_epochs(seen, method)) >= 3, (method, seen)
    page.wait_for_timeout(3000)  # the last frames
    page.screenshot(path=str(ARTIFACTS / "race.png"))

    assert lines.count() == 2 and all(in_view(lines.nth(i).bounding_box()) for i in range(2))
    assert "DEKM" in lines.nth(0).inner_text() and "DEC" in lines.nth(1).inner_text()
    assert all("ACC" in lines.nth(i).inner_text() for i in range(2))
    autoencoder_panels = page.locator(".deepclust-live-chart", has=page.locator(".gtitle", has_text="Autoencoder space"))
    panels = [autoencoder_panels.nth(i).bounding_box() for i in range(autoencoder_panels.count())]
    assert len(panels) == 2 and all(in_view(box) for box in panels)
    chart = live_chart(page, "ACC of every method")
    assert in_view(chart.bounding_box())
    assert chart.locator(".scatterlayer .trace").count() == 2  # a line per method
    last = on_screen(page)

    pick(page, "Speed", "1 epoch/s")  # a replay skips epochs that the browser cannot redraw in time
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause replay").wait_for(timeout=30_000)
    replayed = watch(page, lambda p: p.get_by_role("button", name="Play", exact=True).is_visible(), timeout=180)
    replayed += watch(page, lambda p: on_screen(p) == last, timeout=60)  # (Play is back before the panels are)
    replayed.append(on_screen(page))
    page.screenshot(path=str(ARTIFACTS / "race-replayed.png"))
    # from the start: the first epoch seen in the replay lies in the first half of what the race showed live, from
    # its first epoch on screen (its pretraining, or its first clustering epoch when the session's server had the
    # autoencoder in its cache); a busy machine may take the replay's first look a few epochs in, and a replay that
    # went on from where the race ended would start at its last epoch
    first = min(shown["dekm"][2] for shown in seen if "dekm" in shown)
    assert replayed and replayed[0].get("dekm", ("", 0, 10**6))[2] <= first + (last["dekm"][2] - first) / 2, replayed
    for method in METHODS:  # both moved through their clustering epochs, in step, to their last
        assert len(clustering_epochs(replayed, method)) >= 3, (method, replayed)
        assert max(clustering_epochs(replayed, method)) == last[method][1], (method, replayed)
    drawn_together = [shown for shown in replayed if len({place for _, _, place in shown.values()}) == 1]
    assert len(drawn_together) >= 3, replayed  # (the browser takes one method's new picture before the other's)
    for shown in drawn_together:  # one epoch for both, but where one had stopped sooner and keeps its last picture
        epochs = {method: shown[method][1] for method in METHODS if shown.get(method, ("",))[0] == "cluster"}
        if len(epochs) == 2 and len(set(epochs.values())) == 2:
            stopped = min(epochs, key=epochs.get)
            assert epochs[stopped] == last[stopped][1], shown
