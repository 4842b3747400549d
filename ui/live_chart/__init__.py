"""Charts that stay mounted: the live view's Plotly charts, updated in place.

`st.plotly_chart` makes a figure part of its element's id, so every redraw of a live chart
mounts it afresh (a new Plotly plot, new WebGL contexts for the point panels); on 2 cores the
browser's main thread spent most of a live run on that (docs/benchmarks.md, live UMAP frames).
This component keeps one Plotly plot per key in a small frame (index.html beside this file)
and hands it each new figure, which Plotly.react applies as a change: the zoom stays, and a
box or lasso selection comes back in the shape `st.plotly_chart(on_select="rerun")` returns.

The frame loads Plotly.js from a folder in the user's cache, written once per Plotly version and
version of index.html, from the plotly package's own copy (no download, nothing added to the
repository). The page's hash in the folder's name keeps two checkouts or releases of deepclust on one
machine from serving each other's frame.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import plotly
import plotly.io
import plotly.offline
import plotly.utils
import streamlit.components.v1 as components

from deepclust_core.user_cache import default_cache_dir

from ..charts import PNG

CONFIG = json.dumps(PNG)

PAGE = Path(__file__).with_name("index.html")
# Close to Streamlit's own chart theme, which a component frame does not get; the frame puts it on each figure
# (in Python, figure.update_layout(template=...) took 64 ms for a 1,797-point panel, longer than building it).
TEMPLATE = json.dumps(plotly.io.templates["plotly_white"].to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)


def component_folder() -> Path:
    """The frame's folder: index.html and the plotly package's plotly.min.js, written once per version of each
    (in the user's cache folder, or the temporary folder where that cannot be written)."""
    page = PAGE.read_bytes()
    version = f"plotly-{plotly.__version__}-page-{hashlib.sha256(page).hexdigest()[:12]}"
    for base in (default_cache_dir(), Path(tempfile.gettempdir()) / f"deepclust-{os.getuid()}"):
        folder = base / "live_chart" / version
        try:
            _write_if_changed(folder / "plotly.min.js", plotly.offline.get_plotlyjs().encode())
            _write_if_changed(folder / PAGE.name, page)
            return folder
        except OSError:
            continue
    raise OSError("neither the cache folder nor the temporary folder can be written")


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.exists() and path.stat().st_size == len(content) and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(content)
    os.replace(partial, path)  # atomic: two servers starting at once never see half a file


_frame = components.declare_component("live_chart", path=str(component_folder()))


def live_chart(figure, key: str, selectable: bool = False, font_size: int | None = None) -> dict | None:
    """Draw `figure` in the chart kept under `key`, updating it in place when it changes, its text at
    `font_size` pixels when given (the lecture layout's larger text; titles 1.2 times that). With
    `selectable`, returns the last box or lasso selection as {"selection": {"points": [{"customdata":
    [row]}, ...]}} (None before any), like st.plotly_chart's event."""
    spec = plotly.io.to_json(figure, validate=False)
    return _frame(spec=spec, template=TEMPLATE, config=CONFIG, selectable=selectable,
                  fontSize=font_size, key=key, default=None)

