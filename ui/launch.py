"""`python -m ui.launch [streamlit run options]`: the app's server, with the UMAP projection
process started beside it before any page is opened (`make app` runs this).

`streamlit run app.py` works too; the projection process then starts with the first page,
and the first UMAP frame comes that much later."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager  # Streamlit's pages-folder switch (not public API)
from streamlit.web import cli

from deepclust_core.projection import umap as projection

APP = Path(__file__).resolve().parents[1] / "app.py"


def main() -> None:
    # in this process, so the app's pages (run by the same process) find the projection process ready
    threading.Thread(target=projection.warm_up, name="projection-warm-up", daemon=True).start()
    # app.py routes with st.navigation: no pages-folder mode even for the server's first request, which would
    # otherwise look for /Sweep or /train among pages/ files and say "Page not found" (ui/navigation.py)
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
