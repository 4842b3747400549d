"""The HTML report opens in headless Chromium with no network, animates one frame per snapshot, keeps axis
titles clear of tick labels, and downloads every row's result and the cluster profiles."""

import numpy as np
import pytest
from browser_support import BROWSER_MARKS

from browser_harness import chromium
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.report import html_report
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun

pytestmark = BROWSER_MARKS


@pytest.fixture
def report(tmp_path, tiny_run):
    store = RunStore(tmp_path / "store")
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    for seq, _ in enumerate(recorded(iter(tiny_run.snapshots), recording)):
        recording.save_layout(seq, np.random.default_rng(seq).normal(size=(100, 2)))
    text = html_report(StoredRun(store, recording.run_id))
    path = tmp_path / "report.html"
    path.write_text(text, encoding="utf-8")
    return path, text


# Each chart's x-axis title and tick labels, as boxes on the page: they must not overlap.
AXIS_BOXES = """[...document.querySelectorAll('.js-plotly-plot')].map((chart) => ({
  titles: [...chart.querySelectorAll('.g-xtitle text, .g-x2title text')].map((t) => t.getBoundingClientRect().toJSON()),
  ticks: [...chart.querySelectorAll('.xtick text, .x2tick text')].map((t) => t.getBoundingClientRect().toJSON()),
}))"""


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_report_opens_offline_and_animates(report, tiny_run):
    path, text = report
    assert "<script src=" not in text  # plotly.js is inline: nothing to fetch
    requests = []
    with chromium() as browser:
        page = browser.new_page(accept_downloads=True)
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri())
        page.wait_for_function("document.getElementById('animation')._transitionData"
                               " && document.getElementById('rows-download').href.startsWith('blob:')", timeout=30_000)
        assert page.evaluate("document.querySelectorAll('.js-plotly-plot').length") == 5  # 4 curves, the animation
        frames = page.evaluate("document.getElementById('animation')._transitionData._frames.length")
        steps = page.evaluate("document.getElementById('animation').layout.sliders[0].steps.length")
        assert frames == steps == len(tiny_run.snapshots)
        for chart in page.evaluate(AXIS_BOXES):
            assert chart["titles"] and chart["ticks"]
            assert not any(overlaps(title, tick) for title in chart["titles"] for tick in chart["ticks"])
        with page.expect_download() as download:
            page.click("#rows-download")
        rows = open(download.value.path()).read().splitlines()
        assert rows[0].startswith("row,true_label,cluster,") and len(rows) == tiny_run.data.n_samples + 1
        with page.expect_download() as download:
            page.click("#profile-download")  # a table's report: its cluster profiles too
        profile = open(download.value.path()).read().splitlines()
        assert profile[0].startswith("run,cluster,size,") and len(profile) == 1 + 4 * tiny_run.data.n_features
        page.evaluate("window.seen = []; document.getElementById('animation')"
                      ".on('plotly_animatingframe', (event) => window.seen.push(event.name))")
        page.get_by_text("Play", exact=True).click()
        page.wait_for_function(f"window.seen.length == {frames}", timeout=20_000)  # every frame is shown
        assert page.evaluate("window.seen[0]") == "pretrain 1"
        page.hover(".js-plotly-plot")
        assert page.locator("[data-title='Download plot as a PNG']").count() >= 1
        assert page.locator("[data-title='Share chart...']").count() == 0
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests)
