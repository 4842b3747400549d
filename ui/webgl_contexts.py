"""Hand back the WebGL contexts of charts that left the page.

Chromium keeps at most 16 WebGL contexts alive in a page and counts a removed canvas's context
until the garbage collector takes it; past that it warns "Too many active WebGL contexts" and
drops the oldest, which may be a panel still on screen. `st.plotly_chart` mounts a chart afresh
whenever its figure changes (the figure is part of the element's id), and Plotly's purge removes
the old canvases without releasing their contexts. The live view's charts stay mounted
(ui/live_chart), but each leaves its contexts behind when it leaves the page, and a point chart drawn
with WebGL elsewhere (the Compare page's pictures) would still leak one at each redraw. This small
browser-side component notes every WebGL context the page creates and releases
(WEBGL_lose_context) those whose canvas has left the page, twice a second.
"""
from __future__ import annotations

import streamlit as st

_JS = """
export default function () {
  if (window.__deepclustWebgl) return;  // once per page load; the sweep outlives page switches
  const contexts = window.__deepclustWebgl = [];
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const context = getContext.call(this, type, ...rest);
    if (context && String(type).includes("webgl") && !contexts.some((c) => c.context === context)) {
      contexts.push({canvas: this, context});
    }
    return context;
  };
  setInterval(() => {
    for (let i = contexts.length - 1; i >= 0; i--) {
      const c = contexts[i];
      if (!c.canvas.isConnected) {  // Plotly never puts a removed canvas back
        const lose = c.context.getExtension("WEBGL_lose_context");
        if (lose) lose.loseContext();
        contexts.splice(i, 1);
      }
    }
  }, 500);
}
"""
_component = st.components.v2.component("deepclust.webgl_contexts", js=_JS)
HIDDEN = "<style>.st-key-webgl_contexts {display: none}</style>"


def release_webgl_contexts() -> None:
    """Mount the component (it takes no room on the page)."""
    st.html(HIDDEN)
    _component(key="webgl_contexts")
