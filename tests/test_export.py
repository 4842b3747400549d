"""Exports: metrics as CSV and JSON, the run file the CLI trains from, the CLI's store commands."""
import csv
import io
import json

import numpy as np
import pytest

from deepclust_core.cli.main import main
from deepclust_core.settings.run_file import read_run_config
from deepclust_core.runs.export import config_json, metrics_csv, metrics_json
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore


@pytest.fixture
def stored(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder)
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    return store, store.run_record(recording.run_id)


def test_metrics_as_csv_and_json(stored, tiny_run):
    store, record = stored
    rows = store.epoch_rows(record.id)
    table = list(csv.DictReader(io.StringIO(metrics_csv(record, rows))))
    assert len(table) == len(tiny_run.snapshots)
    assert {"seq", "phase", "epoch", "position", "loss_total", "acc", "nmi", "ari"} <= set(table[0])
    assert list(table[0])[:2] == ["run", "name"] and {r["run"] for r in table} == {record.id}
    assert float(table[-1]["acc"]) == pytest.approx(tiny_run.snapshots[-1].metrics["acc"])
    assert [int(r["position"]) for r in table] == list(range(1, 4)) + [3 + e for e in range(len(table) - 3)]
    document = json.loads(metrics_json(record, rows))
    assert document["run"]["id"] == record.id and document["run"]["config"]["n_clusters"] == 4
    assert len(document["epochs"]) == len(table)


def test_the_run_file_reads_back_as_the_same_run(stored, tiny_run):
    _, record = stored
    run = read_run_config(config_json(record))
    assert run.config == tiny_run.config and run.data == tiny_run.data.source
    assert run.data_fingerprint == tiny_run.data.fingerprint() and run.branch_from is None
    with pytest.raises(ValueError, match="not a deepclust run file"):
        read_run_config('{"format": "something else"}')
    with pytest.raises(ValueError, match="unknown training settings"):
        read_run_config(config_json(record).replace('"seed"', '"sead"'))


def test_the_cli_reproduces_a_run_from_its_file(tmp_path, capsys):
    store_dir = str(tmp_path / "store")
    options = ["--data", "blobs", "--n-samples", "160", "--hidden", "16,16", "--embedding-dim", "3",
               "--pretrain-epochs", "2", "--cluster-epochs", "2", "--no-cache", "--store", store_dir]
    assert main(["train", *options, "--save-labels", str(tmp_path / "first.npy")]) == 0
    (original,) = RunStore(store_dir).runs()
    assert original.origin == "cli" and original.status in ("finished", "converged")
    assert main(["export", original.id, "--format", "config", "-o", str(tmp_path / "run.json"), "--store", store_dir]) == 0
    assert main(["train", "--config", str(tmp_path / "run.json"), "--store", store_dir,
                 "--save-labels", str(tmp_path / "again.npy")]) == 0
    assert np.array_equal(np.load(tmp_path / "first.npy"), np.load(tmp_path / "again.npy"))
    again = RunStore(store_dir).runs()[0]
    assert again.config == original.config and again.id != original.id
    capsys.readouterr()
    assert main(["runs", "--store", store_dir]) == 0
    assert original.id in capsys.readouterr().out
    assert main(["export", original.id, "--format", "csv", "-o", str(tmp_path / "m.csv"), "--store", store_dir]) == 0
    assert (tmp_path / "m.csv").read_text().startswith("run,name,seq,phase,epoch")


def test_no_store_records_nothing(tmp_path):
    assert main(["train", "--data", "blobs", "--n-samples", "120", "--hidden", "8", "--embedding-dim", "2",
                 "--pretrain-epochs", "1", "--cluster-epochs", "1", "--no-cache", "--no-store",
                 "--store", str(tmp_path / "store")]) == 0
    assert not (tmp_path / "store").exists()


def test_report_without_umap_frames_animates_principal_axes(stored, tiny_run):
    from deepclust_core.runs.report import html_report
    from deepclust_core.runs.report.animation import frame_entries, packed_animation
    from deepclust_core.runs.stored_run import StoredRun

    store, record = stored
    run = StoredRun(store, record.id)
    animation = packed_animation(run)
    assert len(animation["frames"]) == len(tiny_run.snapshots) and animation["n_points"] == 100
    assert "principal axes" in animation["layout"]["annotations"][0]["text"]
    assert [f["name"] for f in animation["frames"]][:2] == ["pretrain 1", "pretrain 2"]
    assert "Plotly" in html_report(run) and len(frame_entries(list(range(400)), 150)) == 150
    assert frame_entries(list(range(400)), 150)[-1] == 399
