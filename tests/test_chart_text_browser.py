"""A point panel's text in headless Chromium, without a server: wherever the points start, no two tick labels
overlap, in the lecture layout's 18 px text and the page's 14 px. The corner is where they meet: when both axes'
lowest ticks sit there (both "−5" for points that start near −4), the y label, centred on its tick, reaches down
beside the x label. A live run's UMAP puts the corner anywhere, so the lecture test met it about one run in four.
"""
from pathlib import Path

import numpy as np
import plotly
import plotly.io
import pytest

from browser_support import BROWSER_MARKS, CHART_TEXTS, overlapping_texts
from ui.charts import FONT, LECTURE_FONT, points_figure

pytestmark = BROWSER_MARKS
PLOTLY_JS = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"
PANEL = {"width": 320, "height": 380}  # an embedding panel of the lecture layout at 1280 x 720
STARTS = np.linspace(-5.5, -3.5, 21)  # where the points start on both axes, in steps of 0.1
DRAW = """([spec, fontSize]) => {
  const figure = JSON.parse(spec);
  figure.layout.font = Object.assign({}, figure.layout.font, {size: fontSize});
  return Plotly.newPlot('chart', figure.data, figure.layout);
}"""


def panel_spec(start: float, compact: bool) -> str:
    """The points of a 10-cluster panel spread over [start, start + 20] x [start + 22], as the page draws them."""
    rng = np.random.default_rng(0)
    xy = np.c_[rng.uniform(start, start + 20, 300), rng.uniform(start, start + 22, 300)]
    figure = points_figure(xy, rng.integers(0, 10, 300), [str(k) for k in range(10)], np.arange(300)[:, None], "",
                           "Autoencoder space", height=PANEL["height"], compact=compact)
    figure.update_layout(template="plotly_white")
    return plotly.io.to_json(figure, validate=False)


@pytest.mark.parametrize("compact, font_size", [(True, LECTURE_FONT), (False, FONT["size"])])
def test_tick_labels_stay_apart_wherever_the_points_start(browser, compact, font_size):
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.set_content(f"<div id='chart' style='width:{PANEL['width']}px'></div>")
    page.add_script_tag(path=str(PLOTLY_JS))
    problems = {}
    for start in STARTS:
        page.evaluate(DRAW, [panel_spec(start, compact), font_size])
        found = overlapping_texts(page.locator("#chart").evaluate(CHART_TEXTS)["texts"])
        if found:
            problems[round(float(start), 2)] = found
    assert not problems, problems
