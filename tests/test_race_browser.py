"""A race of DEKM and DEC on digits in headless Chromium, on a 1280 x 720 screen in the lecture layout with the
sidebar collapsed: both methods' panels update while they train, each method's scoreboard line, its panels and
the shared ACC chart are in view without scrolling, the chart has a line per method, and after the race one Play
replays both methods to their last epochs. Screenshots go to test-artifacts/."""
import re
import time

from browser_support import ARTIFACTS, BROWSER_MARKS

from browser_harness import collapse_sidebar, live_chart, pick, set_number
from deepclust_core.runs.store.rows import epoch_position

pytestmark = BROWSER_MARKS
SCREEN = {"width": 1280, "height": 720}
METHODS = ("dekm", "dec")
PRETRAIN = 8  # epochs, as typed in the page
# Each method's scoreboard line (ui/race_scoreboard.py), in race order: the epoch its panels show, and whether that
# is its last picture (it stopped before the place the others show)
LINES = """() => [...document.querySelectorAll('.race-line')].map((line) => ({
  epoch: line.querySelector('.epoch')?.textContent ?? null, last: line.querySelector('.last') !== null}))"""
EPOCH = re.compile(r"^(?:pretraining (\d+)/|clustering (\d+)/|k-means start)")


def in_view(box) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= SCREEN["width"]
            and box["y"] + box["height"] <= SCREEN["height"])


def on_screen(page) -> dict[str, tuple[str, int, int, bool]]:
    """(phase, epoch, its place on the race's axis, whether it is the method's last picture) each method shows now,
    as its scoreboard line says."""
    shown = {}
    for method, line in zip(METHODS, page.evaluate(LINES)):
        match = EPOCH.match(line["epoch"] or "")
        if match:
            phase = "pretrain" if match.group(1) else "cluster"
            epoch = int(match.group(1) or match.group(2) or 0)
            shown[method] = (phase, epoch, epoch_position(phase, epoch, PRETRAIN), line["last"])
    return shown


def drawn_for_one_place(shown) -> bool:
    """Every method shows one place on the race's axis, but one that stopped before it, which keeps its last
    picture (the browser takes one method's new line before the other's)."""
    going = {place for _, _, place, last in shown.values() if not last}
    if not going:  # every method shows its last picture
        return True
    return len(going) == 1 and all(place <= min(going) for _, _, place, _ in shown.values())


def watch(page, until, timeout: float) -> list[dict[str, tuple[str, int, int, bool]]]:
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
    set_number(page, "Pretraining epochs", PRETRAIN)
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
    drawn_together = [shown for shown in replayed if len(shown) == 2 and drawn_for_one_place(shown)]
    assert len(drawn_together) >= 3, replayed
    for shown in drawn_together:  # one epoch for both, but where one had stopped sooner and keeps its last picture
        for method, (phase, epoch, _, last_picture) in shown.items():
            assert not last_picture or (phase, epoch) == last[method][:2], (method, shown)
