"""The Train page's sidebar and run buttons through AppTest: settings that stay, presets, the Start guard."""
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from deepclust_core.recipe.build import preset
from deepclust_core.runs.examples import EXAMPLES_DIR

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def settings_line(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if "Settings:" in c.value)


def test_changed_values_survive_a_method_switch_and_back(app):
    app.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(7).run()
    app.sidebar.number_input(key="dekm:train:lr").set_value(0.002).run()
    app.sidebar.number_input(key="dekm:update_interval").set_value(5).run()
    app.sidebar.selectbox(key="dekm:train:kind").set_value("mlp").run()  # the conv network has no hidden widths
    app.sidebar.text_input(key="dekm:train:hidden").set_value("64,64").run()
    app.sidebar.selectbox(key="method").set_value("dkm").run()
    assert app.sidebar.number_input(key="dkm:train:pretrain_epochs").value == preset("dkm")["pretrain_epochs"]
    app.sidebar.number_input(key="dkm:train:cluster_epochs").set_value(11).run()
    app.switch_page("pages/learn.py").run()  # another page draws none of the sidebar's widgets
    app.switch_page("pages/train.py").run()
    assert app.sidebar.selectbox(key="method").value == "dkm"
    assert app.sidebar.number_input(key="dkm:train:cluster_epochs").value == 11
    app.sidebar.selectbox(key="method").set_value("dekm").run()
    assert not app.exception
    assert app.sidebar.number_input(key="dekm:train:pretrain_epochs").value == 7
    assert app.sidebar.number_input(key="dekm:train:lr").value == 0.002
    assert app.sidebar.number_input(key="dekm:update_interval").value == 5
    assert app.sidebar.text_input(key="dekm:train:hidden").value == "64,64"
    assert "custom" in settings_line(app)


def test_presets_are_shown_and_applied(app):
    quick = preset("dekm", "quick")
    assert "the paper's" in settings_line(app) and button(app, "Paper's settings").disabled
    button(app, "Quick look").click().run()
    assert app.sidebar.number_input(key="dekm:train:pretrain_epochs").value == quick["pretrain_epochs"]
    assert app.sidebar.number_input(key="dekm:train:cluster_epochs").value == quick["cluster_epochs"]
    assert "quick look" in settings_line(app) and button(app, "Quick look").disabled
    app.sidebar.number_input(key="dekm:train:batch_size").set_value(128).run()
    assert "custom" in settings_line(app)
    button(app, "Paper's settings").click().run()
    assert app.sidebar.number_input(key="dekm:train:batch_size").value == preset("dekm")["batch_size"]
    assert app.sidebar.number_input(key="dekm:train:pretrain_epochs").value == preset("dekm")["pretrain_epochs"]
    assert "the paper's" in settings_line(app) and not app.exception


def test_the_recipe_follows_the_data_set_unless_changed(app):
    """DEKM.py's conv network for digits (images), DEKM_dense.py's MLP for a table; the recipe's source is shown."""
    assert app.sidebar.selectbox(key="dekm:train:kind").value == "conv" and "the paper's" in settings_line(app)
    assert any("github.com/spdj2271/DEKM" in caption.value for caption in app.sidebar.caption)
    app.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    assert app.sidebar.selectbox(key="dekm:train:kind").value == "mlp" and "the paper's" in settings_line(app)
    app.sidebar.selectbox(key="method").set_value("dec").run()
    assert app.sidebar.selectbox(key="dec:train:pretrain_optimizer").value == "adam"  # SGD(1, 0.9) is for pixels
    app.sidebar.number_input(key="dec:train:batch_size").set_value(128).run()
    app.sidebar.selectbox(key="data_choice").set_value("digits (scikit-learn, 1,797 8×8 images)").run()
    assert app.sidebar.selectbox(key="dec:train:pretrain_optimizer").value == "adam"  # custom values stay
    assert app.sidebar.number_input(key="dec:train:batch_size").value == 128 and "custom" in settings_line(app)
    button(app, "Paper's settings").click().run()
    assert app.sidebar.selectbox(key="dec:train:pretrain_optimizer").value == "sgd" and not app.exception


