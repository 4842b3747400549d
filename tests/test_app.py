"""The pages through Streamlit's AppTest: widgets exist, a short run draws everything."""
import time
from pathlib import Path

import numpy as np
import pytest
from app_charts import by_title, points_drawn, values
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def configure_short_run(at: AppTest, k: int = 4) -> AppTest:
    at.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    at.sidebar.number_input(key="synthetic_n").set_value(300).run()
    at.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(3).run()
    at.sidebar.number_input(key="dekm:train:cluster_epochs").set_value(3).run()
    at.sidebar.text_input(key="dekm:train:hidden").set_value("32,32").run()
    return at


def wait_for_run(at: AppTest, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while at.session_state["run"].active and time.time() < deadline:
        time.sleep(0.5)
    at.run()


def test_controls_are_present(app):
    assert not app.exception
    assert {"Data set", "Method"} <= {box.label for box in app.sidebar.selectbox}
    labels = {box.label for box in app.sidebar.number_input}
    assert {"Clusters K", "Pretraining epochs", "Clustering epochs (at most)", "Batch size", "Learning rate",
            "Seed"} <= labels
    assert [b.label for b in app.button][:4] == ["Start", "Pause", "Step", "Stop"]
    assert app.sidebar.number_input(key="k:digits:10").value == 10  # K defaults to the number of classes
    assert app.sidebar.selectbox(key="method").value == "dekm"


def test_method_options_come_from_the_config_dataclass(app):
    labels = {widget.label for widget in app.sidebar.number_input}
    assert {"update interval", "stop tolerance", "max iterations", "first n init"} <= labels


def test_short_run_draws_both_panels_and_the_curves(app):
    at = configure_short_run(app)
    at.button[0].click().run()
    wait_for_run(at)
    assert not at.exception
    assert at.session_state["run"].status in ("finished", "converged")
    charts = by_title(at)
    view = next(title for title in charts if title.startswith("DEKM"))  # the method's own space
    assert points_drawn(charts["Autoencoder space"]) == points_drawn(charts[view]) == 300  # every row of the data
    centres = [trace for trace in charts[view]["data"] if trace.get("name") == "centres"]
    assert len(centres) == 1 and len(values(centres[0]["x"])) == 4  # K
    spectrum = values(charts["eigenvalues of S_w (ascending)"]["data"][0]["y"])
    assert len(spectrum) == 10 and (np.diff(spectrum) >= 0).all()  # one per embedding dimension, ascending
    scores = {trace["name"]: values(trace["y"]) for trace in charts["ACC / NMI / ARI"]["data"]}
    assert set(scores) == {"ACC", "NMI", "ARI"} and len({len(curve) for curve in scores.values()}) == 1
    assert len(scores["ACC"]) >= 2 and all(((curve >= -1) & (curve <= 1)).all() for curve in scores.values())
    assert "reconstruction" in {trace["name"] for trace in charts["Loss terms"]["data"]}
    assert any("Finished" in message.value for message in at.success)
    assert at.select_slider(key="replay").value.startswith("cluster")

    from ui.selection import run_key

    at.session_state["selection"] = {"run": run_key(at.session_state["run"]), "rows": list(range(100))}  # a lasso's
    at.run()
    assert not at.exception
    assert any("100 selected points" in m.value and "first 60 shown" in m.value for m in at.markdown)
    shown = [frame.value for frame in at.dataframe if "cluster" in frame.value.columns]
    assert [len(rows) for rows in shown] == [60]  # tabular data: the first 60 selected rows, with cluster and label


def test_bad_settings_are_explained_and_block_start(app):
    at = configure_short_run(app)
    at.sidebar.number_input(key="synthetic_n").set_value(150).run()
    at.sidebar.number_input(key="k:blobs:4").set_value(100).run()
    assert any("too few for K = 100" in error.value for error in at.error)
    assert at.button[0].disabled and not at.exception


def test_bad_hyperparameter_is_explained(app):
    at = configure_short_run(app)
    at.sidebar.text_input(key="dekm:train:hidden").set_value("32,abc").run()
    assert at.button[0].disabled and at.error and not at.exception


def test_learn_page_explains_every_method(app):
    app.switch_page("pages/learn.py").run()
    assert not app.exception
    from deepclust_core.catalog import CARDS

    assert len(app.expander) == len(CARDS)
    assert len(app.get("latex")) >= 2 * len(CARDS)


def test_explore_page_after_a_run(app):
    at = configure_short_run(app)
    at.button[0].click().run()
    wait_for_run(at)
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    charts = by_title(at)
    confusion = next(figure for title, figure in charts.items() if title.startswith("Clusters against labels"))
    matrix = values(confusion["data"][0]["z"])
    assert matrix.shape == (4, 4) and matrix.sum() == 300  # clusters x classes, every row counted once
    sizes = values(charts["Cluster sizes (all 300 rows)"]["data"][0]["y"])
    assert len(sizes) == 4 and sizes.sum() == 300
    assert any(title.startswith("Cluster profiles") for title in charts)  # a table's clusters in its units
    assert at.dataframe  # tabular members of the chosen cluster
    assert any("on all 300 rows" in c.value for c in at.caption)  # this tab's run: profiled from every row
