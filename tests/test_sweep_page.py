"""The Sweep page through AppTest: set up a 2-setting × 2-seed sweep on a small synthetic set, start
it (in the server's sweep host, a process of its own with its local Ray), watch its trials end, read
the table by setting; and neither `import deepclust_core` nor the app's first page loads Ray."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from deepclust_core.runs.store import RunStore

pytestmark = pytest.mark.ray

ROOT = Path(__file__).resolve().parents[1]
TINY_VALUES = "k=3,4\npretrain_epochs=1\ncluster_epochs=1\nhidden=16\nembedding_dim=2\nbatch_size=64"


@pytest.fixture
def page():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.switch_page("pages/sweep.py").run()
    return app


def test_a_sweep_started_on_the_page_records_its_trials_and_shows_them_by_setting(page):
    assert not page.exception
    page.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    page.number_input(key="synthetic_n").set_value(200).run()
    page.multiselect(key="sweep:methods").set_value(["dekm"]).run()
    page.text_area(key="sweep:values").set_value(TINY_VALUES).run()
    assert not page.exception and not page.error
    # seeds typed and Start clicked in one rerun, as a click that lands before the seeds' rerun: the sweep started
    # is the one set up now (2 seeds), not the one the button was drawn with (the default seeds)
    page.text_input(key="sweep:seeds").set_value("0-1")
    page.button(key="sweep:start").click().run()
    deadline = time.monotonic() + 240
    while page.session_state["sweep"].active and time.monotonic() < deadline:
        time.sleep(1)
    page.run()
    assert not page.exception and not page.error
    trials = page.dataframe[0].value
    assert list(trials["status"]) == ["finished"] * 4 and set(trials["setting"]) == {"dekm k=3", "dekm k=4"}
    by_setting = page.dataframe[1].value
    assert list(by_setting["setting"]) == ["dekm k=3", "dekm k=4"] and list(by_setting["seeds ok"]) == ["2/2"] * 2
    assert all(-1 <= float(score) <= 1 for score in by_setting["stability"])  # 2 seeds each: a score, not "needs 2 seeds"
    sweep_id = page.session_state["sweep"].sweep_id
    assert sorted(r.id for r in RunStore().sweep_runs(sweep_id)) == sorted(trials["run"])


def test_ray_is_loaded_only_when_a_sweep_starts():
    check = ("import sys; import deepclust_core; from deepclust_core.cli import main; "
             "from streamlit.testing.v1 import AppTest; "
             f"app = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60).run(); "
             "assert not app.exception; app.switch_page('pages/sweep.py').run(); assert not app.exception; "
             "print('ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr[-2000:]