@pytest.mark.parametrize("key, value, message", [
    ("k:digits:10", 1, "K must be an integer of at least 2, got 1"),
    ("dekm:train:batch_size", 0, "Batch size must be an integer of at least 1, got 0"),
    ("dekm:train:lr", 0.0, "Learning rate must be positive, got 0.0"),
    ("dekm:train:cluster_epochs", -3, "Clustering epochs must be an integer of at least 0, got -3"),
    ("dekm:train:embedding_dim", 0, "Autoencoder widths and embedding size must be positive"),
    ("seed", -1, "Seed must be a whole number from 0"),
])
def test_an_invalid_number_is_explained_and_blocks_start(app, key, value, message):
    app.sidebar.number_input(key=key).set_value(value).run()
    assert not app.exception
    assert app.sidebar.number_input(key=key).value == value  # kept as typed, not put back to the old value
    assert button(app, "Start").disabled
    errors = [e.value for e in app.main.error]  # one line, next to Start
    assert len(errors) == 1 and errors[0].startswith(message)


def test_start_during_a_run_asks_first(app):
    app.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    app.sidebar.number_input(key="synthetic_n").set_value(300).run()
    app.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(500).run()
    app.sidebar.text_input(key="dekm:train:hidden").set_value("32,32").run()
    button(app, "Start").click().run()
    first = app.session_state["run"]
    try:
        button(app, "Pause").click().run()  # a paused run is still active: it would be lost
        button(app, "Start").click().run()
        assert app.session_state["run"] is first and first.active
        assert any("Starting a new one stops it" in w.value for w in app.warning)
        assert button(app, "Start").disabled
        button(app, "Keep the current run").click().run()
        assert app.session_state["run"] is first and not app.warning and not button(app, "Start").disabled
        button(app, "Start").click().run()
        button(app, "Stop it and start the new run").click().run()
        second = app.session_state["run"]
        assert second is not first and not app.exception
        deadline = time.time() + 30
        while first.active and time.time() < deadline:
            time.sleep(0.2)
        assert first.status == "stopped"
    finally:
        app.session_state["run"].stop()
        first.stop()


def test_a_branch_leaves_the_sidebar_as_the_user_left_it(app):
    """The branch trains with its own settings; the next fresh run starts from the form, not from its leftovers."""
    app.sidebar.number_input(key="dekm:train:batch_size").set_value(128).run()
    app.switch_page("pages/runs.py").run()
    app.selectbox(key="open_run").set_value("example-digits-dekm").run()
    from deepclust_core.runs.store import RunStore

    example = RunStore(EXAMPLES_DIR, read_only=True).run_record("example-digits-dekm").config
    app.selectbox(key="branch:seq").set_value(example.pretrain_epochs).run()  # the pretrained autoencoder
    app.selectbox(key="branch:method").set_value("dkm").run()
    app.number_input(key="branch:cluster_epochs").set_value(1).run()
    app.number_input(key="branch:batch_size").set_value(32).run()
    app.number_input(key="branch:seed").set_value(3).run()
    app.button(key="branch:start").click().run()  # and on to the Train page, where the branch trains
    try:
        assert not app.exception
        branch = app.session_state["run"].config
        assert (branch.method, branch.cluster_epochs, branch.pretrain_epochs, branch.batch_size, branch.seed) == (
            "dkm", 1, 0, 32, 3)
        assert app.sidebar.selectbox(key="method").value == "dekm"
        assert app.sidebar.number_input(key="dekm:train:batch_size").value == 128
        assert app.sidebar.number_input(key="dekm:train:pretrain_epochs").value == preset("dekm")["pretrain_epochs"]
        assert app.sidebar.number_input(key="seed").value == 0
    finally:
        app.session_state["run"].stop()


