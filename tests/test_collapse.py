"""The one line a run ends with when its clusters collapsed (a cluster under 1 % of the rows, or fewer
non-empty clusters than K), read from the cluster sizes alone: the rule, the CLI and the Train page."""
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from deepclust_core.cli.main import main
from deepclust_core.evaluation.collapse import collapse_note

APP = str(Path(__file__).resolve().parents[1] / "app.py")
UPLOAD_CHOICE = "Your file (CSV, .npy, .npz, .zip of images)"


def test_the_rule_names_empty_and_tiny_clusters_and_nothing_else():
    assert collapse_note([50, 50, 100]) is None and collapse_note([2, 98, 100]) is None  # 1 % exactly: kept
    assert collapse_note([1, 99, 100]) == ("Collapsed clusters: 1 cluster holds under 1 % of the 200 rows (1). "
                                           "Compare with AE + k-means, or try another seed, fewer clustering epochs "
                                           "or a smaller K.")
    assert collapse_note([0, 0, 90, 110]).startswith("Collapsed clusters: only 2 of the K = 4 clusters hold any row. ")
    both = collapse_note([0, 3, 1, 996])
    assert "only 3 of the K = 4 clusters hold any row; 2 clusters hold under 1 % of the 1,000 rows (1, 3)" in both
    assert "\n" not in both


def two_blobs(path: Path, outlier: bool) -> Path:
    """200 rows in two tight blobs, and with `outlier` one row far away, which k-means gives a cluster of its own."""
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(-2, 0.1, (100, 2)), rng.normal(2, 0.1, (100, 2))] + [[[40.0, 40.0]]] * outlier)
    path.write_text("a,b\n" + "\n".join(f"{x:.4f},{y:.4f}" for x, y in points) + "\n")
    return path


@pytest.mark.parametrize("collapsed", [True, False])
def test_the_cli_says_so_in_one_line(tmp_path, capsys, collapsed):
    data = two_blobs(tmp_path / "outlier.csv", outlier=collapsed)
    code = main(["train", "--file", str(data), "--k", "3" if collapsed else "2", "--method", "ae-kmeans", "--hidden", "8",
                 "--embedding-dim", "2", "--pretrain-epochs", "2", "--no-store", "--cache-dir", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[-1 - collapsed].startswith("final: no labels to score against")
    warnings = [line for line in out if line.startswith("warning: Collapsed clusters")]
    assert warnings == (["warning: Collapsed clusters: 1 cluster holds under 1 % of the 201 rows (1). Compare with "
                         "AE + k-means, or try another seed, fewer clustering epochs or a smaller K."] if collapsed else [])


@pytest.mark.parametrize("collapsed", [True, False])
def test_the_train_page_says_so_under_the_finished_run(tmp_path, collapsed):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.selectbox(key="data_choice").set_value(UPLOAD_CHOICE).run()
    content = two_blobs(tmp_path / "outlier.csv", outlier=collapsed).read_bytes()
    at.sidebar.file_uploader(key="upload").set_value(("outlier.csv", content, "text/csv")).run()
    at.sidebar.selectbox(key="method").set_value("ae-kmeans").run()
    next(box for box in at.sidebar.number_input if box.label == "Clusters K").set_value(3 if collapsed else 2).run()
    at.sidebar.number_input(key="ae-kmeans:train:pretrain_epochs").set_value(2).run()
    at.sidebar.text_input(key="ae-kmeans:train:hidden").set_value("8").run()
    at.button[0].click().run()
    deadline = time.time() + 120
    while at.session_state["run"].active and time.time() < deadline:
        time.sleep(0.5)
    at.run()
    assert not at.exception and at.session_state["run"].status in ("finished", "converged")
    notes = [w.value for w in at.warning if w.value.startswith("Collapsed clusters")]
    assert notes == (["Collapsed clusters: 1 cluster holds under 1 % of the 201 rows (1). Compare with AE + k-means, "
                      "or try another seed, fewer clustering epochs or a smaller K."] if collapsed else [])
