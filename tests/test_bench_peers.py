"""bench.peers (its command line, runs.py and table.py: deepclust vs ClustPy) on tiny settings: arguments, the
table, our side of a run, the settings handed to ClustPy, and ClustPy's side only where the peer venv (.venv-peers) exists."""
import json
import types

import pytest
import torch

from bench.peers import clustpy_run
from bench.datasets import load_spec, parse_data_spec
from bench.peers.runs import (
    PEER_PYTHON,
    check_methods,
    libraries_of,
    our_config,
    peer_epochs,
    peer_options,
    run_ours,
)
from bench.peers.table import COLUMNS, OURS, THEIRS, PeerResult, markdown_table
from bench.peers.__main__ import build_parser, main
from bench.settings import describe

pytestmark = pytest.mark.bench  # the benchmarks' own code: left out of `make test-fast`

TINY = ["--data", "blobs:200", "--seeds", "0", "--pretrain-epochs", "2", "--cluster-epochs", "2",
        "--hidden", "8", "--embedding-dim", "2", "--threads", "1"]


def table_rows(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]


def test_arguments_and_method_sides():
    args = build_parser().parse_args(["--methods", "dec,dcn,dekm", "--seeds", "0,2", "--data", "digits,fashion-mnist:10000"])
    assert args.methods == ["dec", "dcn", "dekm"] and args.seeds == [0, 2]
    assert args.data == ["digits", "fashion-mnist:10000"] and args.device == "cpu" and not args.flush_denormal
    assert libraries_of("dec") == (OURS, THEIRS) and libraries_of("dcn") == (THEIRS,) and libraries_of("depict") == (OURS,)
    check_methods(["dec", "idec", "dkm", "dcn", "aecm", "kmeans-friendly"])
    with pytest.raises(ValueError, match="unknown method nope"):
        check_methods(["dec", "nope"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--seeds", "0,x"])


def fake(library, method, seed, acc, **changes):
    values = dict(acc=acc, nmi=acc - 0.1, ari=acc - 0.2, pretrain_epochs=10, pretrain_seconds=5.0, ae_seconds=5.0,
                  epochs=4, planned_epochs=4, init_seconds=1.0, epochs_seconds=2.0, pretrain_gflop=2.0, epoch_gflop=1.0)
    return PeerResult("digits", library, method, seed, "settings " + library, **(values | changes))


def test_table_from_fake_results():
    results = [
        fake(OURS, "dec", 0, 0.8), fake(OURS, "dec", 1, 0.9, pretrain_shared=True, pretrain_seconds=0.0, epochs=2),
        fake(THEIRS, "dec", 0, 0.7, extra={"labels_kmeans_acc": 0.6, "labels_kmeans_nmi": 0.5, "ae_kmeans_acc": 0.5}),
        fake(THEIRS, "dec", 1, 0.7, ae_seconds=None, extra={"labels_kmeans_acc": 0.8, "labels_kmeans_nmi": 0.5,
                                                             "ae_kmeans_acc": 0.6}),
        PeerResult("digits", THEIRS, "dcn", 0, "s", ok=False, error="ClustPy run exited 1: boom"),
    ]
    text = markdown_table(results)
    rows = table_rows(text)
    assert [row[:4] for row in rows] == [["digits", OURS, "dec", "2/2"], ["digits", THEIRS, "dec", "2/2"],
                                         ["digits", THEIRS, "dcn", "0/1"]]
    assert all(len(row) == len(COLUMNS) for row in rows)
    ours, theirs, failed = rows
    assert ours[4] == "0.850 ± 0.071" and theirs[4] == "0.700 ± 0.000"
    assert ours[7] == "3.0 (2–4) of 4 (stopping rule: 1/2)" and theirs[7] == "4"
    assert ours[8] == "0.500" and ours[9] == "0.750"  # pretraining only from the run that trained; 2 s / 4 epochs and 2 s / 2
    assert ours[10] == "4" and ours[11] == "1.5"  # 2 GFLOP x 10 epochs / 5 s; (1 x 4 / 2 + 1 x 2 / 2) / 2
    assert ours[12] == "8.0" and theirs[12] == "8.0"  # 5 + 1 + 2; the ClustPy run with an unknown AE time is left out
    assert "- digits deepclust dec: speed per epoch against ClustPy's (its s/epoch over ours; above 1: ours faster): " \
           "pretraining 1.00x, clustering 0.67x." in text
    assert failed[4] == "n/a" and "- FAILED: digits ClustPy dcn seed 0: ClustPy run exited 1: boom" in text
    assert "its `labels_`" in text and "ACC 0.700 ± 0.141" in text
    assert "- digits ClustPy dec: its initial KMeans on its own pretrained autoencoder, before any clustering epoch: " \
           "ACC 0.550 ± 0.071." in text


def test_settings_handed_to_clustpy():
    dec = our_config("dec", 10, 0, build_parser().parse_args([]), "/tmp/unused")
    assert peer_options("dec", dec) == {"alpha": 1.0, "n_init": 20, "optimizer": "sgd", "sgd_lr": 0.01, "momentum": 0.9}
    assert (dec.pretrain_epochs, dec.cluster_epochs, dec.batch_size, dec.lr) == (300, 73, 256, 1e-3)
    assert (dec.pretrain_optimizer, dec.autoencoder.init) == ("adam", "default")  # pretrained as ClustPy does
    dkm = our_config("dkm", 10, 0, build_parser().parse_args(["--cluster-epochs", "500"]), "/tmp/unused")
    assert peer_options("dkm", dkm) == {"alpha": 1000.0, "lam": 1.0, "n_init": 10}
    assert peer_epochs("dkm", dkm) == 100  # our DKM ends with its schedule: 20 alphas x 5 epochs
    dcn = our_config("dcn", 10, 0, build_parser().parse_args([]), "/tmp/unused")
    assert dcn.method == "dkm" and dcn.pretrain_epochs == 50  # ClustPy's DCN trains with our DKM's settings

    args = clustpy_run.build_parser().parse_args(["--data", "x.npz", "--method", "dkm", "--seed", "0", "--n-clusters", "3",
                                                   "--pretrain-epochs", "2", "--cluster-epochs", "7", "--batch-size", "64",
                                                   "--lr", "0.002", "--out", "r.json"])
    kwargs = clustpy_run.method_kwargs("dkm", args, {"alpha": 1000.0, "lam": 1.0, "n_init": 10}, torch)
    assert kwargs["alphas"] == (1000.0,) and kwargs["clustering_epochs"] == 7 and kwargs["clustering_loss_weight"] == 1.0
    assert kwargs["clustering_optimizer_params"] == {"lr": 0.002} and kwargs["initial_clustering_params"] == {"n_init": 10}
    kwargs = clustpy_run.method_kwargs("dec", args, {"n_init": 20, "sgd_lr": 0.01, "momentum": 0.9}, torch)
    assert kwargs["optimizer_class"] is torch.optim.SGD and kwargs["clustering_optimizer_params"] == {"lr": 0.01, "momentum": 0.9}
    assert kwargs["pretrain_optimizer_params"] == {"lr": 0.002}


def test_our_side_of_a_tiny_run(tmp_path):
    args = build_parser().parse_args(TINY)
    data = load_spec(parse_data_spec("blobs:200"))
    ae_seconds = {}
    first = run_ours(data, c := our_config("dkm", data.n_classes, 0, args, str(tmp_path)), "blobs:200", describe(c), ae_seconds)
    assert first.ok, first.error
    assert first.library == OURS and first.epochs == 2 and first.pretrain_seconds > 0 and not first.pretrain_shared
    assert all(0 <= value <= 1 for value in (first.acc, first.nmi)) and -1 <= first.ari <= 1
    assert first.ae_seconds == first.pretrain_seconds and first.epochs_seconds > 0 and first.total_seconds > first.epochs_seconds
    second = run_ours(data, c := our_config("idec", data.n_classes, 0, args, str(tmp_path)), "blobs:200", describe(c), ae_seconds)
    assert second.ok and second.pretrain_shared and second.pretrain_seconds == 0.0 and second.ae_seconds == first.ae_seconds


def test_a_missing_peer_venv_is_a_failed_row_and_merge_rebuilds_the_table(tmp_path, capsys):
    raw, out = tmp_path / "runs.json", tmp_path / "table.md"
    status = main([*TINY, "--methods", "dcn", "--peer-python", str(tmp_path / "no-python"), "--json", str(raw), "--out", str(out)])
    assert status == 1
    assert "- FAILED: blobs:200 ClustPy dcn seed 0: no peer venv" in out.read_text()
    assert json.loads(raw.read_text())["runs"][0]["ok"] is False
    assert main(["--merge", str(raw), "--out", str(tmp_path / "merged.md")]) == 1
    assert table_rows((tmp_path / "merged.md").read_text()) == table_rows(out.read_text())


@pytest.mark.skipif(not PEER_PYTHON.exists(), reason="no peer venv (.venv-peers): `make .venv-peers/.installed`")
def test_both_libraries_on_a_tiny_run(tmp_path):
    raw = tmp_path / "runs.json"
    status = main([*TINY, "--methods", "dkm,dcn", "--json", str(raw)])
    runs = [types.SimpleNamespace(**run) for run in json.loads(raw.read_text())["runs"]]
    assert status == 0, [run.error for run in runs]
    assert [(run.library, run.method) for run in runs] == [(OURS, "dkm"), (THEIRS, "dkm"), (THEIRS, "dcn")]
    peer = runs[1]
    assert peer.epochs == 2 and peer.pretrain_seconds > 0 and 0 <= peer.acc <= 1
    assert peer.extra["kwargs"]["alphas"] == [1000.0] and peer.extra["threads"] == 1
    assert 0 <= peer.extra["ae_kmeans_acc"] <= 1  # the labels of ClustPy's initial clustering, scored
    assert runs[2].pretrain_shared  # DCN reused DKM's ClustPy autoencoder of the same seed
