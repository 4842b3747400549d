"""Every page runs inside app.py's st.navigation: its page config, its menu, its warm-up.

Streamlit treats an app that has a pages/ folder as a pages-folder app until app.py first
calls st.navigation. So when the first request after the server starts is a page's own URL
(a bookmark, a tab restored after a restart), it runs that page file on its own, under the
folder's automatic menu (which lists app.py too). `inside_app()`, at the top of every page,
switches that mode off and reruns; the rerun goes through app.py, which opens the page asked for.
"""
from __future__ import annotations

import streamlit as st


def inside_app() -> None:
    from streamlit.runtime.pages_manager import PagesManager  # Streamlit's pages-folder switch (not public API)

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
