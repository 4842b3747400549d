"""A race's pages through AppTest: the Race page before Start, and a recorded race reopened on the Runs page."""
import time
from dataclasses import replace
from pathlib import Path

import pytest
from app_charts import chart_titles, figures
from conftest import SMALL_AE
from streamlit.testing.v1 import AppTest

from deepclust_core import load_dataset
from deepclust_core.recipe.race import race_configs
from deepclust_core.runs.race import Race
from deepclust_core.runs.store import RunStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def own_home(tmp_path, monkeypatch):
    """A run store of this test's own: the user's runs are exactly those the test records."""
    monkeypatch.setenv("DEEPCLUST_HOME", str(tmp_path / "home"))
    return RunStore(tmp_path / "home")


def recorded_race(store: RunStore, tmp_path) -> Race:
    data = load_dataset("blobs", n_samples=160, noise=0.05)
    configs = [replace(c, autoencoder=SMALL_AE, pretrain_epochs=3, cluster_epochs=3, batch_size=64)
               for c in race_configs(["dekm", "dec"], data, 4, cache_dir=str(tmp_path / "cache"), display_size=100)]
    race = Race(data, configs, store=store).start()
    assert race.wait(120)
    return race


def lines(app) -> str:
    return " ".join(element.proto.body for element in app.get("html"))


def test_the_race_page_offers_a_race_of_dekm_and_dec(own_home):
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("pages/race.py").run()
    app.run()  # (AppTest's first run after a switch reads the Train page's K as 0; the next reads it as drawn)
    assert not app.exception
    assert app.multiselect(key="race:methods").value == ["dekm", "dec"]
    start = next(b for b in app.button if b.label == "Start race")
    assert not start.disabled
    app.multiselect(key="race:methods").set_value(["dekm"]).run()
    assert next(b for b in app.button if b.label == "Start race").disabled
    assert any("2 to 4 methods" in e.value for e in app.error)


def test_a_recorded_race_reopens_as_a_race_on_the_runs_page(own_home, tmp_path):
    race = recorded_race(own_home, tmp_path)
    dekm, dec = (lane.run_id for lane in race.lanes)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("pages/runs.py").run()
    table = app.dataframe[0].value
    assert set(table[table["race"] == race.race_id]["run"]) == {dekm, dec}  # grouped as one race
    app.selectbox(key="open_run").set_value(dec).run()
    assert not app.exception
    titles = chart_titles(app)
    assert titles.count("Autoencoder space") == 2 and "ACC of every method" in titles  # both methods, one chart
    assert sum(t.startswith("Input plane") for t in titles) == 2  # blobs has two columns: a plane a method
    acc = next(f for f in figures(app) if f["layout"]["title"]["text"] == "ACC of every method")
    assert [trace["name"] for trace in acc["data"]] == ["DEKM", "DEC"]
    assert "DEKM" in lines(app) and "DEC" in lines(app) and "ACC" in lines(app)  # a scoreboard line each
    assert app.select_slider(key="replay").value == "cluster 3"


def test_a_race_started_on_the_page_trains_both_methods_and_start_race_asks_before_stopping_it(own_home):
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("pages/race.py").run()
    app.run()
    blobs = next(option for option in app.selectbox(key="data_choice").options if option.startswith("blobs"))
    app.selectbox(key="data_choice").set_value(blobs).run()
    app.number_input(key="race:pretrain_epochs").set_value(2).run()
    app.number_input(key="race:cluster_epochs").set_value(400).run()
    next(b for b in app.button if b.label == "Start race").click().run()
    race = app.session_state.race
    deadline = time.time() + 300
    while not race.lanes[1].history() and time.time() < deadline:
        time.sleep(0.5)
    assert race.active and race.lanes[1].history(), [lane.status for lane in race.lanes]
    next(b for b in app.button if b.label == "Start race").click().run()
    assert any("Starting a new one stops it" in w.value for w in app.warning) and race.active  # asked, not stopped
    next(b for b in app.button if b.label == "Keep the current race").click().run()
    assert race.active and not any("Starting a new one" in w.value for w in app.warning)
    assert "ACC" in lines(app) and "DEC" in lines(app)
    race.stop()
    assert race.wait(120) and {lane.status for lane in race.lanes} == {"stopped"}
