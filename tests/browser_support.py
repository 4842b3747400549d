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
def app_server(cache_dir, *, streamlit_run: bool = False, **env: str):
    """The app on a free port with its pretraining cache in `cache_dir` and `env` added, started as
    `make app` does or, with `streamlit_run`, as `streamlit run app.py`; yields its URL."""
    numba = os.environ["NUMBA_CACHE_DIR"]
    with serving(cache_dir, streamlit_run=streamlit_run, NUMBA_CACHE_DIR=numba, **env) as server:
        yield server.url
