"""What the browser tests add to the harness they share with the benchmarks (browser_harness.py: Chromium,
the app's server, the live view's charts, page actions): their pytest marks, where their screenshots go, and a
server whose UMAP code comes from the session's one compiled-code folder (conftest's NUMBA_CACHE_DIR)."""
import contextlib
import os
import time

import pytest

from browser_harness import CHROMIUM, ROOT, serving

ARTIFACTS = ROOT / "test-artifacts"
BROWSER_MARKS = [pytest.mark.browser,
                 pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed (make test installs it)")]


@contextlib.contextmanager
def app_server(cache_dir, *, streamlit_run: bool = False, **env: str):
    """The app on a free port with its pretraining cache in `cache_dir` and `env` added, started as
    `make app` does or, with `streamlit_run`, as `streamlit run app.py`; yields its URL."""
    numba = os.environ["NUMBA_CACHE_DIR"]
    with serving(cache_dir, streamlit_run=streamlit_run, NUMBA_CACHE_DIR=numba, **env) as server:
        yield server.url


# Every text of a chart: its words, font size and box; and the boxes of its plot area and its legends; all relative
# to the chart's own box (a text outside it is cut).
CHART_TEXTS = """(chart) => {
  const c = chart.getBoundingClientRect();
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top]; };
  return {
    texts: [...chart.querySelectorAll('svg text')].filter((t) => t.textContent.trim()).map((t) => (
      {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), box: box(t)})),
    plot: box(chart.querySelector('.nsewdrag')), width: c.width, height: c.height,
    legends: [...chart.querySelectorAll('.legend')].map(box),
  };
}"""


def overlap(a, b, slack: float = 1.0) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap by more than `slack` pixels each way."""
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def overlapping_texts(texts: list[dict]) -> list[str]:
    """The pairs of a chart's texts (CHART_TEXTS' "texts") whose boxes overlap."""
    return [f"{a['text']!r} overlaps {b['text']!r}" for i, a in enumerate(texts) for b in texts[i + 1:]
            if overlap(a["box"], b["box"])]


def chart_text_problems(live) -> list[str]:
    """What is wrong with a chart's text in the lecture layout: text under 18 px, cut by the chart's edge or
    overlapping another, a legend on the plot area."""
    chart = live.evaluate(CHART_TEXTS)
    texts = chart["texts"]
    problems = [f"{t['text']!r} at {t['size']} px" for t in texts if t["size"] < 18]
    problems += [f"{t['text']!r} is cut by the chart's edge: {t['box']}" for t in texts
                 if min(t["box"][:2]) < -1 or t["box"][2] > chart["width"] + 1 or t["box"][3] > chart["height"] + 1]
    problems += overlapping_texts(texts)
    problems += [f"a legend overlaps the plot: {legend}" for legend in chart["legends"] if overlap(legend, chart["plot"])]
    return problems


# A live view chart (ui/live_chart): its title (the lines of a title wrapped to the chart's width joined by
# spaces again), the height of its element and of its plot.
CHART_STATE = """(chart) => { const title = chart.querySelector('.gtitle'), plot = chart.querySelector('.svg-container');
  const lines = title ? [...title.querySelectorAll('.line')].map((line) => line.textContent) : [];
  return {title: lines.length ? lines.join(' ') : title ? title.textContent : '',
          height: chart.getBoundingClientRect().height, plot: plot ? plot.getBoundingClientRect().height : 0}; }"""
COLOURED = 60  # a pixel whose channels differ by more than this is a mark in colour, not white, grey or black
MARKS = 100  # coloured pixels a drawn chart shows at least (a point panel shows thousands, a curve hundreds)


def coloured_pixels(png: bytes) -> int:
    """How many pixels of a screenshot are in colour."""
    import io

    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > COLOURED).sum())


def chart_states(page) -> dict[str, str]:
    """Each live view chart on the page, by title: "drawn", or what is wrong with it (its element or its plot
    0 px high, or no mark in colour in its picture, as the page shows it)."""
    states = {}
    for element in page.query_selector_all(".deepclust-live-chart"):  # handles: one that leaves the page fails at once
        try:
            chart = element.evaluate(CHART_STATE)
            if chart["height"] < 1 or chart["plot"] < 1:
                states[chart["title"]] = f"blank: element {chart['height']} px, plot {chart['plot']} px high"
                continue
            marks = coloured_pixels(element.screenshot(timeout=10_000))
        except Exception:  # noqa: BLE001 - a chart that left the page meanwhile (the next look sees the new one)
            continue
        states[chart["title"]] = "drawn" if marks >= MARKS else f"blank: {marks} coloured pixels"
    return states


SETTLE_MS = 1500  # after each change: Plotly resizes 0.1 s after the window does, the sidebar slides for 0.3 s


def assert_all_drawn(page, after: str, expected: set[str], timeout: float = 90) -> set[str]:
    """Every live view chart on the page drawn, and those `expected` (by the start of their titles) among them,
    within `timeout` seconds of a change (`after` names it): a change that reruns the page may mount new charts, slow
    on a loaded machine; a chart left blank stays blank. The charts' titles."""
    page.wait_for_timeout(SETTLE_MS)
    deadline = time.time() + timeout
    while True:
        states = chart_states(page)
        missing = [name for name in expected if not any(title.startswith(name) for title in states)]
        blank = {title: state for title, state in states.items() if state != "drawn"}
        if not missing and not blank:
            return set(states)
        if time.time() > deadline:
            page.screenshot(path=str(ARTIFACTS / "charts-not-drawn.png"))
            raise AssertionError(f"after {after}: charts missing {missing}, not drawn {blank}")
        page.wait_for_timeout(1000)
