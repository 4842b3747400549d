"""`python -m ui.launch [--share] [streamlit run options]`: the app's server, with the UMAP projection
process started beside it before any page is opened (`make app` runs this; `make share` adds --share).

The server listens on the loopback interface only (127.0.0.1): nobody else on the network reaches it.
`--share` listens on every interface, for a class, and needs the teacher's password in
DEEPCLUST_SHARE_PASSWORD (asked for when unset and a terminal is there); then a browser on another
machine is a viewer unless it signs in with that password (ui/access.py). A `--server.address` given
here is kept as it is.

On a machine's first start (no compiled UMAP code in the user's cache) the launcher compiles UMAP
before it starts the server, so the first run is live throughout. `streamlit run app.py` works too,
on the loopback interface as well (.streamlit/config.toml); the projection process then starts with
the first page, and on a first start (unless `deepclust warm-up` ran) a first run's clustering waits
for the compilation and its first frame (`Frames.wait_for_frame`)."""
from __future__ import annotations

import getpass
import os
import sys
import threading
from pathlib import Path

from deepclust_core.runs.store import default_home

from .access import PASSWORD_VARIABLE

APP = Path(__file__).resolve().parents[1] / "app.py"
LOOPBACK = "127.0.0.1"
EVERY_INTERFACE = "0.0.0.0"
SHARE = "--share"
SHORTEST_PASSWORD = 8


def streamlit_argv(args: list[str]) -> list[str]:
    """The `streamlit run` command line for the launcher's arguments: on LOOPBACK, or EVERY_INTERFACE with SHARE."""
    options = [a for a in args if a != SHARE]
    chosen = any(a == "--server.address" or a.startswith("--server.address=") for a in options)
    address = [] if chosen else ["--server.address", EVERY_INTERFACE if SHARE in args else LOOPBACK]
    return ["streamlit", "run", str(APP), *address, *options]


def share_password(environ: dict, ask=None) -> str:
    """The teacher's password: from the environment, else asked twice (`ask`, getpass at a terminal).
    SystemExit with one line when there is none, it is too short, or the two answers differ."""
    given = environ.get(PASSWORD_VARIABLE, "")
    if not given and ask is not None:
        given = ask("Teacher password for the shared app: ")
        if given and ask("The same password again: ") != given:
            raise SystemExit("The two passwords differ: nothing is shared.")
    if not given:
        raise SystemExit(f"Sharing needs a teacher password: set {PASSWORD_VARIABLE} (at least {SHORTEST_PASSWORD} "
                         "characters), or run `make share` in a terminal to type one.")
    if len(given) < SHORTEST_PASSWORD:
        raise SystemExit(f"The teacher password needs at least {SHORTEST_PASSWORD} characters.")
    return given


def main() -> None:
    args = sys.argv[1:]
    # the server then takes X-Forwarded-For only from a proxy on this machine (uvicorn's default), never
    # from a visitor: ui/access.py reads the connection's address
    os.environ.pop("FORWARDED_ALLOW_IPS", None)
    if SHARE in args:
        try:
            os.environ[PASSWORD_VARIABLE] = share_password(os.environ, getpass.getpass if sys.stdin.isatty() else None)
        except SystemExit as refusal:
            print(refusal, file=sys.stderr)
            sys.exit(2)
        print(f"Sharing on every network interface. Browsers on other machines are viewers (watch, replay, explore) "
              f"until they sign in with the teacher password; they can watch every run in {default_home()} "
              "(set DEEPCLUST_HOME to share another folder).", flush=True)
    from streamlit.runtime.pages_manager import PagesManager  # Streamlit's pages-folder switch (not public API)
    from streamlit.web import cli

    from deepclust_core.projection import umap as projection

    # in this process, so the app's pages (run by the same process) find the projection process ready; on a
    # machine's first start (no compiled code on disk) before the server, so that the first run is live throughout
    if projection.has_compiled_code():
        threading.Thread(target=projection.warm_up, name="projection-warm-up", daemon=True).start()
    else:
        print("First start on this machine: compiling UMAP for the live view (once, about 25 s) ...", flush=True)
        projection.warm_up()
    # app.py routes with st.navigation: no pages-folder mode even for the server's first request, which would
    # otherwise look for /Sweep or /train among pages/ files and say "Page not found" (ui/navigation.py)
    PagesManager.uses_pages_directory = False
    sys.argv = streamlit_argv(args)
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
