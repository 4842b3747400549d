"""The Explore page's cluster profiles in headless Chromium, at 1600 x 1000: a run on a table of
fourteen columns in mixed units, five clusters; the heatmap names every cluster and the twelve
leading columns, and a screenshot is kept (test-artifacts/profile.png)."""
import re

import numpy as np
import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, app_server

from browser_harness import chromium
from deepclust_core.cli.main import main
from deepclust_core.runs.store import RunStore

pytestmark = BROWSER_MARKS

# Five groups of patients, each column's mean per group (a column's units are its own).
COLUMNS = {"age": (30, 45, 60, 72, 50), "bmi": (21, 24, 29, 33, 26), "systolic_bp": (115, 122, 138, 150, 128),
           "cholesterol": (170, 190, 230, 250, 205), "glucose": (85, 90, 110, 140, 98),
           "income_k": (38, 75, 52, 30, 120), "steps_per_day": (9000, 7000, 5000, 3000, 6500),
           "sleep_h": (7.5, 6.8, 6.5, 7.2, 6.0), "visits": (1, 2, 4, 7, 2), "alcohol_units": (4, 8, 6, 2, 10),
           "hdl": (60, 55, 45, 40, 52), "heart_rate": (64, 70, 76, 80, 68), "height_cm": (170, 172, 170, 168, 174),
           "shoe_size": (42,) * 5}


@pytest.fixture
def home(tmp_path):
    """A run store holding one run on the patients' table (K = 5)."""
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(5), 60)
    table = np.column_stack([np.asarray(means)[groups] * rng.normal(1, 0.06, len(groups))
                             for means in COLUMNS.values()]).round(2)
    table[:, -1] = 42  # every patient's shoe size: a constant column
    path = tmp_path / "patients.csv"
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(",".join(f"{v:g}" for v in row) for row in table) + "\n")
    home = tmp_path / "home"
    assert main(["train", "--file", str(path), "--method", "ae-kmeans", "--k", "5", "--hidden", "32,32",
                 "--embedding-dim", "4", "--pretrain-epochs", "8", "--cluster-epochs", "1", "--no-cache",
                 "--store", str(home), "--name", "patients"]) == 0
    return home


def test_the_profile_heatmap_reads_at_1600_by_1000(tmp_path, home):
    ARTIFACTS.mkdir(exist_ok=True)
    (run,) = RunStore(home).runs()
    with app_server(tmp_path / "cache", DEEPCLUST_HOME=str(home)) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        page.get_by_text("Watch deep clustering learn").wait_for(timeout=60_000)
        page.get_by_role("link", name="Explore", exact=True).click()
        page.get_by_role("combobox", name="Run").click(timeout=60_000)
        page.get_by_role("option", name=re.compile(run.id)).click()
        heatmap = page.locator(".js-plotly-plot", has=page.locator(".gtitle", has_text="Cluster profiles"))
        heatmap.wait_for(timeout=60_000)
        page.get_by_role("heading", name="Cluster profiles").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "profile.png"))  # the section from its heading down
        rows = heatmap.locator(".ytick text").all_text_contents()
        columns = heatmap.locator(".xtick text").all_text_contents()
        assert sorted(r.split(" · ")[0] for r in rows) == [f"cluster {k}" for k in range(5)]
        assert len(columns) == 12 and "shoe_size" not in columns  # a constant column sets no cluster apart
        assert heatmap.bounding_box()["height"] <= 1000  # the whole heatmap fits the window
