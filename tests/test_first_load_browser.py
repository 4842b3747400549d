"""The first page a fresh server serves never shows the pages folder's own menu.

Streamlit gives an app with a pages/ folder that folder's automatic sidebar menu (one link a file:
app, compare, explore, ... in lower case) until app.py first calls st.navigation, so the very first
run of a server drew it for a moment before app.py's menu replaced it. A MutationObserver, installed
before the page loads, records every link the sidebar ever holds; the app's own menu must appear, the
file names never. Each case is a fresh server's first request: started as `streamlit run app.py` does
(app.py's imports are slow there, so the old menu showed for about half a second), as `make app` does
(its imports are ready, so the old menu showed only now and then), and a page's own URL first (a
bookmark, a restored tab: Streamlit runs that page file alone before ui/navigation.py hands it to app.py).
"""
import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, app_server

from browser_harness import VIEWPORT, chromium

pytestmark = BROWSER_MARKS

PAGES_FOLDER_MENU = {"app", "compare", "explore", "learn", "runs", "sweep", "train"}  # pages/*.py and app.py
APP_MENU = ["Train", "Explore", "Runs", "Compare", "Sweep", "Learn"]  # app.py's st.navigation, in its order

# Every link text the sidebar shows, in the order first seen, without the Material icon's ligature name.
RECORD_SIDEBAR_LINKS = """
window.sidebarLinksSeen = [];
const label = (link) => {
  const copy = link.cloneNode(true);
  copy.querySelectorAll('[data-testid="stIconMaterial"]').forEach((icon) => icon.remove());
  return copy.innerText.trim();
};
const record = () => {
  for (const link of document.querySelectorAll('[data-testid="stSidebar"] a')) {
    const text = label(link);
    if (text && !window.sidebarLinksSeen.includes(text)) window.sidebarLinksSeen.push(text);
  }
};
new MutationObserver(record).observe(document, {childList: true, subtree: true, characterData: true});
"""


@pytest.mark.parametrize(("streamlit_run", "path"), [(True, ""), (False, ""), (False, "learn")],
                         ids=["streamlit-run", "make-app", "make-app-page-url"])
def test_the_first_load_never_shows_the_pages_folder_menu(tmp_path, request, streamlit_run, path):
    ARTIFACTS.mkdir(exist_ok=True)
    server = app_server(tmp_path / "cache", streamlit_run=streamlit_run, DEEPCLUST_HOME=str(tmp_path / "home"))
    with server as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(RECORD_SIDEBAR_LINKS)
        page.goto(f"{url}/{path}")
        page.wait_for_function("() => window.sidebarLinksSeen.includes('Learn')", timeout=60_000)
        page.wait_for_timeout(3000)  # the page settles: a later run could still bring a menu in
        seen = page.evaluate("window.sidebarLinksSeen")
        page.screenshot(path=str(ARTIFACTS / f"first-load-{request.node.callspec.id}.png"))
    assert not PAGES_FOLDER_MENU & set(seen), seen
    assert [text for text in seen if text in APP_MENU] == APP_MENU, seen
