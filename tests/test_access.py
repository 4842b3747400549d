"""Nobody on the network gets in (issue 24, item 12): the app listens on the loopback interface unless it
is shared, and a visitor of a shared app is a viewer who cannot train, upload, delete or start a sweep or
a branch, in the page (the controls are disabled or absent) or behind it (the functions refuse a forged
click), until they give the teacher's password."""
import os
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from browser_harness import free_port
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore
from ui import access, launch

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PASSWORD = "correct horse battery"
VISITOR = "192.168.1.20"


# --- where the app listens ---------------------------------------------------------------------------

def test_the_config_and_the_launcher_bind_the_loopback_interface_unless_shared():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"  # `streamlit run app.py` too
    plain = launch.streamlit_argv(["--server.port", "8600"])
    assert plain[plain.index("--server.address") + 1] == "127.0.0.1" and "--share" not in plain
    shared = launch.streamlit_argv(["--share"])
    assert shared[shared.index("--server.address") + 1] == "0.0.0.0" and "--share" not in shared
    own = launch.streamlit_argv(["--server.address=10.1.2.3"])
    assert own.count("--server.address=10.1.2.3") == 1 and "--server.address" not in own


def test_sharing_needs_a_teacher_password_of_eight_characters():
    assert launch.share_password({access.PASSWORD_VARIABLE: PASSWORD}) == PASSWORD
    with pytest.raises(SystemExit, match=access.PASSWORD_VARIABLE):
        launch.share_password({})
    with pytest.raises(SystemExit, match="at least 8"):
        launch.share_password({access.PASSWORD_VARIABLE: "1234"})
    answers = iter([PASSWORD, "something else"])
    with pytest.raises(SystemExit, match="differ"):
        launch.share_password({}, ask=lambda _: next(answers))
    assert launch.share_password({}, ask=lambda _: PASSWORD) == PASSWORD


