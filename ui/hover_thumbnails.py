"""Image thumbnails on hover: a small browser-side component that listens to the page's
Plotly charts and shows the hovered point's picture next to the cursor.

Plotly's own hover label cannot show images, so this JavaScript attaches `plotly_hover`
listeners to every chart of the page (st.plotly_chart's and ui/live_chart's) and looks up the point's
index (the first `customdata` column) in a table of PNG data URLs that Python sends once per data set.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from deepclust_core import Dataset
from deepclust_core.data.images import thumbnail_url

_JS = """
export default function (component) {
  window.__deepclustThumbs = component.data.thumbnails || {};
  let tip = document.getElementById("deepclust-thumb");
  if (!tip) {
    tip = document.createElement("div");
    tip.id = "deepclust-thumb";
    tip.style.cssText = "position:fixed;display:none;pointer-events:none;z-index:100000;background:#fff;" +
      "border:1px solid #999;border-radius:4px;padding:3px;box-shadow:0 2px 8px rgba(0,0,0,.25)";
    document.body.appendChild(tip);
  }
  const attach = () => document.querySelectorAll(".js-plotly-plot").forEach((chart) => {
    if (chart.__deepclustHover || typeof chart.on !== "function") return;
    chart.__deepclustHover = true;
    chart.on("plotly_hover", (event) => {
      const point = event.points && event.points[0];
      const url = point && point.customdata && window.__deepclustThumbs[point.customdata[0]];
      if (!url) return;
      tip.innerHTML = '<img alt="thumbnail" src="' + url + '" width="84" height="84" style="image-rendering:pixelated">';
      tip.style.left = (event.event.clientX + 18) + "px";
      tip.style.top = (event.event.clientY + 18) + "px";
      tip.style.display = "block";
    });
    chart.on("plotly_unhover", () => { tip.style.display = "none"; });
  });
  attach();
  const timer = setInterval(attach, 1000);
  return () => clearInterval(timer);
}
"""
_component = st.components.v2.component("deepclust.hover_thumbnails", js=_JS)


@st.cache_data(max_entries=4, show_spinner=False)
def _thumbnails(fingerprint: str, rows: tuple[int, ...], _data: Dataset) -> dict[str, str]:
    return {str(i): thumbnail_url(_data.X[i], _data.image_shape) for i in rows}


def hover_thumbnails(data: Dataset, display_index: np.ndarray) -> None:
    """Mount the component for image data (tabular data shows its values in the hover label)."""
    if not data.is_image:
        return
    thumbnails = _thumbnails(data.fingerprint(), tuple(int(i) for i in display_index), data)
    _component(data={"thumbnails": thumbnails}, key="hover_thumbnails")
