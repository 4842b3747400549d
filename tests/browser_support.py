"""What the browser tests add to the harness they share with the benchmarks (bench/browser.py: Chromium,
the app's server, charts in frames, page actions): their pytest marks, where their screenshots go, and a
server whose UMAP code comes from the session's one compiled-code folder (conftest's NUMBA_CACHE_DIR)."""
import contextlib
import os

import pytest

from bench.browser import CHROMIUM, ROOT, serving

ARTIFACTS = ROOT / "test-artifacts"
BROWSER_MARKS = [pytest.mark.browser,
                 pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed (make test installs it)")]


@contextlib.contextmanager
def app_server(cache_dir, **env: str):
    """The app on a free port with its pretraining cache in `cache_dir` and `env` added; yields its URL."""
    with serving(cache_dir, NUMBA_CACHE_DIR=os.environ["NUMBA_CACHE_DIR"], **env) as server:
        yield server.url
