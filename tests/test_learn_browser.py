"""The Learn page on a projector (headless Chromium, 1280 x 720): in the lecture layout no text outside the
equations and pictures is smaller than 20 px. Screenshot: test-artifacts/learn-lecture.png."""
from browser_support import ARTIFACTS, BROWSER_MARKS
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = BROWSER_MARKS
# The smallest font size of an element on the page that shows text of its own (KaTeX and Plotly left out)
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('[data-testid="stMainBlockContainer"] *')]
  .filter((e) => e.offsetParent !== null && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
  .filter((e) => !e.closest('.katex, svg, .js-plotly-plot'))
  .map((e) => parseFloat(getComputedStyle(e).fontSize)))"""


def test_the_learn_page_text_is_readable_on_a_projector(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server + "/learn")
    page.get_by_text("Learn the methods").wait_for(timeout=120_000)
    before = page.evaluate(SMALLEST_TEXT)
    page.get_by_text("Lecture layout").click()
    try:  # the rerun the toggle starts
        page.wait_for_function(f"({SMALLEST_TEXT})() >= 20", timeout=30_000)
    except PlaywrightTimeout:
        pass
    page.screenshot(path=str(ARTIFACTS / "learn-lecture.png"))
    smallest = page.evaluate(SMALLEST_TEXT)
    assert before < 20 <= smallest, (before, smallest)  # the layout is what makes it readable
    page.close()
