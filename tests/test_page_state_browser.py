"""In Chromium at 1600 x 1000: every page opens from its URL typed in the address bar (a fresh server's first
request included), and the Train page keeps every choice, an uploaded CSV with its label, ID and dropped columns
included, across a visit to other pages through the menu.

Screenshots go to test-artifacts/ (page-state-before.png, page-state-after.png, direct-load-<page>.png).
"""
import re

import numpy as np
from browser_support import ARTIFACTS, BROWSER_MARKS
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser_harness import set_number, start_button

pytestmark = BROWSER_MARKS
UPLOAD_CHOICE = "Your file (CSV, .npy, .npz, .zip of images)"
HEADINGS = {"Sweep": "Sweep", "sweep": "Sweep", "train": "Watch deep clustering learn", "": "Watch deep clustering learn",
            "Train": "Watch deep clustering learn", "explore": "Explore a run", "runs": "Runs",
            "compare": "Compare runs", "learn": "Learn the methods", "Learn": "Learn the methods"}


def test_every_page_opens_from_its_url(fresh_server, browser):
    """The first request of this module's fresh server is /Sweep (as the menu writes it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for path, heading in HEADINGS.items():
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{fresh_server}/{path}")
        page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=120_000)
        page.wait_for_timeout(1000)  # a "Page not found" dialog would have come by now
        assert not page.get_by_text("Page not found").count(), path
        page.screenshot(path=str(ARTIFACTS / f"direct-load-{path or 'root'}.png"))
        page.close()


def csv_file(path):
    """Three Gaussian classes in 3 columns, a noise column to leave out, a label column and an ID column."""
    rng = np.random.default_rng(0)
    kinds = np.repeat(np.arange(3), 40)
    rows = np.array([[0, 0, 0], [6, 6, 0], [0, 6, 6]], dtype=float)[kinds] + rng.normal(size=(len(kinds), 3))
    noise = rng.normal(size=len(kinds))
    lines = ["name,a,b,c,noise,kind"] + [f"row{i},{r[0]:.3f},{r[1]:.3f},{r[2]:.3f},{n:.3f},k{k}"
                                         for i, (r, n, k) in enumerate(zip(rows, noise, kinds))]
    path.write_text("\n".join(lines) + "\n")
    return path


def choose(page, box: str, option: str) -> None:
    """Open the list and click the option; again when a rerun of the page closed the list first (under load)."""
    for attempt in range(4):
        page.get_by_role("combobox", name=box).click(timeout=30_000)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 3:
                raise
    page.wait_for_timeout(800)


def settled(page, label: str) -> None:
    """Wait until the rerun has replaced the previous method's field (both are on the page for a moment)."""
    for _ in range(60):
        if page.get_by_label(label, exact=True).count() == 1:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"more than one {label!r} field after 30 s")


def sidebar_shows(page) -> dict:
    """What the Train page's sidebar shows for each choice this test makes."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Data set").first.wait_for(timeout=120_000)

    def selected(label: str) -> str:
        return sidebar.get_by_role("combobox", name=label).input_value()

    return {"data": selected("Data set"), "label": selected("Label column"), "id": selected("ID column"),
            "left out": sidebar.get_by_test_id("stMultiSelect").first.inner_text().split("\n")[-1:],
            "file": bool(sidebar.get_by_text(re.compile(r"Training on .*mixed\.csv|mixed\.csv")).count()),
            "K": page.get_by_role("spinbutton", name="Clusters K").input_value(),
            "method": selected("Method"), "batch": page.get_by_label("Batch size", exact=True).input_value(),
            "lecture": sidebar.get_by_role("switch", name="Lecture layout").is_checked()}


def test_the_train_page_keeps_an_upload_and_every_choice_across_pages(fresh_server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(fresh_server)
    start_button(page).wait_for(timeout=120_000)
    choose(page, "Data set", UPLOAD_CHOICE)
    page.locator("input[type=file]").set_input_files(str(csv_file(tmp_path / "mixed.csv")))
    choose(page, "Label column", "kind")
    choose(page, "ID column", "name")
    choose(page, "Columns to leave out", "noise")
    page.keyboard.press("Escape")
    page.get_by_text("120 rows").first.wait_for(timeout=30_000)  # the preview's shape
    set_number(page, "Clusters K", 4)
    choose(page, "Method", "IDEC (Improved Deep Embedded Clustering)")
    settled(page, "Batch size")
    set_number(page, "Batch size", 64)
    page.get_by_text("Lecture layout").click()
    page.wait_for_timeout(1500)
    before = sidebar_shows(page)
    assert before == {"data": UPLOAD_CHOICE, "label": "kind", "id": "name", "left out": ["noise"], "file": True,
                      "K": "4", "method": "IDEC (Improved Deep Embedded Clustering)", "batch": "64", "lecture": True}
    page.screenshot(path=str(ARTIFACTS / "page-state-before.png"))
    for title, heading in (("Explore", "Explore a run"), ("Learn", "Learn the methods"), ("Train", None)):
        page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click() if page.get_by_test_id(
            "stSidebarNav").count() else page.get_by_role("link", name=re.compile(title)).first.click()
        if heading:
            page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    assert sidebar_shows(page) == before
    page.get_by_text(re.compile("uploaded earlier in this session")).wait_for(timeout=10_000)  # the kept file
    page.get_by_text("120 rows").first.wait_for(timeout=30_000)  # the same data, read again from the kept file
    page.screenshot(path=str(ARTIFACTS / "page-state-after.png"))
    page.close()
