"""The line under the run buttons (ui/run_estimate.py) through AppTest: before Start it says about how long
the chosen settings take and follows the epochs; after a recorded run it is measured on that run."""
from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_app import configure_short_run, wait_for_run

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def estimate_line(at: AppTest) -> str:
    lines = [c.value for c in at.caption if "on this machine" in c.value]
    assert len(lines) == 1, [c.value for c in at.caption]
    return lines[0]


def test_the_estimate_follows_the_epochs_and_then_the_recorded_run(monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPCLUST_HOME", str(tmp_path))  # a run store of its own: no other test's runs of these settings
    # no browser here: the run need not wait for its first clustering frame (tests/test_first_start.py checks that)
    monkeypatch.setattr("deepclust_core.projection.frames.Frames.wait_for_frame", lambda *args, **kwargs: True)
    at = configure_short_run(AppTest.from_file(APP, default_timeout=60).run())
    assert not at.exception
    short = estimate_line(at)
    assert "first estimate" in short
    at.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(3000).run()
    longer = estimate_line(at)
    assert " min" in longer and " min" not in short, (short, longer)
    at.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(3).run()
    at.button[0].click().run()
    wait_for_run(at)
    assert not at.exception
    at.sidebar.number_input(key="dekm:train:cluster_epochs").set_value(4).run()  # the same data, method, network, batch
    assert "measured on 1 earlier run" in estimate_line(at)
