"""Every page runs inside app.py's st.navigation: its page config, its menu, its warm-up.

Streamlit treats an app that has a pages/ folder as a pages-folder app until app.py first
calls st.navigation. So when the first request after the server starts is a page's own URL
(a bookmark, a tab restored after a restart), it runs that page file on its own, under the
folder's automatic menu (which lists app.py too). `inside_app()`, at the top of every page,
switches that mode off on a session's first run and reruns; the rerun goes through app.py,
which opens the page asked for. (Later runs are left alone: a rerun would swallow a click.)
It also mounts the page's WebGL janitor (ui/webgl_contexts.py) before any chart.
"""
from __future__ import annotations

import streamlit as st

from .webgl_contexts import release_webgl_contexts


def inside_app() -> None:
    from streamlit.runtime.pages_manager import PagesManager  # Streamlit's pages-folder switch (not public API)

    first_run = "inside_app" not in st.session_state
    st.session_state.inside_app = True
    if first_run and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    release_webgl_contexts()
