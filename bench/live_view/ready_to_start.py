"""A run ready to start from the page, as measurements 4, 6, 8 and 10 (and tests/test_live_frames_browser.py)
begin: a fresh server with an empty cache, so pretraining runs, left to go quiet (UMAP compiles once per
server), and a page on it with the run's settings typed in. The caller clicks Start."""
from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from bench.live_view.procs import wait_until_quiet
from browser_harness import VIEWPORT, open_app, pick, serving, set_epochs

PACE_TOGGLE = "Show every clustering epoch"  # the sidebar switch of ui/run_state.py, on by default


@contextlib.contextmanager
def run_ready_to_start(browser, workdir: Path, pretrain: int, cluster: int, settle: float, kind: str | None = None,
                       paced: bool = True, **env: str):
    """The server and page described above, with the epochs typed in (and the autoencoder `kind` chosen, if
    given; "Show every clustering epoch" off unless `paced`; `env` added to the server's, as Server.launch
    takes it): yields the server, the page and the seconds waited for the server to go quiet (at most `settle`)."""
    with serving(Path(tempfile.mkdtemp(prefix="cache-run-", dir=workdir)), **env) as server:
        page = browser.new_page(viewport=VIEWPORT)
        try:
            open_app(page, server.url)
            waited = wait_until_quiet(server.process.pid, timeout=settle)
            set_epochs(page, pretrain, cluster)
            if kind is not None:
                choose_autoencoder(page, kind)
            if not paced:
                page.get_by_test_id("stSidebar").get_by_text(PACE_TOGGLE, exact=True).click()
                page.wait_for_timeout(400)
            yield server, page, waited
        finally:
            page.close()


def choose_autoencoder(page, kind: str) -> None:
    """Pick the autoencoder's kind (mlp, conv) in the sidebar's Autoencoder section."""
    page.get_by_test_id("stSidebar").get_by_text("Autoencoder", exact=True).click()
    pick(page, "Kind", kind)  # again if a rerun closed the list (seen at load 6 to 7)
    page.wait_for_timeout(400)
