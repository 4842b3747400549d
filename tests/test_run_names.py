"""Runs have names: given at the start (`train --name`, the Python API), changed later (`rename`, the Runs page),
kept in the store, and shown by `runs` and in every export (metrics CSV and JSON, the HTML report)."""
import csv
import io
import json

from deepclust_core.cli.main import main
from deepclust_core.runs.export import metrics_csv, metrics_json
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.report import html_report
from deepclust_core.runs.store import NAME_LENGTH, RunStore
from deepclust_core.runs.stored_run import StoredRun

TINY_TRAIN = ["train", "--data", "blobs", "--n-samples", "120", "--hidden", "16,16", "--embedding-dim", "2",
              "--pretrain-epochs", "1", "--cluster-epochs", "1", "--no-cache"]


def test_train_name_is_recorded_listed_and_renamed_from_the_cli(tmp_path, capsys):
    store_dir = str(tmp_path)
    assert main(TINY_TRAIN + ["--store", store_dir, "--name", "two moons, small AE"]) == 0
    assert main(TINY_TRAIN + ["--store", store_dir]) == 0
    unnamed, named = RunStore(store_dir).runs()  # newest first
    assert (named.name, unnamed.name) == ("two moons, small AE", "")
    capsys.readouterr()
    assert main(["runs", "--store", store_dir]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(named.id) and lines[1].endswith("two moons, small AE")
    assert lines[0].startswith(unnamed.id) and "two moons" not in lines[0]
    assert main(["rename", unnamed.id, "the baseline", "--store", store_dir]) == 0
    assert "is named 'the baseline'" in capsys.readouterr().out
    assert RunStore(store_dir).run_record(unnamed.id).name == "the baseline"
    assert main(["rename", named.id, "", "--store", store_dir]) == 0
    assert RunStore(store_dir).run_record(named.id).name == ""
    assert main(["rename", "no-such-run", "x", "--store", store_dir]) == 2
    assert "no run 'no-such-run'" in capsys.readouterr().err


def test_names_are_one_line_and_bounded(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    run_id = store.create_run(tiny_run.data, tiny_run.config, origin="python", name="a\tname\nover lines " + "x" * 500)
    name = store.run_record(run_id).name
    assert name.startswith("a name over lines x") and len(name) == NAME_LENGTH and "\n" not in name


def test_exports_carry_the_name(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder,
                          name="wider <encoder>")
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    record, rows = store.run_record(recording.run_id), store.epoch_rows(recording.run_id)
    assert record.label.startswith("wider <encoder>: dekm on blobs")
    table = list(csv.DictReader(io.StringIO(metrics_csv(record, rows))))
    assert {row["name"] for row in table} == {"wider <encoder>"} and {row["run"] for row in table} == {record.id}
    assert json.loads(metrics_json(record, rows))["run"]["name"] == "wider <encoder>"
    report = html_report(StoredRun(store, record.id))
    assert "<title>deepclust: wider &lt;encoder&gt; (" in report
    assert "<th>Name</th><td>wider &lt;encoder&gt;</td>" in report
