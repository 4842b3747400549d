import subprocess
import sys
from pathlib import Path

import numpy as np

from deepclust_core.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "deepclust_core", *args], cwd=ROOT, capture_output=True, text=True)


def test_help_documents_every_option():
    out = run_cli("train", "--help").stdout
    for option in ("--data", "--file", "--method", "--k", "--option", "--pretrain-epochs", "--cluster-epochs",
                   "--batch-size", "--lr", "--seed", "--subsample", "--device", "--no-cache"):
        assert option in out


def test_bad_option_prints_one_line_and_fails():
    result = run_cli("train", "--method", "nonsense")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "invalid choice" in result.stderr


def test_bad_data_prints_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,oops\n")
    assert main(["train", "--file", str(bad), "--k", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "column 'x2' holds text ('oops' on line 2)" in err


def test_train_prints_a_line_per_epoch_and_a_summary(tmp_path, capsys):
    labels = tmp_path / "labels.npy"
    code = main(["train", "--data", "blobs", "--n-samples", "200", "--hidden", "16,16", "--embedding-dim", "3",
                 "--pretrain-epochs", "2", "--cluster-epochs", "2", "--cache-dir", str(tmp_path),
                 "--option", "update_interval=2", "--save-labels", str(labels)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert sum("pretrain" in line for line in out) == 2 and any("cluster" in line and "ACC=" in line for line in out)
    assert out[-1].startswith("final: ACC=") and np.load(labels).shape == (200,)


def test_unknown_method_option_is_explained(capsys):
    assert main(["train", "--data", "blobs", "--option", "speed=3"]) == 2
    assert "dekm options are" in capsys.readouterr().err