def test_the_train_page_keeps_every_choice_across_pages(app):
    app.sidebar.toggle(key="lecture").set_value(True).run()
    app.sidebar.selectbox(key="data_choice").set_value("moons (synthetic, 2-D)").run()
    app.sidebar.number_input(key="synthetic_n").set_value(400).run()
    app.sidebar.slider(key="synthetic_noise").set_value(0.1).run()
    app.sidebar.number_input(key="k:moons:2").set_value(3).run()
    app.sidebar.selectbox(key="method").set_value("idec").run()
    app.sidebar.number_input(key="idec:gamma").set_value(0.2).run()
    app.sidebar.number_input(key="idec:train:batch_size").set_value(64).run()
    for page in ("pages/explore.py", "pages/learn.py", "pages/sweep.py", "pages/train.py"):
        app.switch_page(page).run()
        assert not app.exception, page
    assert app.sidebar.toggle(key="lecture").value
    assert app.sidebar.selectbox(key="data_choice").value == "moons (synthetic, 2-D)"
    assert app.sidebar.number_input(key="synthetic_n").value == 400
    assert app.sidebar.slider(key="synthetic_noise").value == 0.1
    assert app.sidebar.number_input(key="k:moons:2").value == 3
    assert app.sidebar.selectbox(key="method").value == "idec"
    assert app.sidebar.number_input(key="idec:gamma").value == 0.2
    assert app.sidebar.number_input(key="idec:train:batch_size").value == 64


def test_a_setting_the_recipe_does_not_read_is_disabled_with_the_reason(app):
    """DEC on digits: SGD in both phases, so the learning rate drives nothing; Adam for clustering makes it drive."""
    app.sidebar.selectbox(key="method").set_value("dec").run()
    lr = app.sidebar.number_input(key="dec:train:lr")
    assert lr.disabled and lr.help.startswith("Not used: pretraining uses SGD with momentum")
    assert "the option sgd lr" in lr.help
    assert app.sidebar.number_input(key="dec:sgd_lr").help.startswith("Clustering: SGD with momentum's step size.")
    assert app.sidebar.number_input(key="dec:train:pretrain_sgd_lr").help.startswith(
        "Pretraining: SGD with momentum's step size.")
    app.sidebar.selectbox(key="dec:optimizer").set_value("adam").run()
    lr = app.sidebar.number_input(key="dec:train:lr")
    assert not lr.disabled and lr.help.startswith("Clustering: Adam's step size.")
    assert app.sidebar.number_input(key="dec:sgd_lr").disabled and not app.exception


def test_a_preset_is_carried_to_the_next_method_and_said(app):
    button(app, "Quick look").click().run()
    app.sidebar.selectbox(key="method").set_value("dec").run()
    quick = preset("dec", "quick")  # on digits too: the quick look's epochs replace the recipe's
    assert app.sidebar.number_input(key="dec:train:pretrain_epochs").value == quick["pretrain_epochs"]
    assert "quick look" in settings_line(app)
    carried = [c.value for c in app.sidebar.caption if "carried over" in c.value]
    assert carried == [":material/swap_horiz: Quick look carried over from DEKM (Deep Embedded K-Means): this run is "
                       f"{quick['pretrain_epochs']} + {quick['cluster_epochs']} epochs."]
    app.sidebar.number_input(key="dec:train:batch_size").set_value(100).run()  # DEC's own values now
    app.sidebar.selectbox(key="method").set_value("dekm").run()
    button(app, "Paper's settings").click().run()
    app.sidebar.selectbox(key="method").set_value("dec").run()
    assert app.sidebar.number_input(key="dec:train:batch_size").value == 100 and "custom" in settings_line(app)
    assert any("keeps the values you set" in c.value for c in app.sidebar.caption) and not app.exception


def test_a_run_whose_loss_explodes_says_so(app, monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPCLUST_CACHE", str(tmp_path))  # pretraining runs here, whatever an earlier run cached
    app.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    app.sidebar.number_input(key="synthetic_n").set_value(300).run()
    app.sidebar.text_input(key="dekm:train:hidden").set_value("32,32").run()
    app.sidebar.number_input(key="dekm:train:batch_size").set_value(64).run()
    app.sidebar.number_input(key="dekm:train:lr").set_value(1.0).run()
    button(app, "Start").click().run()
    run = app.session_state["run"]
    deadline = time.time() + 60
    while run.active and time.time() < deadline:
        time.sleep(0.2)
    app.run()
    assert run.status == "failed" and not app.exception
    assert any("Training diverged" in e.value and "exploded" in e.value for e in app.error)
    assert not any("Finished" in s.value for s in app.success)
