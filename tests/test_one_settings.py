"""One way to build a run's settings and one way to train it: for every method, the CLI, DeepClusterer and the
app's Train page (every widget as it starts, but for the epochs and a small autoencoder, set the same way in all
three) build the same TrainConfig for the same data, K and seed, and train it to the same labels."""
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from deepclust_core import DeepClusterer, load_dataset
from deepclust_core.catalog import CARDS
from deepclust_core.cli.main import build_parser, config_from_args, main
from deepclust_core.methods import METHODS
from deepclust_core.recipe.drives import uses

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ROWS, EPOCHS, HIDDEN, EMBEDDING = 120, 1, (16, 16), 4  # blobs: K = 4 classes; DEPICT's network asks d_emb = K
CLI = ["train", "--data", "blobs", "--n-samples", str(ROWS), "--pretrain-epochs", str(EPOCHS),
       "--cluster-epochs", str(EPOCHS), "--hidden", ",".join(map(str, HIDDEN)), "--embedding-dim", str(EMBEDDING)]


@pytest.fixture(scope="module")
def page():
    """The Train page on blobs of ROWS points, not waiting for the page to draw each clustering epoch."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.toggle(key="paced").set_value(False)
    at.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    at.sidebar.number_input(key="synthetic_n").set_value(ROWS).run()
    return at


def train_on_the_page(page: AppTest, method: str):
    """Start `method` with the epochs and the autoencoder set in the sidebar; the LiveRun, once over."""
    page.sidebar.selectbox(key="method").set_value(method).run()
    for name, value in (("pretrain_epochs", EPOCHS), ("cluster_epochs", EPOCHS), ("embedding_dim", EMBEDDING)):
        widget = page.sidebar.number_input(key=f"{method}:train:{name}")
        if not widget.disabled:  # clustering epochs of a method that has none: shown disabled, not read
            widget.set_value(value)
    page.sidebar.text_input(key=f"{method}:train:hidden").set_value(",".join(map(str, HIDDEN))).run()
    next(button for button in page.button if button.label == "Start").click().run()
    run = page.session_state["run"]
    deadline = time.time() + 120
    while run.active and time.time() < deadline:
        time.sleep(0.1)
    assert run.status in ("finished", "converged"), run.error
    return run


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """The same clusters, whatever number each one has."""
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("method", list(CARDS))
def test_the_cli_the_estimator_and_the_app_build_and_train_alike(method, page, tmp_path, monkeypatch):
    data = load_dataset("blobs", n_samples=ROWS)
    # each pretrains afresh: an autoencoder read from the cache would leave torch's random numbers elsewhere
    monkeypatch.setenv("DEEPCLUST_CACHE", str(tmp_path / "cli"))
    arguments = [*CLI, "--method", method]
    cli_config = config_from_args(build_parser().parse_args(arguments), data)
    assert main([*arguments, "--no-store", "--save-labels", str(tmp_path / "labels.npy")]) == 0
    cli_labels = np.load(tmp_path / "labels.npy")

    monkeypatch.setenv("DEEPCLUST_CACHE", str(tmp_path / "estimator"))
    model = DeepClusterer(data.n_classes, method=method, pretrain_epochs=EPOCHS, cluster_epochs=EPOCHS,
                          autoencoder=dict(hidden=HIDDEN, embedding_dim=EMBEDDING), record=False).fit(data.X)

    monkeypatch.setenv("DEEPCLUST_CACHE", str(tmp_path / "app"))
    run = train_on_the_page(page, method)

    assert run.data.fingerprint() == data.fingerprint()
    if not METHODS[method].fine_tunes:  # the form cannot set what the method does not read: the recipe's stays
        assert not uses(run.config, image=False)["cluster_epochs"].read
        run_config = replace(run.config, cluster_epochs=cli_config.cluster_epochs)
    else:
        run_config = run.config
    assert cli_config == model.config_ == run_config
    assert cli_config.autoencoder.activation == CARDS[method].suggested.get("activation", "relu")  # the recipe's
    assert np.array_equal(run.final_labels, cli_labels)
    assert same_partition(model.labels_, cli_labels)  # numbered as the method numbers them, not as the view aligns
