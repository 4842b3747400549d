"""New rows in the app (AppTest): a finished run on the Runs page takes a file of new rows, draws them in
both panels, marked, and offers their per-row CSV; a file whose columns differ gets one line."""
import time
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from deepclust_core import AutoencoderConfig, TrainConfig, load_dataset
from deepclust_core.training.loop import new_autoencoder, train
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore

from app_charts import figures

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def panel_traces(at: AppTest) -> list[list[str]]:
    """The trace names of each point panel on the page (st.plotly_chart's and the live view's)."""
    return [[trace.get("name") for trace in figure["data"]] for figure in figures(at)
            if figure["layout"].get("dragmode") == "lasso"]


def test_a_finished_run_assigns_an_uploaded_file_and_marks_its_rows(tmp_path):
    from sklearn.datasets import make_blobs

    X, y = make_blobs(120, centers=3, cluster_std=0.5, random_state=1)
    path = tmp_path / "cells.csv"
    path.write_text("area,depth\n" + "".join(f"{a},{b}\n" for a, b in X))
    data = load_dataset("file", path=str(path))
    config = TrainConfig(n_clusters=3, method="dec", autoencoder=AutoencoderConfig(hidden=(16,), embedding_dim=2),
                         pretrain_epochs=2, cluster_epochs=2, batch_size=32, use_cache=False, display_size=100)
    autoencoder = new_autoencoder(data, config)
    recording = Recording(RunStore(), data, config, origin="python", autoencoder=autoencoder)
    for _ in recorded(train(data, config, autoencoder=autoencoder), recording):
        pass

    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("pages/runs.py").run()
    app.selectbox(key="open_run").set_value(recording.run_id).run()
    panels = panel_traces(app)
    assert not app.exception and len(panels) == 2 and all("new rows" not in names for names in panels)
    uploader = app.get("file_uploader")[-1]
    new_rows = "depth,area\n" + "".join(f"{b},{a}\n" for a, b in X[:7])  # columns in another order
    uploader.set_value(("new.csv", new_rows.encode(), "text/csv")).run()
    assert not app.exception
    panels = panel_traces(app)
    assert len(panels) == 2 and all("new rows" in names for names in panels)
    table = app.session_state["new_rows"]["table"]
    assert len(table) == 7 and np.all((table.cluster >= 0) & (table.cluster < 3))
    assert len(app.get("download_button")) == 8  # the run's seven (cluster profiles among them), and the new rows' CSV

    app.get("file_uploader")[-1].set_value(("other.csv", b"area,width\n1,2\n", "text/csv")).run()
    assert not app.exception
    (error,) = [e.value for e in app.error]
    assert "\n" not in error and "missing 'depth'" in error and "not in the run 'width'" in error
    assert all("new rows" not in names for names in panel_traces(app))

    app.get("file_uploader")[-1].set_value(("gaps.csv", b"area,depth\n1,2\n3,\n5,6\n", "text/csv")).run()
    (error,) = [e.value for e in app.error]
    assert "missing values: 1 in column 'depth'" in error
    app.checkbox(key=f"new_rows_file:{recording.run_id}:drop_missing").check().run()
    assert not app.exception and not app.error
    assert list(app.session_state["new_rows"]["table"].rows) == [0, 2]  # the file's rows, the gap left out


def test_the_train_page_exports_a_finished_run_and_takes_new_rows():
    import io

    app = AppTest.from_file(APP, default_timeout=60).run()  # digits, the first page's data
    for key, value in (("dekm:train:pretrain_epochs", 2), ("dekm:train:cluster_epochs", 2)):
        app.sidebar.number_input(key=key).set_value(value).run()
    app.sidebar.selectbox(key="dekm:train:kind").set_value("mlp").run()  # DEKM_dense.py's network, made small:
    app.sidebar.text_input(key="dekm:train:hidden").set_value("32").run()
    app.button[0].click().run()
    run = app.session_state["run"]
    deadline = time.time() + 120
    while run.active and time.time() < deadline:
        time.sleep(0.5)
    last = run.history()[-1].seq  # its UMAP frame may lag the run on a busy machine: the panels wait for it
    while run.frames.layout(last) is None and time.time() < deadline + 120:
        time.sleep(0.5)
    app.run()
    assert not app.exception and run.status in ("finished", "converged")
    assert len(app.get("download_button")) == 7  # "Export this run", cluster profiles among them
    new = io.BytesIO()
    digits = load_dataset("digits")
    np.save(new, digits.in_file_units(digits.X[:12]).reshape(12, 8, 8))  # 12 pictures in the file's units, 0-16
    app.get("file_uploader")[-1].set_value(("new.npy", new.getvalue(), "application/octet-stream")).run()
    assert not app.exception
    table = app.session_state["new_rows"]["table"]
    assert len(table) == 12  # scaled from 0-16 as the run's rows were: assigned as the run labelled them
    assert np.sum(table.cluster == run.history()[-1].snapshot.labels[:12]) >= 10
    assert all("new rows" in names for names in panel_traces(app))