def test_share_without_a_password_refuses_and_serves_nothing():
    env = {k: v for k, v in os.environ.items() if k != access.PASSWORD_VARIABLE}
    out = subprocess.run([sys.executable, "-m", "ui.launch", "--share", "--server.port", str(free_port())],
                         cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and access.PASSWORD_VARIABLE in out.stderr and "You can now view" not in out.stdout


def _listening(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port` (Linux's /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)  # little-endian 32-bit words
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(socket.AF_INET if width == 8 else socket.AF_INET6, raw))
    return found


def _served_addresses(tmp_path: Path, *args: str, **env: str) -> set[str]:
    """Start `python -m ui.launch ARGS` on a free port; the addresses it listens on once it does.

    The launcher is shown a numba cache that holds compiled code (a placeholder index file), so it starts the
    server at once instead of compiling UMAP first, as on a machine's first start (20 s of CPU that says nothing
    of the addresses)."""
    numba_cache = tmp_path / "numba"
    numba_cache.mkdir(exist_ok=True)
    (numba_cache / "placeholder.nbi").touch()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "ui.launch", *args, "--server.port", str(port)], cwd=ROOT,
                               env={**os.environ, "NUMBA_CACHE_DIR": str(numba_cache), **env},
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _listening(port) and time.monotonic() < deadline:
            assert process.poll() is None, f"the server exited with status {process.returncode}"
            time.sleep(0.2)
        return _listening(port)
    finally:
        os.killpg(process.pid, 9)
        process.wait(timeout=30)


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads Linux's table of sockets")
def test_make_app_listens_on_the_loopback_only_and_share_on_every_interface(tmp_path):
    assert _served_addresses(tmp_path) == {"127.0.0.1"}
    assert _served_addresses(tmp_path, "--share", **{access.PASSWORD_VARIABLE: PASSWORD}) == {"0.0.0.0"}


# --- who is the teacher ------------------------------------------------------------------------------

def test_local_means_a_loopback_peer_that_asked_for_a_loopback_name():
    assert access.is_local(None, None)  # no network peer: AppTest, bare mode
    assert access.is_local("127.0.0.1", "localhost") and access.is_local("::1", "::1")
    assert access.is_local("::ffff:127.0.0.1", "127.0.0.1")  # IPv4 loopback on a dual-stack socket
    assert not access.is_local(VISITOR, "localhost")  # another machine, whatever it asks for
    assert not access.is_local("127.0.0.1", "evil.example")  # a page whose name resolves to 127.0.0.1
    assert not access.is_local("127.0.0.1", "")  # a Host that is no host name


# --- what a visitor cannot do ------------------------------------------------------------------------

@pytest.fixture
def visitor(monkeypatch):
    """The app as a browser on another machine sees it, with the teacher's password set on the server."""
    monkeypatch.setattr(access, "peer", lambda: VISITOR)
    monkeypatch.setattr(access, "WRONG_PASSWORD_WAIT", 0.0)
    monkeypatch.setenv(access.PASSWORD_VARIABLE, PASSWORD)
    return AppTest.from_file(APP, default_timeout=180).run()  # generous: the machine may be loaded


def _forged_click(app: AppTest, button) -> AppTest:
    """What a crafted WebSocket message does: a click on a button the page drew disabled."""
    button._value = True
    return app.run()


def _start(app: AppTest):
    return next(b for b in app.button if b.label == "Start")


def _sign_in(app: AppTest, password: str = PASSWORD) -> AppTest:
    return app.text_input(key="access:password").input(password).run()


def _signed_out_behind_the_page(app: AppTest) -> None:
    """The session loses the teacher's role after the page drew its controls enabled: a click on one
    then reaches the function behind it, which must refuse on its own."""
    app.session_state[access.SIGNED_IN] = False


def _refused(app: AppTest) -> bool:
    """Did the function behind the click refuse? (The page is then drawn again, as the next event would.)"""
    refused = any(access.VIEWER_LINE in e.value for e in app.exception)
    app.run()
    return refused


def test_a_visitor_cannot_start_training(visitor):
    start = _start(visitor)
    assert start.disabled and any(access.VIEWER_LINE in i.value for i in visitor.info)
    assert visitor.button(key="k_helper:score").disabled  # it pretrains an autoencoder
    _forged_click(visitor, start)  # Streamlit drops a disabled widget's click
    assert "run" not in visitor.session_state
    _sign_in(visitor)
    _signed_out_behind_the_page(visitor)
    _start(visitor).click().run()
    assert "run" not in visitor.session_state and _refused(visitor)


def test_a_visitor_times_no_trial_on_the_teachers_machine(visitor, monkeypatch):
    trials = []

    class Trial:  # records what the page asks for, times nothing
        def __init__(self, data, config, delay):
            trials.append(config.method)

        def result(self):
            return None

        def done(self):
            return True

    monkeypatch.setattr("ui.run_estimate.TRIAL_ABOVE_SECONDS", 0.0)  # every setting would be timed
    monkeypatch.setattr("ui.run_estimate.TrialProcess", Trial)
    monkeypatch.setattr("ui.run_estimate._TRIALS", {})
    visitor.run()
    assert trials == [] and not visitor.exception
    _sign_in(visitor)
    assert trials == ["dekm"]  # the teacher's page times it


def test_a_visitor_cannot_upload(visitor):
    visitor.selectbox(key="data_choice").set_value("Your file (CSV, .npy, .npz, .zip of images)").run()
    assert not visitor.exception and not visitor.get("file_uploader")
    assert any(access.VIEWER_LINE in c.value for c in visitor.sidebar.caption)
    _sign_in(visitor)
    _signed_out_behind_the_page(visitor)
    visitor.sidebar.file_uploader(key="upload").set_value(("rows.csv", b"a,b\n1,2\n3,4\n5,6\n", "text/csv")).run()
    assert not visitor.exception and not visitor.get("file_uploader")  # the file was not read
    assert not any(c.label == "Drop rows with missing values" for c in visitor.checkbox)


def _users_run(tiny_run) -> str:
    recording = Recording(RunStore(), tiny_run.data, tiny_run.config, origin="python")
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    return recording.run_id


def test_a_visitor_cannot_delete_or_assign_new_rows(visitor, tiny_run):
    run_id = _users_run(tiny_run)
    visitor.switch_page("pages/runs.py").run()
    visitor.selectbox(key="open_run").set_value(run_id).run()
    assert not visitor.exception and len(visitor.get("download_button")) == 7  # replay and exports stay
    keys = {w.key for kind in ("multiselect", "button", "file_uploader") for w in visitor.get(kind)}
    assert not keys & {"runs:delete", "runs:delete_button", f"new_rows_file:{run_id}"}
    assert any(access.VIEWER_LINE in c.value for c in visitor.caption)
    _sign_in(visitor)
    visitor.multiselect(key="runs:delete").set_value([run_id]).run()
    _signed_out_behind_the_page(visitor)
    visitor.button(key="runs:delete_button").click().run()
    assert _refused(visitor) and RunStore().run_record(run_id).id == run_id  # still there
    _sign_in(visitor)
    _signed_out_behind_the_page(visitor)
    visitor.get("file_uploader")[0].set_value(("more.csv", b"0.1,0.2\n", "text/csv")).run()
    assert _refused(visitor) and "new_rows" not in visitor.session_state  # the file was not read


def test_a_visitor_cannot_branch(visitor):
    visitor.switch_page("pages/runs.py").run()
    visitor.selectbox(key="open_run").set_value("example-digits-dekm").run()
    assert not visitor.exception and "branch:start" not in {b.key for b in visitor.button}
    _sign_in(visitor)
    _signed_out_behind_the_page(visitor)
    visitor.button(key="branch:start").click().run()
    assert _refused(visitor) and "run" not in visitor.session_state


def test_a_visitor_cannot_start_a_sweep(visitor, monkeypatch):
    started = []
    monkeypatch.setattr("ui.sweep_run.sweep_host", lambda: SimpleNamespace(start=lambda spec, *_: started.append(spec)))
    visitor.switch_page("pages/sweep.py").run()
    start = visitor.button(key="sweep:start")
    assert start.disabled and start.help == access.VIEWER_LINE
    _forged_click(visitor, start)
    _sign_in(visitor)
    _signed_out_behind_the_page(visitor)
    visitor.button(key="sweep:start").click().run()
    assert _refused(visitor) and not started


def test_the_teacher_password_unlocks_and_a_wrong_one_does_not(visitor):
    assert visitor.sidebar.expander[0].label == "Teacher sign-in"
    _sign_in(visitor, "wrong password")
    assert _start(visitor).disabled and any("Wrong password" in e.value for e in visitor.error)
    _sign_in(visitor)
    assert not _start(visitor).disabled and not visitor.error
    assert not any(access.VIEWER_LINE in i.value for i in visitor.info)
    visitor.switch_page("pages/runs.py").run()
    visitor.button(key="access:sign_out").click().run()  # signed in on every page of the tab, until signing out
    visitor.switch_page("pages/train.py").run()
    assert _start(visitor).disabled


def test_without_a_password_on_the_server_nobody_signs_in(visitor, monkeypatch):
    monkeypatch.delenv(access.PASSWORD_VARIABLE)
    visitor.run()
    assert not visitor.get("text_input") or "access:password" not in {t.key for t in visitor.text_input}
    assert not access.password_matches("")


def test_the_machines_own_browser_changes_everything_without_a_password():
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not _start(app).disabled and not app.info[0].value.startswith("Viewers")
    assert "Teacher sign-in" not in [e.label for e in app.sidebar.expander]
