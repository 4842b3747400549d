"""The autoencoder panel is live (issue 15), as bench/live_view/frames.py measures it: on a fresh
server whose projection is warm, a 5 + 20 epoch DEKM run on digits with the page's defaults (DEKM.py's
conv network, "Show every clustering epoch" on) started from the page shows
at least 80 % of its clustering epochs with their own UMAP frame while it trains, and its last
epoch's frame soon after the end. The 2 s target for that last frame is the benchmark's
(bench/live_view/frames.py, docs/benchmarks.md, live UMAP frames): here, on a machine that may be busy
with other work, a frame later than LAST_FRAME_SLACK times the target fails (2.14 s was seen at load 15).
Reads the autoencoder panel's caption, as a user does, and the session's run store. Cheaper than the
benchmark's run where that changes nothing it checks: 5 pretraining epochs, not 20 (only the clustering epochs
are counted), and UMAP's code compiled once for the session (conftest's NUMBA_CACHE_DIR), not by this server (the
server still warms up before Start)."""
import os

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS

from bench.live_view.frames import LAST_FRAME_TARGET, LIVE_SHARE_TARGET, watch_live_frames
from bench.live_view.ready_to_start import run_ready_to_start

pytestmark = [*BROWSER_MARKS, pytest.mark.bench]  # a benchmark's measurement (bench/live_view), as a test
LAST_FRAME_SLACK = 3  # a last frame 3 times later than the benchmark's target means the page fell behind
SETTLE_SECONDS = 120  # at most, for the new server's projection process to load UMAP's code and go quiet


def test_clustering_epochs_are_drawn_with_their_own_umap_frame(browser, tmp_path):
    with run_ready_to_start(browser, tmp_path, 5, 20, SETTLE_SECONDS,
                            NUMBA_CACHE_DIR=os.environ["NUMBA_CACHE_DIR"]) as (_, page, _waited):
        result = watch_live_frames(page, timeout=600)
        page.screenshot(path=str(ARTIFACTS / "live-frames-end.png"))
    assert result.cluster_epochs >= 2, result
    assert result.live_share >= LIVE_SHARE_TARGET, result
    assert result.last_frame_delay is not None and result.last_frame_delay <= LAST_FRAME_SLACK * LAST_FRAME_TARGET, result
