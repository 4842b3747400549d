"""The app's sidebar menu, and `inside_app()`: every page runs inside app.py (its page config, menu, warm-up).

Streamlit treats an app that has a pages/ folder as a pages-folder app until app.py first
calls st.navigation: a server's first run shows that folder's automatic menu (app.py and one
entry a file, in lower case). `.streamlit/config.toml` turns that menu off
(`client.showSidebarNavigation = false`), which hides st.navigation's sidebar menu as well, so
app.py routes with a hidden st.navigation and `menu()` draws the same entries as page links at
the top of the sidebar: the pattern Streamlit documents for a menu of one's own ("Overview of
multipage apps", https://docs.streamlit.io/develop/concepts/multipage-apps/overview).

A page's URL is its file's name (/sweep, /explore); the Train page's is /. `aliases` adds hidden
pages at /train and at each title as the menu writes it (/Sweep, /Train) that open the page itself:
Streamlit's URL paths are case-sensitive and its default page answers only at /, so these would
otherwise say "Page not found" and show the Train page.

When the first request after the server starts is a page's own URL (a bookmark, a tab restored
after a restart), Streamlit runs that page file on its own. `inside_app()`, at the top of every
page, switches the pages-folder mode off on a session's first run and reruns; the rerun goes
through app.py, which opens the page asked for. (Later runs are left alone: a rerun would
swallow a click.) It also draws the teacher sign-in of a visitor from another machine (ui/access.py),
mounts the page's WebGL janitor (ui/webgl_contexts.py) before any chart, and says in one line, above
everything, when the user's run store cannot be used (ui/run_library.py).
"""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from . import access
from .run_library import store_notice
from .webgl_contexts import release_webgl_contexts


def menu(pages: Sequence[st.Page]) -> None:
    """One link a page, with its title and icon, at the top of the sidebar; the open page is highlighted."""
    with st.sidebar:
        for page in pages:
            st.page_link(page, width="stretch")
        st.divider()


def aliases(pages: Sequence[st.Page]) -> list[st.Page]:
    """Hidden pages at each page's title (/Sweep, /Train), and in lower case for the default page (/train), that
    switch to the page itself."""
    def opener(page: st.Page):
        return lambda: st.switch_page(page)

    paths = {page: {page.title, page.title.lower()} - {page.url_path} for page in pages}
    return [st.Page(opener(page), title=page.title, url_path=path, visibility="hidden")
            for page, names in paths.items() for path in sorted(names)]


def inside_app() -> None:
    from streamlit.runtime.pages_manager import PagesManager  # Streamlit's pages-folder switch (not public API)

    first_run = "inside_app" not in st.session_state
    st.session_state.inside_app = True
    if first_run and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    with st.sidebar:
        access.sign_in()
    release_webgl_contexts()
    store_notice()
