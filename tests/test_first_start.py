"""A machine's first start (issue 25): `deepclust warm-up` compiles UMAP into the cache folder, and a live
run's clustering waits only for a compilation that is under way."""
import time

from deepclust_core.cli.main import main
from deepclust_core.projection import umap as projection


def test_wait_until_ready_never_waits_without_a_projection_process(monkeypatch):
    monkeypatch.setattr(projection, "_starting", type(projection._starting)())  # no process started
    began = time.monotonic()
    assert projection.wait_until_ready(30) is projection.is_ready()
    assert time.monotonic() - began < 1


def test_wait_until_ready_ends_when_the_run_stops(monkeypatch):
    starting, ready = type(projection._ready)(), type(projection._ready)()
    starting.set()  # a process is compiling and never gets ready
    monkeypatch.setattr(projection, "_starting", starting)
    monkeypatch.setattr(projection, "_ready", ready)
    stop_at = time.monotonic() + 0.5
    assert projection.wait_until_ready(30, stopped=lambda: time.monotonic() > stop_at) is False
    assert time.monotonic() - stop_at < 5


def test_warm_up_command_leaves_compiled_code(capsys):
    assert main(["warm-up"]) == 0
    assert projection.is_ready() and projection.has_compiled_code()
    assert "UMAP is ready" in capsys.readouterr().out
