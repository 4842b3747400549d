"""The Runs and Compare pages through AppTest, on the shipped gallery and a run of the user's."""
import time
from pathlib import Path

import pytest
from app_charts import chart_titles
from streamlit.testing.v1 import AppTest

from deepclust_core.runs.store import GALLERY_DIR
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def test_runs_page_lists_the_examples_and_replays_one(app):
    app.switch_page("pages/runs.py").run()
    assert not app.exception
    listed = set(app.dataframe[0].value["run"])
    assert {"example-digits-dekm", "example-digits-idec-branch", "example-blobs-dec", "example-moons-dekm"} <= listed
    app.selectbox(key="open_run").set_value("example-digits-dekm").run()
    assert not app.exception
    titles = chart_titles(app)
    assert any(t.startswith("Autoencoder space") for t in titles)  # the live view's two panels
    assert any("ACC / NMI / ARI" in t for t in titles) and len(titles) >= 6
    assert app.select_slider(key="replay").value.startswith("cluster")
    assert len(app.get("download_button")) == 6  # metrics CSV / JSON, run file, report, per-row CSV / .npz
    assert any("Finished" in s.value for s in app.success)


def test_a_run_of_the_users_is_listed_and_can_be_deleted(app, tiny_run):
    recording = Recording(RunStore(), tiny_run.data, tiny_run.config, origin="python")
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    app.switch_page("pages/runs.py").run()
    assert recording.run_id in set(app.dataframe[0].value["run"])
    app.selectbox(key="open_run").set_value(recording.run_id).run()
    assert not app.exception and chart_titles(app)
    app.multiselect(key="runs:delete").set_value([recording.run_id]).run()
    app.button(key="runs:delete_button").click().run()
    assert not app.exception
    assert recording.run_id not in set(app.dataframe[0].value["run"])


def test_compare_page_shows_parent_and_branch(app):
    app.switch_page("pages/compare.py").run()
    assert not app.exception
    assert set(app.multiselect(key="compare:runs").value) == {"example-digits-dekm", "example-digits-idec-branch"}
    titles = chart_titles(app)
    assert {"ACC", "NMI", "ARI", "Total loss"} <= set(titles)
    assert sum("<sup>" in t for t in titles) == 2  # the two final clustering spaces
    assert len(app.dataframe) == 2  # final metrics, settings
    assert any("settings differ" in c.value for c in app.caption)


def test_branch_from_an_example_trains_a_child(app):
    app.switch_page("pages/runs.py").run()
    app.selectbox(key="open_run").set_value("example-digits-dekm").run()
    example = RunStore(GALLERY_DIR, read_only=True)
    kept, pretrained = example.weight_seqs("example-digits-dekm"), example.record("example-digits-dekm").config.pretrain_epochs
    assert app.selectbox(key="branch:seq").value == kept[-1]  # the newest snapshot, as shown
    app.selectbox(key="branch:seq").set_value(pretrained).run()  # clustering epoch 0: the pretrained autoencoder
    app.number_input(key="branch:cluster_epochs").set_value(1).run()
    app.selectbox(key="branch:method").set_value("dec").run()
    app.button(key="branch:start").click().run()
    assert not app.exception
    run = app.session_state["run"]
    deadline = time.time() + 90
    while run.active and time.time() < deadline:
        time.sleep(0.5)
    record = RunStore().record(run.run_id)
    assert record.parent.run_id == "example-digits-dekm" and record.parent.seq == pretrained
    assert record.config.method == "dec" and record.config.pretrain_epochs == 0
    assert record.status in ("finished", "converged")
