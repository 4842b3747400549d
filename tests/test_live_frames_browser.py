"""The autoencoder panel is live (issue 15): on a fresh server whose projection is warm, a
20 + 20 epoch DEKM run on digits draws clustering epochs while it trains, most of them with
their own UMAP frame (not a nearby epoch's), and its last epoch's frame soon after the end.

The bounds here leave room for a busy CI machine (measured quiet: 10 of 11 and 12 of 14 drawn
epochs with their own frame, the last frame after 1.2 to 2.0 s; before issue 15, 1 of 7 and
20 to 44 s). The targets themselves (80 % of all clustering epochs drawn with their own frame,
the last frame within 2 s) are measured by bench/live_frames.py: docs/benchmarks.md, live UMAP
frames. Reads the hidden epoch marker of ui/live_view.py."""
import sys

from browser_support import ARTIFACTS, BROWSER_MARKS, ROOT

sys.path.insert(0, str(ROOT))
from bench.browser import set_epochs  # noqa: E402
from bench.live_frames import LAST_FRAME_TARGET, watch_live_frames  # noqa: E402

pytestmark = BROWSER_MARKS
OWN_FRAME_SHARE = 0.6  # of the clustering epochs drawn while the run trains
LAST_FRAME_SECONDS = 2 * LAST_FRAME_TARGET


def test_clustering_epochs_are_drawn_with_their_own_umap_frame(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server)
    page.get_by_role("button", name="Start").wait_for(timeout=60_000)
    set_epochs(page, 20, 20)
    page.wait_for_timeout(1000)
    result = watch_live_frames(page, timeout=600)
    page.screenshot(path=str(ARTIFACTS / "live-frames-end.png"))
    assert result.cluster_epochs >= 2 and result.shown >= 2, result
    assert result.framed_live >= OWN_FRAME_SHARE * result.shown, result
    assert result.last_frame_delay is not None and result.last_frame_delay <= LAST_FRAME_SECONDS, result
