"""A machine's first start (issue 25): `deepclust warm-up` compiles UMAP into the cache folder, one projection
process compiles at a time, and a live run's clustering starts once its first clustering snapshot has its own
frame."""
import threading
import time

import numpy as np

from deepclust_core.cli.main import main
from deepclust_core.projection import frames as frames_module
from deepclust_core.projection import umap as projection
from deepclust_core.projection.worker import compiling_alone


def test_wait_for_frame_ends_with_the_frame_or_when_the_run_stops():
    frames = frames_module.Frames(lambda: [], seed=0, projector=frames_module.Projector(autostart=False))
    stop_at = time.monotonic() + 0.3
    assert frames.wait_for_frame(0, stopped=lambda: time.monotonic() > stop_at) is False  # no projector here
    assert time.monotonic() - stop_at < 5

    def make_frame():
        time.sleep(0.3)
        frames.put(0, np.zeros((3, 2), np.float32))

    threading.Thread(target=make_frame).start()
    assert frames.wait_for_frame(0, stopped=lambda: False, most_seconds=30) is True


def test_warm_up_command_leaves_compiled_code(capsys):
    assert main(["warm-up"]) == 0
    assert projection.is_ready() and projection.has_compiled_code()
    assert "UMAP is ready" in capsys.readouterr().out


def test_a_projection_process_waits_while_another_compiles(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    order = []

    def second_process():
        with compiling_alone():
            order.append("second compiles")

    with compiling_alone():
        second = threading.Thread(target=second_process)
        second.start()
        second.join(0.5)
        order.append("first has compiled")
    second.join(10)
    assert order == ["first has compiled", "second compiles"]


def test_a_folder_it_cannot_write_leaves_each_process_to_compile_alone(tmp_path, monkeypatch):
    (tmp_path / "a file").write_text("")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "a file" / "numba"))
    with compiling_alone(), compiling_alone():  # no lock to wait for: the second enters at once
        pass
