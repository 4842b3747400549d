"""The Runs and Compare pages through AppTest, on the shipped examples and a run of the user's."""
import time
from pathlib import Path

import pytest
from app_charts import by_title, chart_titles, points_drawn, values
from streamlit.testing.v1 import AppTest

from deepclust_core.runs.store import EXAMPLES_DIR
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


@pytest.fixture
def own_home(tmp_path, monkeypatch):
    """A run store of this test's own: the user's runs are exactly those the test records."""
    monkeypatch.setenv("DEEPCLUST_HOME", str(tmp_path))
    return RunStore(tmp_path)


def record(store: RunStore, tiny_run, name: str = "") -> str:
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", name=name)
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    return recording.run_id


def test_runs_page_lists_the_examples_and_replays_one(app):
    app.switch_page("pages/runs.py").run()
    assert not app.exception
    listed = set(app.dataframe[0].value["run"])
    assert {"example-digits-dekm", "example-digits-idec-branch", "example-blobs-dec", "example-moons-dekm"} <= listed
    app.selectbox(key="open_run").set_value("example-digits-dekm").run()
    assert not app.exception
    charts = by_title(app)
    shown = StoredRun(RunStore(EXAMPLES_DIR, read_only=True), "example-digits-dekm").history()[-1].snapshot
    panel = next(figure for title, figure in charts.items() if title.startswith("Autoencoder space"))
    assert points_drawn(panel) == points_drawn(charts[shown.view.title]) == len(shown.display_index)  # both panels
    assert len(values(charts[shown.view.spectrum_name]["data"][0]["y"])) == len(shown.view.spectrum)
    scores = {trace["name"]: values(trace["y"]) for trace in charts["ACC / NMI / ARI"]["data"]}
    assert set(scores) == {"ACC", "NMI", "ARI"} and scores["ACC"][-1] == pytest.approx(shown.metrics["acc"], abs=1e-6)
    assert app.select_slider(key="replay").value.startswith("cluster")
    assert len(app.get("download_button")) == 7  # metrics CSV / JSON, run file, report, per-row CSV / .npz, profile
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


def test_compare_page_shows_parent_and_branch_when_the_user_has_no_run(own_home, app):
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
    example = RunStore(EXAMPLES_DIR, read_only=True)
    kept = example.weight_seqs("example-digits-dekm")
    pretrained = example.run_record("example-digits-dekm").config.pretrain_epochs
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
    record = RunStore().run_record(run.run_id)
    assert record.parent.run_id == "example-digits-dekm" and record.parent.seq == pretrained
    assert record.config.method == "dec" and record.config.pretrain_epochs == 0
    assert record.status in ("finished", "converged")


def test_compare_opens_on_the_users_latest_runs_with_their_names(own_home, app, tiny_run):
    older, newer = record(own_home, tiny_run, "first try"), record(own_home, tiny_run, "second try")
    own_home.create_run(tiny_run.data, tiny_run.config, origin="python")  # no epoch yet: nothing to compare
    app.switch_page("pages/compare.py").run()
    assert not app.exception
    assert app.multiselect(key="compare:runs").value == [newer, older]  # the user's, newest first: no example
    final = app.dataframe[0].value
    assert list(final["run"]) == [f"1. second try · {newer}", f"2. first try · {older}"]


def test_a_run_is_named_on_the_runs_page_and_the_name_shows_everywhere(own_home, app, tiny_run):
    run_id = record(own_home, tiny_run)
    app.switch_page("pages/runs.py").run()
    assert app.dataframe[0].value.set_index("run").loc[run_id, "name"] == ""
    app.selectbox(key="open_run").set_value(run_id).run()
    app.text_input(key=f"runs:name:{run_id}").input("lr 0.01, batch 64").run()
    assert not app.exception
    assert own_home.run_record(run_id).name == "lr 0.01, batch 64"
    assert app.dataframe[0].value.set_index("run").loc[run_id, "name"] == "lr 0.01, batch 64"
    assert any(h.value.startswith("lr 0.01, batch 64: dekm on blobs") for h in app.subheader)
    app.selectbox(key="open_run").set_value("example-digits-dekm").run()
    assert app.text_input(key="runs:name:example-digits-dekm").disabled  # examples are read-only
    app.switch_page("pages/compare.py").run()
    assert any("lr 0.01, batch 64" in option for option in app.multiselect(key="compare:runs").options)


def test_the_train_page_records_the_name_given_beside_start(own_home, app):
    from test_app import configure_short_run, wait_for_run

    at = configure_short_run(app)
    at.text_input(key="run_name").input("blobs, 3 + 3 epochs").run()
    at.button[0].click().run()
    wait_for_run(at)
    assert not at.exception
    assert own_home.run_record(at.session_state["run"].run_id).name == "blobs, 3 + 3 epochs"
    assert at.text_input(key="run_name").value == ""  # the next run is not named after this one
