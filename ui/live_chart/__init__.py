"""Charts that stay mounted: the live view's Plotly charts, updated in place.

`st.plotly_chart` makes a figure part of its element's id, so every redraw of a live chart
mounts it afresh (a new Plotly plot, new WebGL contexts for the point panels); on 2 cores the
browser's main thread spent most of a live run on that (docs/benchmarks.md, live UMAP frames).
This component (Streamlit's components v2: it runs in the page, no frame) keeps one Plotly plot per
key and hands it each new figure, which Plotly.react applies as a change (chart.js beside this file):
the zoom stays, and a box or lasso selection comes back in the shape `st.plotly_chart(on_select="rerun")`
returns.

Plotly.js (4.8 MB) is loaded once for the whole page: the copy Streamlit's own st.plotly_chart leaves there, or
else the plotly package's copy (no download, nothing added to the repository). Streamlit serves files only from
a folder registered with it: components v1's `declare_component(path=...)` registers the package's folder, whose
files it then serves at component/<name>/<file>; nothing mounts that declaration.
"""
from __future__ import annotations

import json
from pathlib import Path

import plotly
import plotly.io
import plotly.utils
import streamlit as st
import streamlit.components.v1 as components

from ..charts import PNG

CONFIG = json.dumps(PNG)
# Close to Streamlit's own chart theme, which Plotly.js in a component does not get; chart.js puts it on each
# figure (in Python, figure.update_layout(template=...) took 64 ms for a 1,797-point panel, longer than building it).
TEMPLATE = json.dumps(plotly.io.templates["plotly_white"].to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)

PLOTLY_FOLDER = Path(plotly.__file__).with_name("package_data")  # where plotly.offline.get_plotlyjs() reads it
_served = components.declare_component("plotly_js", path=str(PLOTLY_FOLDER))
# Relative to the page (Streamlit's own assets are too), so a server.baseUrlPath is kept; the version makes a
# new plotly's file a new address for the browser's cache.
PLOTLY_URL = f"component/{_served.name}/plotly.min.js?v={plotly.__version__}"

_chart = st.components.v2.component("deepclust.live_chart", js=Path(__file__).with_name("chart.js").read_text(),
                                    isolate_styles=False)  # in the page's DOM: Plotly's CSS is in the page's head


def _selected() -> None:
    """A selection reruns the script (the run's panels read it from the chart's value); nothing more to do."""


def live_chart(figure, key: str, selectable: bool = False, font_size: int | None = None) -> dict | None:
    """Draw `figure` in the chart kept under `key`, updating it in place when it changes, its text at
    `font_size` pixels when given (the lecture layout's larger text; titles 1.2 times that). With
    `selectable`, returns the last box or lasso selection as {"selection": {"points": [{"customdata":
    [row]}, ...]}} (None before any), like st.plotly_chart's event."""
    data = {"spec": plotly.io.to_json(figure, validate=False), "template": TEMPLATE, "config": CONFIG,
            "selectable": selectable, "fontSize": font_size, "plotly": PLOTLY_URL}
    if not selectable:
        _chart(key=key, data=data)
        return None
    return _chart(key=key, data=data, default={"selection": None}, on_selection_change=_selected).selection

