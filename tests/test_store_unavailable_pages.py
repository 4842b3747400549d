"""Every page with a run store that cannot be used: one line naming the file, no traceback, the file untouched;
the Runs and Compare pages go on with the examples, and the Train page trains without recording."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ("pages/train.py", "pages/explore.py", "pages/runs.py", "pages/compare.py", "pages/sweep.py", "pages/learn.py")


@pytest.fixture
def broken_home(tmp_path, monkeypatch):
    """$DEEPCLUST_HOME holding a runs.sqlite that is not a database."""
    (tmp_path / "runs.sqlite").write_bytes(b"not a database at all\n" * 50)
    monkeypatch.setenv("DEEPCLUST_HOME", str(tmp_path))
    return tmp_path


def store_lines(app: AppTest, folder: Path) -> list[str]:
    return [e.value for e in app.error if str(folder / "runs.sqlite") in e.value]


def test_every_page_says_it_in_one_line_and_the_file_is_left_alone(broken_home):
    before = (broken_home / "runs.sqlite").read_bytes()
    app = AppTest.from_file(APP, default_timeout=60).run()
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        [line] = store_lines(app, broken_home)
        assert "not a database" in line and "leaves it as it is" in line and "\n" not in line, page
    app.switch_page("pages/runs.py").run()
    assert "example-digits-dekm" in set(app.dataframe[0].value["run"])  # the examples are still there
    assert (broken_home / "runs.sqlite").read_bytes() == before


def test_the_train_page_trains_without_recording_and_says_so(broken_home):
    from test_app import configure_short_run, wait_for_run

    app = configure_short_run(AppTest.from_file(APP, default_timeout=60).run())
    app.text_input(key="run_name").set_value("unrecorded").run()
    app.button[0].click().run()
    wait_for_run(app)
    assert not app.exception
    run = app.session_state["run"]
    assert run.status in ("finished", "converged") and run.history() and run.run_id is None
    assert any("not recorded (the line above says why)" in w.value for w in app.warning)
    assert store_lines(app, broken_home)
    assert any("Finished" in s.value for s in app.success)  # the view drew the run as usual


def test_a_sweep_cannot_start_without_a_store(broken_home):
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("pages/sweep.py").run()
    start = [b for b in app.button if b.key == "sweep:start"]
    assert all(b.disabled for b in start) and not app.exception
