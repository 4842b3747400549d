"""The Explore page on a run of all 70,000 Fashion-MNIST images (measurement 7): each part timed from the
click on Explore in the menu to its drawing in the page, as a user opens it after a run.

Parts, in the page's order: the confusion matrix (on every row, for this tab's run), the cluster sizes,
the members of one cluster (most central and least confident), the decoded centres, and the
points that changed cluster most often. Then another cluster is picked and its members timed again.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

EXPLORE_HEADING = "Explore a run"
# (part, what shows it drawn): a chart's title, or text and the pictures that follow it
PARTS = (("confusion matrix", ".gtitle >> text=/Clusters against labels/"),
         ("cluster sizes", ".gtitle >> text=/Cluster sizes/"),
         ("cluster members", "[data-testid='stImageCaption'] >> text=/ · c\\d+$/"),  # a member's picture: "#41339 · Bag · c3"
         ("decoded centres", "[data-testid='stImageCaption'] >> text=/^cluster 9$/"),
         ("changed most often", "text=/Changes per point|No displayed point has changed/"))
MEMBER_CAPTION = re.compile(r" · c(\d+)$")


def idle(page, timeout: float = 600.0) -> None:
    """Until Streamlit's running indicator has gone (the script's rerun is done)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid^=\"stStatusWidgetRunning\"]')",
                           timeout=timeout * 1000)


def open_explore(page, timeout: float = 600.0) -> dict:
    """Click Explore in the menu; seconds from the click to each part drawn (None: not drawn within
    `timeout`), and the confusion matrix's title (it says on how many rows)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    began = time.perf_counter()
    page.get_by_role("link", name=re.compile("Explore")).first.click()
    page.get_by_role("heading", name=EXPLORE_HEADING, exact=True).first.wait_for(timeout=timeout * 1000)
    times = {"page heading": time.perf_counter() - began}
    for part, selector in PARTS:  # one deadline for all: a part that never shows must not hold the others
        try:
            left = max(1.0, timeout - (time.perf_counter() - began))
            page.locator(selector).first.wait_for(state="attached", timeout=left * 1000)
            times[part] = time.perf_counter() - began
        except PlaywrightTimeout:
            times[part] = None
    idle(page, timeout)
    times["whole page"] = time.perf_counter() - began
    title = page.locator(".gtitle >> text=/Clusters against labels/")
    times["confusion title"] = title.first.text_content() if title.count() else ""
    return times


def pick_cluster(page, cluster: int, timeout: float = 600.0) -> float:
    """Pick `cluster` in the members' picker; seconds until the rerun is done and a member's picture is of it."""
    began = time.perf_counter()
    page.get_by_role("combobox", name="Cluster").click()
    page.get_by_role("option", name=f"cluster {cluster}", exact=True).click()
    page.locator("[data-testid='stImageCaption']", has_text=re.compile(rf" · c{cluster}$")).first.wait_for(
        timeout=timeout * 1000)
    idle(page, timeout)
    return time.perf_counter() - began


def explore_all_rows(page, screenshot: Path) -> dict:
    """Open Explore for this tab's run, time its parts, pick another cluster, screenshot the whole page."""
    times = open_explore(page)
    times["another cluster's members"] = pick_cluster(page, 3)
    page.screenshot(path=str(screenshot), full_page=True)
    return times
