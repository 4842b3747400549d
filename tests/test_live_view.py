"""The live view through AppTest: the scoreboard after a run (AE + k-means too), a selection that
stays with its run, and a replay that plays to the end at its pace."""
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from ui import replay
from ui.selection import run_key

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def short_run(at: AppTest, method: str = "dekm") -> AppTest:
    """A few epochs on 300 blobs, trained to the end, the last epoch's UMAP frame made. Widgets are set together
    where they already show: each run of the page is a rerun of the whole Train page."""
    at.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    at.sidebar.number_input(key="synthetic_n").set_value(300)
    at.sidebar.selectbox(key="method").set_value(method).run()
    at.sidebar.number_input(key=f"{method}:train:pretrain_epochs").set_value(3)
    if not at.sidebar.number_input(key=f"{method}:train:cluster_epochs").disabled:  # AE + k-means has no clustering epochs
        at.sidebar.number_input(key=f"{method}:train:cluster_epochs").set_value(3)
    at.sidebar.text_input(key=f"{method}:train:hidden").set_value("32,32").run()
    button(at, "Start").click().run()
    run = at.session_state["run"]
    deadline = time.time() + 90
    while run.active and time.time() < deadline:
        time.sleep(0.2)
    last = run.history()[-1].seq
    while run.frames.layout(last) is None and time.time() < deadline:  # the view may hold the newest epoch back
        time.sleep(0.1)
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def scoreboard(at: AppTest) -> dict:
    return {metric.label: metric for metric in at.metric}


def test_the_scoreboard_keeps_the_final_numbers_after_a_run(app):
    at = short_run(app)
    assert not at.exception
    final = at.session_state["run"].history()[-1].snapshot
    board = scoreboard(at)
    assert board["Clustering"].value == f"{final.epoch} / {final.epochs_in_phase}"
    assert board["Clustering"].delta == at.session_state["run"].status
    level = all(abs(final.metrics[name] - final.reference_metrics[name]) < 5e-4 for name in ("acc", "nmi", "ari"))
    for name in ("acc", "nmi", "ari"):
        score, start = final.metrics[name], final.reference_metrics[name]
        assert board[name.upper()].value == f"{score:.3f}"
        assert board[name.upper()].delta == ("AE + k-means level" if level else f"{score - start:+.3f}")
    assert board["Loss"].value == f"{final.losses['total']:.3g}"


def test_the_scoreboard_shows_an_ae_kmeans_result(app):
    at = short_run(app, "ae-kmeans")
    assert not at.exception
    run = at.session_state["run"]
    assert run.status == "finished"
    final = run.history()[-1].snapshot
    assert (final.phase, final.epoch) == ("cluster", 0)  # k-means on the pretrained embedding, and done
    board = scoreboard(at)
    assert (board["Clustering"].value, board["Clustering"].delta) == ("k-means", "finished")
    assert board["ACC"].value == f"{final.metrics['acc']:.3f}"
    assert board["ACC"].delta == "AE + k-means level"
    pretrained = run.history()[-2].snapshot
    assert board["Loss"].value == f"{pretrained.losses['reconstruction']:.3g}"  # pretraining's last loss
    assert board["Loss"].delta == "reconstruction"


def test_a_selection_stays_with_the_run_it_was_made_in(app):
    at = short_run(app)
    first = at.session_state["run"]
    at.session_state["selection"] = {"run": run_key(first), "rows": list(range(20))}  # as a lasso leaves it
    at.run()
    assert any("20 selected points" in m.value for m in at.markdown)
    at = short_run(at)  # the next run, same settings
    assert at.session_state["run"] is not first
    assert not any("selected points" in m.value for m in at.markdown)
    assert any("Select points with the box or lasso" in c.value for c in at.caption)


def test_play_after_a_run_plays_to_the_last_epoch_at_its_pace_and_pause_stops_it(app, monkeypatch):
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(replay, "time", SimpleNamespace(time=lambda: clock.now))  # the replay's clock only
    at = short_run(app)
    labels = [replay.label(e) for e in at.session_state["run"].history()]
    assert len(labels) >= 5 and at.select_slider(key="replay").value == labels[-1]
    at.selectbox(key="play_speed").set_value(2.0).run()
    button(at, "Play").click().run()
    assert at.session_state["playing"] and not at.session_state["follow_live"]
    assert at.select_slider(key="replay").value == labels[0]  # from the start, since the last epoch was shown
    clock.now += 1.0
    at.run()
    assert at.select_slider(key="replay").value == labels[2]  # two epochs a second
    button(at, "Pause replay").click().run()
    clock.now += 5.0
    at.run()
    assert at.select_slider(key="replay").value == labels[2] and not at.session_state["playing"]
    button(at, "Play").click().run()  # on from where it paused
    clock.now += len(labels)
    at.run()
    assert at.select_slider(key="replay").value == labels[-1]
    assert not at.session_state["playing"]
