"""The autoencoder panel is live (issue 15): on a fresh server whose projection is warm, a
20 + 20 epoch DEKM run on digits shows at least 80 % of its clustering epochs with their own
UMAP frame while it trains, and its last epoch's frame within 2 s of the end.

Reads the hidden epoch marker of ui/live_view.py, as bench/live_frames.py does."""
import sys

from browser_support import ARTIFACTS, BROWSER_MARKS, ROOT

sys.path.insert(0, str(ROOT))
from bench.browser import set_epochs  # noqa: E402
from bench.live_frames import LAST_FRAME_TARGET, LIVE_SHARE_TARGET, watch_live_frames  # noqa: E402

pytestmark = BROWSER_MARKS


def test_clustering_epochs_are_drawn_with_their_own_umap_frame(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server)
    page.get_by_role("button", name="Start").wait_for(timeout=60_000)
    set_epochs(page, 20, 20)
    page.wait_for_timeout(1000)
    result = watch_live_frames(page, timeout=600)
    page.screenshot(path=str(ARTIFACTS / "live-frames-end.png"))
    assert result.cluster_epochs >= 2
    assert result.live_share >= LIVE_SHARE_TARGET, result
    assert result.last_frame_delay is not None and result.last_frame_delay <= LAST_FRAME_TARGET, result
