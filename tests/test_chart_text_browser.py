"""A point panel's text in headless Chromium, drawn by the live view's own chart script (ui/live_chart/chart.js)
in a bare page, without a server.

- Tick labels: wherever the points start, no two overlap, in the lecture layout's 18 px text and the page's 14 px.
  The corner is where they meet: when both axes' lowest ticks sit there (both "−5" for points that start near
  −4), the y label, centred on its tick, reaches down beside the x label. A live run's UMAP puts the corner
  anywhere, so the lecture test met it about one run in four.
- Titles: a title wider than its panel (a race's panel on a 1280 x 720 screen) wraps onto a second line, whole and
  clear of the plot and of the highest tick label, and fits again when the panel narrows after it was drawn (the
  sidebar opening).
"""
from pathlib import Path

import numpy as np
import plotly
import plotly.io
import pytest

from browser_support import BROWSER_MARKS, CHART_STATE, CHART_TEXTS, chart_text_problems, overlapping_texts
from browser_harness import ROOT
from ui.charts import LECTURE_FONT, points_figure
from ui.live_chart import CONFIG, TEMPLATE

pytestmark = BROWSER_MARKS
PLOTLY_JS = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"
# The chart script as a plain script: its component function as window.drawLiveChart
CHART_JS = (ROOT / "ui" / "live_chart" / "chart.js").read_text().replace(
    "export default function", "window.drawLiveChart = function", 1)
DRAW = """(data) => window.drawLiveChart(
  {data, parentElement: document.getElementById('panel'), setStateValue: () => {}})"""
DRAWN = """(spec) => { const chart = document.querySelector('.deepclust-live-chart');
  return chart && chart.__shown.startsWith(spec) && chart._fullLayout; }"""
HEIGHT = 380  # an embedding panel's height in the lecture layout
STARTS = np.linspace(-5.5, -3.5, 21)  # where the points start on both axes, in steps of 0.1
LONG_TITLE = "DEC embedding and centroids (principal axes)"
TOPS = np.linspace(19, 21, 11)  # where the points end on the y axis: the tick 20 at the plot's top edge or near it


def panel_spec(start: float, compact: bool, title: str = "Autoencoder space") -> str:
    """A 10-cluster panel whose points spread over [start, start + 20] x [start, start + 22]."""
    rng = np.random.default_rng(0)
    xy = np.c_[rng.uniform(start, start + 20, 300), rng.uniform(start, start + 22, 300)]
    figure = points_figure(xy, rng.integers(0, 10, 300), [str(k) for k in range(10)], np.arange(300)[:, None], "",
                           title, height=HEIGHT, compact=compact)
    return plotly.io.to_json(figure, validate=False)


def panel_page(browser, width: int):
    """A bare page with Plotly.js, the chart script and a `width` px wide place for one chart."""
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.set_content(f"<div id='panel' style='width:{width}px'></div>")
    page.add_script_tag(path=str(PLOTLY_JS))
    page.add_script_tag(content=CHART_JS)
    return page


def draw(page, spec: str, font_size: int | None):
    """Draw `spec` as the live view does (`font_size`: the lecture layout's), once drawn the chart's element."""
    page.evaluate(DRAW, {"spec": spec, "template": TEMPLATE, "config": CONFIG, "selectable": True,
                         "fontSize": font_size, "plotly": ""})
    page.wait_for_function(DRAWN, arg=spec)
    page.wait_for_timeout(50)
    return page.locator(".deepclust-live-chart")


@pytest.mark.parametrize("compact, font_size", [(True, LECTURE_FONT), (False, None)])  # None: the figure's 14 px
def test_tick_labels_stay_apart_wherever_the_points_start(browser, compact, font_size):
    page = panel_page(browser, 320)  # an embedding panel of the lecture layout at 1280 x 720
    problems = {}
    for start in STARTS:
        found = overlapping_texts(draw(page, panel_spec(start, compact), font_size).evaluate(CHART_TEXTS)["texts"])
        if found:
            problems[round(float(start), 2)] = found
    assert not problems, problems


def title_lines(chart) -> int:
    return chart.evaluate("(c) => Math.max(1, c.querySelectorAll('.gtitle .line').length)")


def test_a_long_title_wraps_whole_and_refits_when_the_panel_narrows(browser):
    page = panel_page(browser, 640)
    chart = draw(page, panel_spec(0.0, True, LONG_TITLE), LECTURE_FONT)
    assert title_lines(chart) == 1 and not chart_text_problems(chart)  # room enough: one line, as Plotly draws it

    page.evaluate("() => { document.getElementById('panel').style.width = '300px'; }")  # the sidebar opening
    page.wait_for_function("() => document.querySelectorAll('.gtitle .line').length >= 2", timeout=5000)
    page.wait_for_timeout(300)
    assert title_lines(chart) >= 2 and not chart_text_problems(chart), chart_text_problems(chart)

    problems = {}
    for start in TOPS - 22:  # the next epochs, drawn at this width, the highest tick label at the plot's top edge
        chart = draw(page, panel_spec(start, True, LONG_TITLE), LECTURE_FONT)
        assert title_lines(chart) >= 2 and chart.evaluate(CHART_STATE)["title"] == LONG_TITLE  # every word, none cut
        if chart_text_problems(chart):
            problems[round(float(start), 2)] = chart_text_problems(chart)
    assert not problems, problems
